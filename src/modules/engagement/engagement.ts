// "You said, we did": what residents told the programme, coded by theme. Pure rules only: the sources, the
// starting list of themes (from the resident engagement reported to the JHOSC on 18 March 2022), the check that
// refuses text that looks like personal data, and the validation of a feedback record (one message per field).
import type { FieldError } from '../../platform/errors.ts';

export const SOURCES = {
  'reference-group': 'Resident reference group',
  survey: "Residents' survey",
  'borough-meeting': 'Borough meeting',
  healthwatch: 'Healthwatch',
  'focused-group': 'A focused group',
} as const;
export type Source = keyof typeof SOURCES;

/** The reviewed starting list (seeded approved into eng_themes by migration 1260; the table is the list now): what residents raised in the 2021 engagement (seed document 002). */
export const THEMES = {
  'access-and-waiting': 'Access and waiting times',
  'interpreting-and-bsl': 'Interpreting and British Sign Language',
  'dementia-friendly': 'Dementia friendly services',
  'fewer-hand-offs': 'Fewer hand-offs and telling your story once',
  'appointment-communication': 'Communication about appointments',
  'not-digital-only': 'Not digital only',
  'personalised-care': 'Personalised care',
  transition: 'Moving from children’s to adult services',
  'cultural-competence': 'Culturally competent services',
} as const;
export type ThemeCode = keyof typeof THEMES;

export type FeedbackInput = {
  source: Source;
  receivedOn: string;
  borough: string;
  themes: ThemeCode[];
  summary: string;
  fromGroup: string;
};

const PATTERNS: [RegExp, string][] = [
  [/[^\s@]+@[^\s@]+\.[^\s@]+/, 'an email address'],
  [/\b\d{3}\s?\d{3}\s?\d{4}\b/, 'an NHS number'],
  [/(?:\+44\s?|\b0)(?:\d[\s-]?){9,10}\b/, 'a phone number'],
  [/\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i, 'a postcode'],
];

/** What personal data the text seems to hold ("an email address"), or null. */
export function personalDataIn(text: string): string | null {
  for (const [re, what] of PATTERNS) if (re.test(text)) return what;
  return null;
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[;,]/) : []).map(str).filter(Boolean);

/** Today in 'YYYY-MM-DD' is passed in so a date in the future is refused. */
export function validateFeedback(
  input: Record<string, unknown>,
  ctx: { boroughs: readonly string[]; today: string; themes?: Readonly<Record<string, string>> },
): { ok: true; value: FeedbackInput } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const source = str(input.source);
  if (!(source in SOURCES))
    errors.push({
      field: 'source',
      message: `Select where the feedback came from: ${Object.values(SOURCES).join(', ')}`,
    });
  const receivedOn = str(input.receivedOn);
  const d = /^\d{4}-\d{2}-\d{2}$/.test(receivedOn) ? new Date(`${receivedOn}T00:00:00Z`) : null;
  if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== receivedOn)
    errors.push({ field: 'receivedOn', message: 'Enter the date the feedback was given, like 2022-01-31' });
  else if (receivedOn > ctx.today) errors.push({ field: 'receivedOn', message: 'The date cannot be in the future' });
  const borough = str(input.borough);
  if (!ctx.boroughs.includes(borough))
    errors.push({
      field: 'borough',
      message: 'Select the borough (a North Central London borough code, like E09000007)',
    });
  const themes = [...new Set(list(input.themes))];
  if (!themes.length) errors.push({ field: 'themes', message: 'Select at least one theme' });
  else {
    const approved = ctx.themes ?? THEMES;
    const unknown = themes.filter((t) => !(t in approved));
    if (unknown.length)
      errors.push({ field: 'themes', message: `Themes not on the reviewed list: ${unknown.join(', ')}` });
  }
  for (const [field, label, max] of [
    ['summary', 'quote or summary', 2000],
    ['fromGroup', 'group it came from', 200],
  ] as const) {
    const text = str(input[field]);
    if (!text) errors.push({ field, message: `Enter the ${label}` });
    else if (text.length > max) errors.push({ field, message: `The ${label} must be ${max} characters or fewer` });
    else {
      const found = personalDataIn(text);
      if (found)
        errors.push({
          field,
          message: `The ${label} seems to hold ${found}: remove it. Record who said it only as a group, never a named person`,
        });
    }
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      source: source as Source,
      receivedOn,
      borough,
      themes: themes as ThemeCode[],
      summary: str(input.summary),
      fromGroup: str(input.fromGroup),
    },
  };
}

