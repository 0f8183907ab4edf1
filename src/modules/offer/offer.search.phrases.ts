// Everyday phrases residents type, each with the service a clinician would expect first for it, and phrases
// that read as a crisis. offer.search.quality.test.ts keeps the ranking above its floor on these sets; a phrase
// added here that the search gets wrong fails that test.

export type ResidentPhrase = { query: string; expected: string };

export const RESIDENT_PHRASES: readonly ResidentPhrase[] = [
  { query: 'feeling low', expected: 'nhs-talking-therapies' },
  { query: 'feeling down all the time', expected: 'nhs-talking-therapies' },
  { query: 'I feel anxious all the time', expected: 'nhs-talking-therapies' },
  { query: 'panic attacks', expected: 'nhs-talking-therapies' },
  { query: "can't stop worrying", expected: 'nhs-talking-therapies' },
  { query: 'I think I am depressed', expected: 'nhs-talking-therapies' },
  { query: 'stressed out and not sleeping', expected: 'nhs-talking-therapies' },
  { query: "my son can't concentrate at school", expected: 'adhd-assessment' },
  { query: "my daughter can't sit still", expected: 'adhd-assessment' },
  { query: 'is my child autistic', expected: 'autism-assessment' },
  { query: "my toddler isn't talking yet", expected: 'speech-and-language-therapy-children' },
  { query: 'trouble swallowing after a stroke', expected: 'speech-and-language-therapy-adults' },
  { query: 'my dad keeps forgetting things', expected: 'memory-assessment-and-dementia-support' },
  { query: 'mum keeps falling over', expected: 'falls-prevention' },
  { query: 'bad back', expected: 'physiotherapy-and-msk' },
  { query: 'sore knee', expected: 'physiotherapy-and-msk' },
  { query: 'I leak when I cough', expected: 'continence-service' },
  { query: 'my child wets the bed', expected: 'continence-service' },
  { query: 'out of breath when I walk', expected: 'respiratory-and-copd-service' },
  { query: "a wound that won't heal", expected: 'tissue-viability' },
  { query: 'swollen legs', expected: 'lymphoedema-service' },
  { query: 'my feet hurt and I have diabetes', expected: 'podiatry' },
  { query: 'high blood sugar', expected: 'diabetes-specialist-nursing-and-education' },
  { query: 'hearing voices', expected: 'early-intervention-in-psychosis' },
  { query: 'I feel lonely', expected: 'social-prescribing' },
  { query: "can't pay my rent", expected: 'housing-and-employment-link-working' },
  { query: 'help getting back to work', expected: 'ips-employment-support' },
  { query: 'new baby not feeding well', expected: 'health-visiting' },
  { query: 'depressed since giving birth', expected: 'perinatal-mental-health' },
  { query: 'my teenager has stopped eating', expected: 'eating-disorders-children' },
  { query: 'making myself sick after eating', expected: 'eating-disorders-adults' },
  { query: 'recovering from a heart attack', expected: 'cardiac-rehabilitation' },
  { query: 'had a stroke', expected: 'stroke-and-neurological-rehabilitation' },
  { query: 'I need a wheelchair', expected: 'wheelchair-service' },
  { query: 'shaky hands parkinsons', expected: 'parkinsons-specialist-nursing' },
  { query: 'help washing and dressing at home', expected: 'occupational-therapy' },
  { query: 'not sure where to go', expected: 'central-point-of-access' },
];

/** Searches that read as a crisis: each must show what to do now, and a crisis service first. */
export const CRISIS_PHRASES: readonly string[] = [
  "can't cope, feel like ending it",
  'I want to kill myself',
  'suicidal',
  'thinking about suicide',
  'self harm',
  'I keep cutting myself',
  "I can't go on",
  'I want to die',
  "I don't want to be here anymore",
  'thoughts of hurting someone',
  'I might harm others',
  'took an overdose',
  'end my life',
  'no reason to live',
  'my son is self-harming',
];

/** Searches that must not be taken for a crisis. */
export const NOT_CRISIS_PHRASES: readonly string[] = [
  'end of life care for my dad',
  'palliative care',
  'feeling low',
  'leg ulcer',
  'cutting toenails',
  'falls prevention',
];
