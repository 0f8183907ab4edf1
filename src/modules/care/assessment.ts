// The holistic assessment as data: a FHIR Questionnaire-shaped form (sections of items with linkIds), answers
// kept flat by linkId with where each came from, the Barthel index computed from its ten items (never typed),
// prefill from what is already known (the referral, the last signed assessment), and the checks for saving a
// draft and for signing. Pure: no database, no clock (callers pass dates).
//
//   const draft = prefill({ referral, previous });       // { answers, sources, prefilled }
//   const problems = checkAnswers(answers, 'sign');        // [{ field: 'answers.living.safeguarding', message }]
//   barthelScore(answers);                                 // { score: 65, complete: true, band: 'moderate' }
//   toQuestionnaireResponse(answers, { status: 'completed', subject, authored });

export type AnswerValue = string | boolean | number;
export type Answers = Record<string, AnswerValue>;

export type ItemType = 'string' | 'text' | 'boolean' | 'choice' | 'integer';
export type Option = { code: string; display: string; score?: number };
export type Item = {
  linkId: string;
  text: string;
  type: ItemType;
  hint?: string;
  options?: Option[];
  /** Needed before the assessment can be signed. */
  requiredToSign?: boolean;
  maxLength?: number;
};
export type Section = { linkId: string; title: string; description?: string; items: Item[] };

export const QUESTIONNAIRE_URL = 'https://core-offer.example/fhir/Questionnaire/holistic-assessment';
export const QUESTIONNAIRE_VERSION = '1';

const yesNo: ItemType = 'boolean';
const b = (linkId: string, text: string, options: [string, string, number][]): Item => ({
  linkId,
  text,
  type: 'choice',
  requiredToSign: true,
  options: options.map(([code, display, score]) => ({ code, display, score })),
});

/** The Barthel index of activities of daily living (Mahoney and Barthel 1965; the 0–100 scoring). */
export const BARTHEL_ITEMS: Item[] = [
  b('functioning.feeding', 'Feeding', [
    ['unable', 'Unable', 0],
    ['needs-help', 'Needs help cutting, spreading butter, or a modified diet', 5],
    ['independent', 'Independent', 10],
  ]),
  b('functioning.bathing', 'Bathing', [
    ['dependent', 'Dependent', 0],
    ['independent', 'Independent (or in shower)', 5],
  ]),
  b('functioning.grooming', 'Grooming', [
    ['needs-help', 'Needs help with personal care', 0],
    ['independent', 'Independent face, hair, teeth, shaving', 5],
  ]),
  b('functioning.dressing', 'Dressing', [
    ['dependent', 'Dependent', 0],
    ['needs-help', 'Needs help but can do about half unaided', 5],
    ['independent', 'Independent, including buttons, zips and laces', 10],
  ]),
  b('functioning.bowels', 'Bowels', [
    ['incontinent', 'Incontinent (or needs enemas)', 0],
    ['occasional', 'Occasional accident', 5],
    ['continent', 'Continent', 10],
  ]),
  b('functioning.bladder', 'Bladder', [
    ['incontinent', 'Incontinent, or catheterised and unable to manage alone', 0],
    ['occasional', 'Occasional accident', 5],
    ['continent', 'Continent', 10],
  ]),
  b('functioning.toilet', 'Toilet use', [
    ['dependent', 'Dependent', 0],
    ['needs-help', 'Needs some help, but can do something alone', 5],
    ['independent', 'Independent (on and off, dressing, wiping)', 10],
  ]),
  b('functioning.transfers', 'Transfers (bed to chair and back)', [
    ['unable', 'Unable, no sitting balance', 0],
    ['major-help', 'Major help (one or two people, physical), can sit', 5],
    ['minor-help', 'Minor help (verbal or physical)', 10],
    ['independent', 'Independent', 15],
  ]),
  b('functioning.mobility', 'Mobility on level surfaces', [
    ['immobile', 'Immobile or under 50 yards', 0],
    ['wheelchair', 'Wheelchair independent, including corners, over 50 yards', 5],
    ['walks-with-help', 'Walks with help of one person (verbal or physical) over 50 yards', 10],
    ['independent', 'Independent (but may use any aid) over 50 yards', 15],
  ]),
  b('functioning.stairs', 'Stairs', [
    ['unable', 'Unable', 0],
    ['needs-help', 'Needs help (verbal, physical, carrying aid)', 5],
    ['independent', 'Independent', 10],
  ]),
];

