// Baseline: what each borough provided for each core offer component and age group in a
// reporting period, as analysts import it. Plain types and the offer-side summaries the gap
// analysis compares against. No I/O.

import {
  type AccessRoute,
  type AgeGroupCode,
  type AgeGroupProvision,
  durationToMilliseconds,
  type OperatingHours,
  type PointOfDelivery,
  WEEKDAYS,
} from '../offer/index.ts';

export const OFFERED = ['full', 'partial', 'none'] as const;
export type Offered = (typeof OFFERED)[number];

/** Staff groups, each one column of whole-time equivalents in the template. */
export const STAFF_GROUPS = [
  { code: 'nursing', column: 'wte_nursing', name: 'Nurses' },
  { code: 'allied-health', column: 'wte_allied_health', name: 'Allied health professionals' },
  { code: 'medical', column: 'wte_medical', name: 'Doctors' },
  { code: 'psychology', column: 'wte_psychology', name: 'Psychologists and therapists' },
  { code: 'support', column: 'wte_support', name: 'Support workers and assistants' },
  { code: 'other', column: 'wte_other', name: 'Other staff' },
] as const;
export type StaffGroupCode = (typeof STAFF_GROUPS)[number]['code'];

/** Agenda for Change pay bands, each an optional column of whole-time equivalents in the template. Doctors
 * are not on Agenda for Change, so band columns count the other staff; bands 1 and 2 share a column, as do
 * bands 8a to 9. */
export const AFC_BANDS = [
  { code: 'band-2', column: 'wte_band_2', name: 'Bands 1 and 2' },
  { code: 'band-3', column: 'wte_band_3', name: 'Band 3' },
  { code: 'band-4', column: 'wte_band_4', name: 'Band 4' },
  { code: 'band-5', column: 'wte_band_5', name: 'Band 5' },
  { code: 'band-6', column: 'wte_band_6', name: 'Band 6' },
  { code: 'band-7', column: 'wte_band_7', name: 'Band 7' },
  { code: 'band-8a-plus', column: 'wte_band_8a_plus', name: 'Band 8a and above' },
] as const;
export type AfcBandCode = (typeof AFC_BANDS)[number]['code'];

/** An organisation code as ODS writes it (e.g. RKE, RV3, 8A123), or a council's GSS code, or a local code. */
export const PROVIDER_CODE = /^[A-Z0-9][A-Z0-9-]{1,11}$/;

/** Hours on one kind of day: closed, around the clock, or open from–to ("HH:MM", close may be "24:00"). */
export type HoursSpan = { kind: 'closed' } | { kind: '24h' } | { kind: 'open'; open: string; close: string };

/** Weekdays are Monday to Friday; the weekend is Saturday and Sunday (open if either day is). */
export interface BaselineHours {
  weekday: HoursSpan;
  weekend: HoursSpan;
}

/** One reporting period (e.g. "2021-22"), borough, component and age group. */
export interface BaselineRow {
  period: string;
  /** Borough GSS code. */
  borough: string;
  /** Core offer component code. */
  component: string;
  ageGroup: AgeGroupCode;
  offered: Offered;
  /** The provider organisation's code (ODS, or GSS for a council), when the file says who provides it. */
  provider?: string;
  hours?: BaselineHours;
  accessRoutes?: AccessRoute[];
  pointsOfDelivery?: PointOfDelivery[];
  /** Ages actually served, whole years; `to` null means no upper limit. */
  ages?: { from: number; to: number | null };
  /** Referral to first contact, weeks. */
  medianWaitWeeks?: number;
  p90WaitWeeks?: number;
  /** Staff, spend and activity add up across rows: each post, pound and contact is recorded once.
   * Young adults overlap working-age adults, so their figures sit in the young-adults row only for
   * a dedicated young-adult team; otherwise they stay in the working-age row. */
  staffWte: Partial<Record<StaffGroupCode, number>>;
  /** Staff on Agenda for Change by band, WTE, when the file gives them (they count the same staff again). */
  bandWte?: Partial<Record<AfcBandCode, number>>;
  /** Integer pence. */
  spendPence?: number;
  contacts?: number;
  peopleSeen?: number;
  /** Where the row's figures come from, or "illustrative". */
  source?: string;
  notes?: string;
  /** 1-based row in the imported sheet (header is row 1), when imported. */
  line?: number;
}

export function totalWte(row: Pick<BaselineRow, 'staffWte'>): number {
  let sum = 0;
  for (const v of Object.values(row.staffWte)) sum += v ?? 0;
  return sum;
}

/** Period codes are financial years such as "2021-22". */
export function isPeriod(text: string): boolean {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  return m !== null && (Number(m[1]) + 1) % 100 === Number(m[2]);
}

// ---------------------------------------------------------------------------------------------
// Offer-side summaries, in the same shape as the baseline so the two can be compared.

export function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** The widest span over the given days of an offer's hours (earliest opening, latest closing). */
function spanOver(hours: OperatingHours, days: readonly (typeof WEEKDAYS)[number][]): HoursSpan {
  if (hours.twentyFourSeven || !hours.days) return { kind: '24h' };
  let open: string | undefined;
  let close: string | undefined;
  for (const d of days) {
    const h = hours.days[d];
    if ('closed' in h) continue;
    if (h.open === '00:00' && h.close === '24:00') return { kind: '24h' };
    if (open === undefined || minutes(h.open) < minutes(open)) open = h.open;
    if (close === undefined || minutes(h.close) > minutes(close)) close = h.close;
  }
  return open === undefined || close === undefined ? { kind: 'closed' } : { kind: 'open', open, close };
}

export function offerHours(hours: OperatingHours): BaselineHours {
  return { weekday: spanOver(hours, WEEKDAYS.slice(0, 5)), weekend: spanOver(hours, WEEKDAYS.slice(5)) };
}

/** Does `actual` cover every hour of `required`? */
export function spanCovers(actual: HoursSpan, required: HoursSpan): boolean {
  if (required.kind === 'closed' || actual.kind === '24h') return true;
  if (required.kind === '24h' || actual.kind === 'closed') return false;
  return minutes(actual.open) <= minutes(required.open) && minutes(actual.close) >= minutes(required.close);
}

export function formatSpan(span: HoursSpan): string {
  return span.kind === 'open' ? `${span.open}-${span.close}` : span.kind;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

/** The routine first-contact standards of a provision, in weeks, with their targets. */
export function routineStandards(p: AgeGroupProvision): { weeks: number; target?: number; note?: string }[] {
  return p.responseStandards
    .filter((s) => s.urgency === 'routine')
    .map((s) => ({
      weeks: durationToMilliseconds(s.firstContact) / WEEK_MS,
      ...(s.target !== undefined ? { target: s.target } : {}),
      ...(s.note ? { note: s.note } : {}),
    }));
}
