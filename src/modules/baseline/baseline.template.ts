// The import template: one column per field, in this order. The same list drives the CSV and
// XLSX templates offered for download and the header check on import.

import { AFC_BANDS } from './baseline.ts';

export interface TemplateColumn {
  name: string;
  required: boolean;
  description: string;
  example: string;
}

export const BASELINE_COLUMNS: readonly TemplateColumn[] = [
  { name: 'period', required: true, description: 'Financial year, YYYY-YY', example: '2021-22' },
  { name: 'borough_code', required: true, description: 'ONS GSS code of the borough', example: 'E09000003' },
  { name: 'component_code', required: true, description: 'Core offer component code', example: 'district-nursing' },
  {
    name: 'age_group',
    required: true,
    description: 'children-young-people, young-adults, working-age-adults or older-adults',
    example: 'older-adults',
  },
  { name: 'offered', required: true, description: 'full, partial or none', example: 'partial' },
  {
    name: 'provider_code',
    required: false,
    description: 'ODS code of the organisation that provides it (a council by its GSS code); blank if not known',
    example: 'RYX',
  },
  {
    name: 'weekday_hours',
    required: false,
    description: 'Monday to Friday: HH:MM-HH:MM, 24h or closed',
    example: '08:00-20:00',
  },
  {
    name: 'weekend_hours',
    required: false,
    description: 'Saturday and Sunday: HH:MM-HH:MM, 24h or closed',
    example: 'closed',
  },
  {
    name: 'access_routes',
    required: false,
    description: 'Separated by ";": self-referral, professional-referral, central-point-of-access, walk-in',
    example: 'professional-referral;central-point-of-access',
  },
  {
    name: 'points_of_delivery',
    required: false,
    description: 'Separated by ";": home, clinic, care-home, school, hospital, virtual, community-venue',
    example: 'home;care-home',
  },
  { name: 'age_from', required: false, description: 'Youngest age served, whole years', example: '65' },
  { name: 'age_to', required: false, description: 'Oldest age served, whole years; blank for no limit', example: '' },
  {
    name: 'median_wait_weeks',
    required: false,
    description: 'Median weeks from referral to first contact',
    example: '3.5',
  },
  {
    name: 'p90_wait_weeks',
    required: false,
    description: '90th percentile weeks from referral to first contact',
    example: '9',
  },
  { name: 'wte_nursing', required: false, description: 'Nurses, whole-time equivalents', example: '12.4' },
  { name: 'wte_allied_health', required: false, description: 'Allied health professionals, WTE', example: '3' },
  { name: 'wte_medical', required: false, description: 'Doctors, WTE', example: '0.5' },
  { name: 'wte_psychology', required: false, description: 'Psychologists and therapists, WTE', example: '0' },
  { name: 'wte_support', required: false, description: 'Support workers and assistants, WTE', example: '4' },
  { name: 'wte_other', required: false, description: 'Other staff, WTE', example: '1' },
  ...AFC_BANDS.map((b) => ({
    name: b.column,
    required: false,
    description: `Agenda for Change ${b.name.toLowerCase()}, WTE (the same staff as the staff group columns, doctors excepted)`,
    example: (
      {
        'band-2': '0',
        'band-3': '2',
        'band-4': '2',
        'band-5': '5',
        'band-6': '6.4',
        'band-7': '4',
        'band-8a-plus': '1',
      } as Record<string, string>
    )[b.code],
  })),
  {
    name: 'spend_gbp',
    required: false,
    description: 'Spend in the period, pounds, up to 2 decimal places, no £ or commas',
    example: '1250000.00',
  },
  { name: 'contacts', required: false, description: 'Contacts in the period, whole number', example: '18250' },
  { name: 'people_seen', required: false, description: 'Distinct people seen, whole number', example: '2400' },
  {
    name: 'source',
    required: false,
    description: 'Where the figures come from, or "illustrative"',
    example: 'Trust activity return 2021-22',
  },
  { name: 'notes', required: false, description: 'Anything a reader should know', example: '' },
];

export const BASELINE_HEADER: readonly string[] = BASELINE_COLUMNS.map((c) => c.name);