export const SECTIONS: Section[] = [
  {
    linkId: 'health',
    title: 'Health conditions and medicines',
    items: [
      {
        linkId: 'health.conditions',
        text: 'Long-term conditions',
        type: 'text',
        hint: 'One on each line, for example "Type 2 diabetes"',
        requiredToSign: true,
        maxLength: 2000,
      },
      { linkId: 'health.medicines', text: 'Medicines and who manages them', type: 'text', maxLength: 2000 },
      {
        linkId: 'health.frailty',
        text: 'Frailty',
        type: 'choice',
        requiredToSign: true,
        options: [
          { code: 'none', display: 'Not frail' },
          { code: 'mild', display: 'Mild frailty' },
          { code: 'moderate', display: 'Moderate frailty' },
          { code: 'severe', display: 'Severe frailty' },
        ],
      },
    ],
  },
  {
    linkId: 'functioning',
    title: 'Functioning in daily living (Barthel index)',
    description: 'The score is worked out from these answers: 0 is fully dependent, 100 is independent.',
    items: BARTHEL_ITEMS,
  },
  {
    linkId: 'mental',
    title: 'Mental health and memory',
    items: [
      { linkId: 'mental.mood', text: 'Mood and wellbeing, in the person’s words', type: 'text', maxLength: 2000 },
      { linkId: 'mental.memoryConcern', text: 'Is there a concern about memory?', type: yesNo, requiredToSign: true },
    ],
  },
  {
    linkId: 'living',
    title: 'Living environment, carers and safety',
    items: [
      {
        linkId: 'living.situation',
        text: 'Where the person lives',
        type: 'choice',
        requiredToSign: true,
        options: [
          { code: 'alone', display: 'Lives alone' },
          { code: 'with-others', display: 'Lives with family or others' },
          { code: 'supported', display: 'Supported housing or a care home' },
        ],
      },
      { linkId: 'living.carer', text: 'Main carer (name and relationship)', type: 'string', maxLength: 200 },
      {
        linkId: 'living.carerStrain',
        text: 'How the carer is coping',
        type: 'choice',
        options: [
          { code: 'no-carer', display: 'No carer' },
          { code: 'coping', display: 'Coping' },
          { code: 'some-strain', display: 'Some strain' },
          { code: 'at-risk', display: 'At risk of breaking down' },
        ],
      },
      { linkId: 'living.safeguarding', text: 'Is there a safeguarding concern?', type: yesNo, requiredToSign: true },
      { linkId: 'living.homeHazards', text: 'Risks in the home (falls, fire, heating)', type: 'text', maxLength: 2000 },
    ],
  },
  {
    linkId: 'social',
    title: 'Social and financial circumstances',
    items: [
      { linkId: 'social.isolated', text: 'Is the person often lonely or isolated?', type: yesNo },
      { linkId: 'social.finances', text: 'Money, benefits and housing worries', type: 'text', maxLength: 2000 },
    ],
  },
  {
    linkId: 'communication',
    title: 'Communication and accessibility needs',
    items: [
      { linkId: 'communication.language', text: 'Preferred language', type: 'string', maxLength: 100 },
      { linkId: 'communication.interpreter', text: 'Needs an interpreter', type: yesNo },
      { linkId: 'communication.bsl', text: 'Needs a British Sign Language interpreter', type: yesNo },
      {
        linkId: 'communication.needs',
        text: 'Other needs (sensory, dementia friendly, easy read, large print)',
        type: 'text',
        maxLength: 2000,
      },
      {
        linkId: 'communication.preferredContact',
        text: 'How the person prefers to be contacted',
        type: 'choice',
        requiredToSign: true,
        options: [
          { code: 'phone', display: 'Phone call' },
          { code: 'text', display: 'Text message' },
          { code: 'email', display: 'Email' },
          { code: 'letter', display: 'Letter' },
        ],
      },
    ],
  },
  {
    linkId: 'whatMatters',
    title: 'What matters to me',
    description: 'Write these in the person’s own words.',
    items: [
      {
        linkId: 'whatMatters.story',
        text: 'What matters to me',
        type: 'text',
        requiredToSign: true,
        maxLength: 4000,
      },
      { linkId: 'whatMatters.goals', text: 'My goals', type: 'text', hint: 'One on each line', maxLength: 4000 },
    ],
  },
];

