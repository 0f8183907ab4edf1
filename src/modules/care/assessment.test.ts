import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BARTHEL_ITEMS,
  barthelScore,
  missingToSign,
  parseAnswers,
  prefill,
  questionnaire,
  reusedCount,
  toQuestionnaireResponse,
} from './assessment.ts';

const allIndependent = Object.fromEntries(BARTHEL_ITEMS.map((i) => [i.linkId, 'independent']));
// Bowels and bladder use "continent" for the top score.
allIndependent['functioning.bowels'] = 'continent';
allIndependent['functioning.bladder'] = 'continent';

test('Barthel: all top answers score 100 (independent); all bottom answers score 0', () => {
  assert.deepEqual(barthelScore(allIndependent), { score: 100, answered: 10, complete: true, band: 'independent' });
  const bottom = Object.fromEntries(BARTHEL_ITEMS.map((i) => [i.linkId, i.options![0]!.code]));
  assert.equal(barthelScore(bottom).score, 0);
  assert.equal(barthelScore(bottom).band, 'total dependency');
});

test('Barthel: computed from the options, incomplete until all ten are answered', () => {
  const answers = {
    ...allIndependent,
    'functioning.transfers': 'major-help', // 15 → 5
    'functioning.mobility': 'wheelchair', // 15 → 5
    'functioning.stairs': 'unable', // 10 → 0
    'functioning.bathing': 'dependent', // 5 → 0
  };
  assert.equal(barthelScore(answers).score, 100 - 10 - 10 - 10 - 5);
  assert.equal(barthelScore(answers).band, 'moderate dependency');
  const partial = { ...answers };
  delete (partial as Record<string, string>)['functioning.feeding'];
  const r = barthelScore(partial);
  assert.equal(r.complete, false);
  assert.equal(r.band, null);
  assert.equal(r.answered, 9);
  // A typed total is not an answer: the index only comes from the items.
  assert.equal(parseAnswers({ 'functioning.total': 100 }).problems[0]?.field, 'answers.functioning.total');
});

const referral = {
  id: 'r1',
  reference: 'CPA-AAAA2222',
  communication: { language: 'Turkish', interpreter: true, bsl: false, needs: null, preferredContact: 'phone' },
};

test('prefill: communication needs from the referral, with the referral as their source', () => {
  const p = prefill({ referral });
  assert.deepEqual(p.answers, {
    'communication.language': 'Turkish',
    'communication.interpreter': true,
    'communication.bsl': false,
    'communication.preferredContact': 'phone',
  });
  assert.equal(p.sources['communication.language']?.label, 'Referral CPA-AAAA2222');
  assert.equal(p.sources['communication.needs'], undefined, 'nothing known, nothing prefilled');
});

test('prefill: every answer of the last signed assessment, the referral winning for communication', () => {
  const previous = {
    id: 'a1',
    version: 2,
    signedAt: '2024-05-01T10:00:00.000Z',
    answers: { 'health.conditions': 'COPD\nHeart failure', 'communication.language': 'English', 'old.item': 'x' },
  };
  const p = prefill({ referral, previous });
  assert.equal(p.answers['health.conditions'], 'COPD\nHeart failure');
  assert.equal(p.sources['health.conditions']?.label, 'Assessment version 2, signed 2024-05-01');
  assert.equal(p.answers['communication.language'], 'Turkish');
  assert.equal(p.sources['communication.language']?.kind, 'referral');
  assert.equal(p.answers['old.item'], undefined, 'a question no longer on the form is not carried');
});

test('reuse is counted only for prefilled answers kept as they were', () => {
  const prefilled = { a: 'x', b: true, c: 'y' };
  assert.equal(reusedCount({ a: 'x', b: true, c: 'changed', d: 'new' }, prefilled), 2);
  assert.equal(reusedCount({}, prefilled), 0);
});

test('parseAnswers: types each answer and names the field of each problem', () => {
  const { answers, problems } = parseAnswers({
    'mental.memoryConcern': 'yes',
    'living.safeguarding': 'no',
    'health.frailty': 'extreme',
    'living.situation': 'alone',
    'whatMatters.story': '  Staying in my own home  ',
    'communication.interpreter': 'maybe',
  });
  assert.equal(answers['mental.memoryConcern'], true);
  assert.equal(answers['living.safeguarding'], false);
  assert.equal(answers['whatMatters.story'], 'Staying in my own home');
  assert.deepEqual(
    problems.map((p) => p.field),
    ['answers.health.frailty', 'answers.communication.interpreter'],
  );
  assert.equal(parseAnswers(['x']).problems[0]?.field, 'answers');
});

test('signing needs every required question; each missing one is named', () => {
  const missing = missingToSign({}).map((p) => p.field);
  assert.ok(missing.includes('answers.whatMatters.story'));
  assert.ok(missing.includes('answers.functioning.feeding'));
  assert.ok(missing.includes('answers.living.safeguarding'));
  assert.ok(!missing.includes('answers.health.medicines'), 'optional questions are not required');
});

test('the form is a FHIR Questionnaire and the answers a QuestionnaireResponse with the Barthel total', () => {
  const q = questionnaire();
  assert.equal(q.resourceType, 'Questionnaire');
  assert.ok(q.item.every((s) => s.type === 'group' && s.item.length > 0));
  const qr = toQuestionnaireResponse(
    { ...allIndependent, 'living.safeguarding': false, 'health.frailty': 'mild' },
    { id: 'a1', status: 'completed', subjectNhsNumber: '9990000018', authored: '2024-05-01T10:00:00Z' },
  );
  assert.equal(qr.resourceType, 'QuestionnaireResponse');
  assert.equal(qr.subject.identifier.value, '9990000018');
  const functioning = qr.item.find((s) => s.linkId === 'functioning')!;
  assert.deepEqual(functioning.item.at(-1), {
    linkId: 'functioning.barthelTotal',
    text: 'Barthel index total',
    answer: [{ valueInteger: 100 }],
  });
  const living = qr.item.find((s) => s.linkId === 'living')!;
  assert.deepEqual(living.item[0]?.answer, [{ valueBoolean: false }]);
  const health = qr.item.find((s) => s.linkId === 'health')!;
  assert.deepEqual(health.item[0]?.answer, [{ valueCoding: { code: 'mild', display: 'Mild frailty' } }]);
});
