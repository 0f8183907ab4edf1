// Safe search (hazard H13 in docs/safety/hazard-log.md): a search that reads as a mental health crisis —
// suicide, self-harm, "can't go on", harming others — must show what to do now before any list of services,
// and put the services that answer a crisis first. A miss here can send a person in crisis to a page about
// something else, so the patterns lean towards showing the help when in doubt.

/** Lower case, apostrophes dropped ("can't" → "cant"), everything else that is not a letter or digit a space. */
function normalise(text: string): string {
  return ` ${text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;
}

const SELF = '(my ?self|me|him ?self|her ?self|them ?selves|them ?self|themselves|themself|ourselves)';

/** Each reads as a crisis; they are matched on the normalised text, word boundaries as spaces. */
const CRISIS_PATTERNS: readonly RegExp[] = [
  /\bsuicid/,
  new RegExp(`\\bkill(ing|ed)? ${SELF}\\b`),
  /\b(end|ending|take|taking) (it all|it|things|my life|my own life|their life|his life|her life)\b/,
  /\bself ?harm/,
  new RegExp(`\\b(harm|harming|hurt|hurting|cut|cutting|cuts|burn|burning|injure|injuring|starve|starving) ${SELF}\\b`),
  /\b(cant|cannot|can not|couldnt) (go on|carry on|keep going|take (it|this) any ?more)\b/,
  /\b(want|wants|wanting|wanted) to (die|be dead|disappear forever)\b/,
  /\b(wish|wishing) (i|he|she|they) (was|were|had) (dead|never been born)\b/,
  /\bbetter off dead\b/,
  /\b(dont|do not|doesnt|does not) want to (be here|be alive|live|wake up)\b/,
  /\bno (reason|point) (to|in) (live|living|go on|going on|carry on|carrying on)\b/,
  /\boverdos/,
  /\b(harm|harming|hurt|hurting|kill|killing|attack|attacking) (someone|somebody|others|other people|people|anyone|my (baby|child|kids|partner|wife|husband))\b/,
];

/** True when a search reads as a crisis: show what to do now, above everything else. */
export function readsAsCrisis(query: string): boolean {
  const text = normalise(query);
  return CRISIS_PATTERNS.some((p) => p.test(text));
}

/** The query with the crisis words taken out, so what is left still finds services for it. */
export function withoutCrisisWords(query: string): string {
  let text = normalise(query);
  for (const p of CRISIS_PATTERNS) text = text.replace(new RegExp(p.source, 'g'), ' ');
  return text.trim();
}