export const ITEMS: ReadonlyMap<string, Item> = new Map(SECTIONS.flatMap((s) => s.items.map((i) => [i.linkId, i])));

/** The Questionnaire resource (FHIR R4 shape) the answers belong to. */
export function questionnaire() {
  const fhirType = (t: ItemType) => (t === 'choice' ? 'coding' : t);
  return {
    resourceType: 'Questionnaire',
    url: QUESTIONNAIRE_URL,
    version: QUESTIONNAIRE_VERSION,
    name: 'HolisticAssessment',
    title: 'Holistic assessment',
    status: 'active',
    item: SECTIONS.map((s) => ({
      linkId: s.linkId,
      text: s.title,
      type: 'group',
      item: s.items.map((i) => ({
        linkId: i.linkId,
        text: i.text,
        type: fhirType(i.type),
        ...(i.options
          ? { answerOption: i.options.map((o) => ({ valueCoding: { code: o.code, display: o.display } })) }
          : {}),
        ...(i.requiredToSign ? { required: true } : {}),
        ...(i.maxLength ? { maxLength: i.maxLength } : {}),
      })),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Barthel

export type BarthelResult = { score: number; answered: number; complete: boolean; band: string | null };

/** The Barthel score from the ten answers (each option carries its points). Bands: Shah et al. 1989. */
export function barthelScore(answers: Answers): BarthelResult {
  let score = 0;
  let answered = 0;
  for (const item of BARTHEL_ITEMS) {
    const value = answers[item.linkId];
    const option = item.options!.find((o) => o.code === value);
    if (option) {
      score += option.score ?? 0;
      answered++;
    }
  }
  const complete = answered === BARTHEL_ITEMS.length;
  let band: string | null = null;
  if (complete) {
    if (score <= 20) band = 'total dependency';
    else if (score <= 60) band = 'severe dependency';
    else if (score <= 90) band = 'moderate dependency';
    else if (score <= 99) band = 'slight dependency';
    else band = 'independent';
  }
  return { score, answered, complete, band };
}

// ---------------------------------------------------------------------------------------------
// Prefill: nothing already known is asked again

export type Source = { kind: 'referral' | 'assessment'; id: string; label: string };
export type Prefill = { answers: Answers; sources: Record<string, Source> };

export type PrefillInput = {
  referral?: {
    id: string;
    reference: string;
    communication: {
      language: string | null;
      interpreter: boolean;
      bsl: boolean;
      needs: string | null;
      preferredContact: string;
    };
  } | null;
  previous?: { id: string; version: number; signedAt: string | null; answers: Answers } | null;
};

/**
 * What the system already knows, with where each answer came from: every answer of the last signed
 * assessment, then the communication needs captured at the referral (what the person said most recently, so
 * they replace the older assessment's communication answers).
 */
export function prefill({ referral, previous }: PrefillInput): Prefill {
  const answers: Answers = {};
  const sources: Record<string, Source> = {};
  if (previous) {
    const label = `Assessment version ${previous.version}${previous.signedAt ? `, signed ${previous.signedAt.slice(0, 10)}` : ''}`;
    for (const [linkId, value] of Object.entries(previous.answers)) {
      if (!ITEMS.has(linkId) || value === '' || value === null || value === undefined) continue;
      answers[linkId] = value;
      sources[linkId] = { kind: 'assessment', id: previous.id, label };
    }
  }
  if (referral) {
    const c = referral.communication;
    const src: Source = { kind: 'referral', id: referral.id, label: `Referral ${referral.reference}` };
    const put = (linkId: string, value: AnswerValue | null | undefined) => {
      if (value === null || value === undefined || value === '') return;
      answers[linkId] = value;
      sources[linkId] = src;
    };
    put('communication.language', c.language);
    put('communication.interpreter', c.interpreter);
    put('communication.bsl', c.bsl);
    put('communication.needs', c.needs);
    put('communication.preferredContact', c.preferredContact);
  }
  return { answers, sources };
}

/** How many prefilled answers were kept as they were (reused rather than asked again). */
export function reusedCount(answers: Answers, prefilled: Answers): number {
  let n = 0;
  for (const [linkId, value] of Object.entries(prefilled)) if (answers[linkId] === value) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Checking answers

export type Problem = { field: string; message: string };

/** Turns loose input (form strings or JSON) into typed answers, with a problem per field that is wrong. */
export function parseAnswers(input: unknown): { answers: Answers; problems: Problem[] } {
  const answers: Answers = {};
  const problems: Problem[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { answers, problems: [{ field: 'answers', message: 'Send the answers as an object keyed by question' }] };
  }
  for (const [linkId, raw] of Object.entries(input as Record<string, unknown>)) {
    const item = ITEMS.get(linkId);
    const field = `answers.${linkId}`;
    if (!item) {
      problems.push({ field, message: `There is no question "${linkId}" in the assessment` });
      continue;
    }
    if (raw === null || raw === undefined || raw === '') continue;
    switch (item.type) {
      case 'boolean': {
        if (raw === true || raw === 'yes' || raw === 'true') answers[linkId] = true;
        else if (raw === false || raw === 'no' || raw === 'false') answers[linkId] = false;
        else problems.push({ field, message: `Select yes or no for "${item.text}"` });
        break;
      }
      case 'choice': {
        if (typeof raw === 'string' && item.options!.some((o) => o.code === raw)) answers[linkId] = raw;
        else problems.push({ field, message: `Select one of the options for "${item.text}"` });
        break;
      }
      case 'integer': {
        const n = typeof raw === 'number' ? raw : Number(raw);
        if (Number.isInteger(n)) answers[linkId] = n;
        else problems.push({ field, message: `Enter a whole number for "${item.text}"` });
        break;
      }
      default: {
        if (typeof raw !== 'string') {
          problems.push({ field, message: `Enter text for "${item.text}"` });
          break;
        }
        const text = raw.trim();
        if (item.maxLength && text.length > item.maxLength) {
          problems.push({ field, message: `"${item.text}" must be ${item.maxLength} characters or fewer` });
        } else if (text) answers[linkId] = text;
      }
    }
  }
  return { answers, problems };
}

/** What is missing before signing: one problem per unanswered required question. */
export function missingToSign(answers: Answers): Problem[] {
  const problems: Problem[] = [];
  for (const s of SECTIONS)
    for (const i of s.items) {
      if (!i.requiredToSign || answers[i.linkId] !== undefined) continue;
      const verb = i.type === 'choice' || i.type === 'boolean' ? 'Select an answer for' : 'Enter';
      problems.push({ field: `answers.${i.linkId}`, message: `${verb} "${i.text}"` });
    }
  return problems;
}

/** Long-term conditions as a list (one per line, blank lines dropped). */
export function listLines(text: AnswerValue | undefined): string[] {
  if (typeof text !== 'string') return [];
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/^[-*•]\s*/, '').trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// FHIR QuestionnaireResponse shape

function fhirAnswer(item: Item, value: AnswerValue) {
  if (item.type === 'boolean') return { valueBoolean: value === true };
  if (item.type === 'integer') return { valueInteger: Number(value) };
  if (item.type === 'choice') {
    const o = item.options!.find((x) => x.code === value);
    return { valueCoding: { code: String(value), display: o?.display ?? String(value) } };
  }
  return { valueString: String(value) };
}

/** The answers as a FHIR R4 QuestionnaireResponse (the Barthel total included as a calculated item). */
export function toQuestionnaireResponse(
  answers: Answers,
  meta: {
    id: string;
    status: 'in-progress' | 'completed';
    subjectNhsNumber: string;
    authored: string;
    author?: string | null;
  },
) {
  const barthel = barthelScore(answers);
  return {
    resourceType: 'QuestionnaireResponse',
    id: meta.id,
    questionnaire: `${QUESTIONNAIRE_URL}|${QUESTIONNAIRE_VERSION}`,
    status: meta.status,
    subject: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: meta.subjectNhsNumber } },
    authored: meta.authored,
    ...(meta.author ? { author: { display: meta.author } } : {}),
    item: SECTIONS.map((s) => ({
      linkId: s.linkId,
      text: s.title,
      item: [
        ...s.items
          .filter((i) => answers[i.linkId] !== undefined)
          .map((i) => ({ linkId: i.linkId, text: i.text, answer: [fhirAnswer(i, answers[i.linkId]!)] })),
        ...(s.linkId === 'functioning' && barthel.complete
          ? [
              {
                linkId: 'functioning.barthelTotal',
                text: 'Barthel index total',
                answer: [{ valueInteger: barthel.score }],
              },
            ]
          : []),
      ],
    })).filter((s) => s.item.length > 0),
  };
}
