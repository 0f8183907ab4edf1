// Plain English for residents: turns a component into what a person can expect (hours, how fast, where,
// how to get it, interpreting and accessibility), with every figure that is not from a public source
// marked illustrative and every national standard shown with its source.
import {
  type AccessRoute,
  AGE_GROUPS,
  CATEGORIES,
  type Component,
  describeAgeBounds,
  describeHours,
  getAgeGroup,
  humaniseDuration,
  type PointOfDelivery,
  type ResponseStandard,
  type Source,
} from '../../modules/offer/index.ts';

export const ACCESS_ROUTE_TEXT: Record<AccessRoute, { short: string; resident: string }> = {
  'self-referral': { short: 'Self-referral', resident: 'Refer yourself: you do not need to see your GP first.' },
  'professional-referral': {
    short: 'Professional referral',
    resident:
      'Ask your GP or another professional, such as a nurse, health visitor, social worker or teacher, to refer you.',
  },
  'central-point-of-access': {
    short: 'Central point of access',
    resident: 'Contact the central point of access: one place to ask for community and mental health services.',
  },
  'walk-in': { short: 'Walk-in', resident: 'Walk in without an appointment.' },
};

export const POINT_OF_DELIVERY_TEXT: Record<PointOfDelivery, string> = {
  home: 'At home',
  clinic: 'At a clinic or health centre',
  'care-home': 'In a care home',
  school: 'At school, college or nursery',
  hospital: 'In hospital',
  virtual: 'By phone or video call',
  'community-venue': 'At a community venue, such as a library or community centre',
};

export const URGENCY_TEXT: Record<string, string> = {
  emergency: 'In an emergency',
  urgent: 'If it is urgent',
  routine: 'If it is not urgent',
};

export function ageGroupLabel(code: string): string {
  const group = getAgeGroup(code);
  return group ? `${group.name} (${describeAgeBounds(group)})` : code;
}

export function categoryName(code: string): string {
  return CATEGORIES.find((c) => c.code === code)?.name ?? code;
}

function describeSource(source: Source | undefined): { text: string; url?: string } | null {
  if (!source) return null;
  const extra = [source.publisher, source.year].filter((x) => x !== undefined && x !== '').join(', ');
  return { text: extra ? `${source.title} (${extra})` : source.title, url: source.url };
}

function percent(target: number | undefined): string | null {
  if (target === undefined) return null;
  return `${Math.round(target * 1000) / 10}%`;
}

type StandardView = {
  when: string;
  within: string;
  followUp: string | null;
  note: string | null;
  target: string | null;
  illustrative: boolean;
  source: { text: string; url?: string } | null;
};

function presentStandard(component: Component, rs: ResponseStandard): StandardView {
  const level = component.urgencyLevels?.find((l) => l.code === rs.urgency);
  return {
    when: URGENCY_TEXT[rs.urgency] ?? level?.name ?? rs.urgency,
    within: humaniseDuration(rs.firstContact, rs.clock),
    followUp: rs.followUp ? humaniseDuration(rs.followUp, rs.clock) : null,
    note: rs.note ?? null,
    target: percent(rs.target),
    illustrative: rs.illustrative === true,
    source: describeSource(rs.source),
  };
}

/** Everything the resident's component page shows, one section per age group. */
export function presentComponent(component: Component) {
  const provisions = [...component.provisions]
    .sort(
      (a, b) => AGE_GROUPS.findIndex((g) => g.code === a.ageGroup) - AGE_GROUPS.findIndex((g) => g.code === b.ageGroup),
    )
    .map((p) => {
      const accessibility = [
        p.accessibility.interpreting ? 'Free interpreters for spoken languages, in person or by phone' : null,
        p.accessibility.bsl ? 'British Sign Language (BSL) interpreters' : null,
        p.accessibility.dementiaFriendly ? 'Staff trained to support people living with dementia' : null,
        p.accessibility.notDigitalOnly ? 'You can always use this service without a smartphone or the internet' : null,
        ...p.accessibility.other,
      ].filter((x): x is string => x !== null);
      return {
        ageGroup: p.ageGroup,
        label: ageGroupLabel(p.ageGroup),
        id: `for-${p.ageGroup}`,
        hours: describeHours(p.hours),
        hoursNote: p.hours.note ?? null,
        hoursIllustrative: p.hours.illustrative === true,
        hoursSource: describeSource(p.hours.source),
        outOfHours: p.outOfHours,
        standards: p.responseStandards.map((rs) => presentStandard(component, rs)),
        where: p.pointsOfDelivery.map((d) => POINT_OF_DELIVERY_TEXT[d] ?? d),
        how: p.accessRoutes.map((r) => ACCESS_ROUTE_TEXT[r]?.resident ?? r),
        selfReferral: p.accessRoutes.includes('self-referral'),
        viaCentralPoint: p.accessRoutes.includes('central-point-of-access'),
        eligibility: p.eligibility,
        interpreting: p.accessibility.interpreting,
        bsl: p.accessibility.bsl,
        accessibility,
        bestPractice: p.bestPractice.map((bp) => ({ requirement: bp.requirement, source: describeSource(bp.source) })),
        integration: p.integration,
      };
    });
  const illustrative = provisions.some((p) => p.hoursIllustrative || p.standards.some((s) => s.illustrative));
  return {
    code: component.code,
    name: component.name,
    summary: component.residentSummary,
    description: component.description,
    category: { code: component.category, name: categoryName(component.category) },
    kind: component.kind,
    ageGroups: provisions.map((p) => ({ label: p.label, id: p.id })),
    provisions,
    illustrative,
  };
}