export const CHANGE_STATUSES = { made: 'Changed in the offer', 'in-progress': 'Still being worked on' } as const;
export type ChangeStatus = keyof typeof CHANGE_STATUSES;
export type ChangeInput = {
  status: ChangeStatus;
  versionNumber: number | null;
  componentCode: string | null;
  themes: ThemeCode[];
  summary: string;
};

/** Checks a change's own fields; whether the version and component exist is the service's check. */
export function validateChange(
  input: Record<string, unknown>,
  ctx: { themes?: Readonly<Record<string, string>> } = {},
): { ok: true; value: ChangeInput } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const status = str(input.status) || 'made';
  if (!(status in CHANGE_STATUSES)) errors.push({ field: 'status', message: 'Status must be made or in-progress' });
  const v = typeof input.versionNumber === 'number' ? String(input.versionNumber) : str(input.versionNumber);
  const versionNumber = /^\d{1,9}$/.test(v) ? Number(v) : null;
  if (v && versionNumber === null)
    errors.push({ field: 'versionNumber', message: 'Enter the offer version as a whole number, like 1' });
  const componentCode = str(input.componentCode) || null;
  if (status === 'made') {
    if (!v) errors.push({ field: 'versionNumber', message: 'Enter the offer version the change was made in' });
    if (!componentCode)
      errors.push({ field: 'componentCode', message: 'Enter the code of the component that changed' });
  }
  const themes = [...new Set(list(input.themes))];
  if (!themes.length) errors.push({ field: 'themes', message: 'Select at least one theme the change answers' });
  else {
    const approved = ctx.themes ?? THEMES;
    const unknown = themes.filter((t) => !(t in approved));
    if (unknown.length)
      errors.push({ field: 'themes', message: `Themes not on the reviewed list: ${unknown.join(', ')}` });
  }
  const summary = str(input.summary);
  if (!summary) errors.push({ field: 'summary', message: 'Enter what changed, in plain English' });
  else if (summary.length > 1000)
    errors.push({ field: 'summary', message: 'What changed must be 1000 characters or fewer' });
  else if (personalDataIn(summary))
    errors.push({ field: 'summary', message: `What changed seems to hold ${personalDataIn(summary)}: remove it` });
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: { status: status as ChangeStatus, versionNumber, componentCode, themes: themes as ThemeCode[], summary },
  };
}

export type ThemeProposal = { code: string; name: string; description: string; why: string };

/** A theme's code from its name: "Carers' needs" becomes "carers-needs". */
export function themeCode(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/** A proposed theme: a name (its code is made from it), what it covers, and why it is needed. */
export function validateThemeProposal(
  input: Record<string, unknown>,
): { ok: true; value: ThemeProposal } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const values: Record<string, string> = {};
  for (const [field, label, max] of [
    ['name', 'name of the theme', 80],
    ['description', 'description of what the theme covers', 500],
    ['why', 'reason the theme is needed', 1000],
  ] as const) {
    const text = str(input[field]);
    values[field] = text;
    if (!text) errors.push({ field, message: `Enter the ${label}` });
    else if (text.length > max) errors.push({ field, message: `The ${label} must be ${max} characters or fewer` });
    else if (personalDataIn(text))
      errors.push({ field, message: `The ${label} seems to hold ${personalDataIn(text)}: remove it` });
    else if (field === 'name' && !themeCode(text))
      errors.push({ field, message: 'The name of the theme must contain letters or numbers' });
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: { code: themeCode(values.name), name: values.name, description: values.description, why: values.why },
  };
}

export const THEME_DECISIONS = { approve: 'Approve', reject: 'Reject' } as const;
export type ThemeDecision = keyof typeof THEME_DECISIONS;

/** A reviewer's decision on a proposed theme, always with a reason. */
export function validateThemeReview(
  input: Record<string, unknown>,
): { ok: true; value: { decision: ThemeDecision; reason: string } } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const decision = str(input.decision);
  if (!(decision in THEME_DECISIONS)) errors.push({ field: 'decision', message: 'Select approve or reject' });
  const reason = str(input.reason);
  if (!reason) errors.push({ field: 'reason', message: 'Enter the reason for the decision' });
  else if (reason.length > 1000)
    errors.push({ field: 'reason', message: 'The reason must be 1000 characters or fewer' });
  else if (personalDataIn(reason))
    errors.push({ field: 'reason', message: `The reason seems to hold ${personalDataIn(reason)}: remove it` });
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { decision: decision as ThemeDecision, reason } };
}
