import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findIndicator, listIndicators, processFirst } from './framework.ts';
import { formatFrameworkErrors, validateFramework } from './framework.validate.ts';
import { frameworkJson, testFramework } from './test-fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests break free-form JSON on purpose
type Json = Record<string, any>;
const indicators = (json: Json) => json.domains[0].outcomes[0].indicators as Json[];
const errorsOf = (json: unknown) => {
  const r = validateFramework(json, 'data/x/framework.json');
  assert.equal(r.ok, false);
  return r.ok ? [] : r.errors;
};
const paths = (json: unknown) => errorsOf(json).map((e) => e.path);

describe('validateFramework', () => {
  it('accepts a valid framework and fills in the default disclosure rule', () => {
    const f = testFramework();
    const ind = findIndicator(f, 'LW1.1');
    assert.deepEqual(ind?.disclosure, { minimumCount: 5, suppressComplement: true, secondarySuppression: true });
    assert.equal(listIndicators(f).length, 4);
  });

  it('names the file and field of every error', () => {
    const json = frameworkJson() as Json;
    indicators(json)[1].polarity = 'up';
    const [e] = errorsOf(json);
    assert.equal(e.file, 'data/x/framework.json');
    assert.equal(e.path, 'domains[0].outcomes[0].indicators[1].polarity');
    assert.match(e.message, /'higher-is-better', 'lower-is-better', 'neither'/);
    assert.match(formatFrameworkErrors([e]), /^data\/x\/framework\.json, domains\[0\]/);
  });

  it('checks every enum', () => {
    const json = frameworkJson() as Json;
    Object.assign(indicators(json)[0], { type: 'ratio', frequency: 'weekly', kind: 'input' });
    indicators(json)[0].disaggregations = ['borough', 'postcode'];
    indicators(json)[0].source.collection = 'rumour';
    json.domains[0].code = 'die-well';
    assert.deepEqual(paths(json).sort(), [
      'domains[0].code',
      'domains[0].outcomes[0].indicators[0].disaggregations[1]',
      'domains[0].outcomes[0].indicators[0].frequency',
      'domains[0].outcomes[0].indicators[0].kind',
      'domains[0].outcomes[0].indicators[0].source.collection',
      'domains[0].outcomes[0].indicators[0].type',
    ]);
  });

  it('needs unique codes across the framework', () => {
    const json = frameworkJson() as Json;
    indicators(json)[2].code = 'LW1.1';
    const e = errorsOf(json).find((x) => x.path === 'domains[0].outcomes[0].indicators[2].code');
    assert.match(e?.message ?? '', /already used at domains\[0\]\.outcomes\[0\]\.indicators\[0\]\.code/);
    const twice = frameworkJson() as Json;
    twice.providers[1].code = 'RRP';
    assert.deepEqual(paths(twice), ['providers[1].code']);
  });

  it('needs 3 to 5 indicators under each outcome', () => {
    const few = frameworkJson() as Json;
    few.domains[0].outcomes[0].indicators = indicators(few).slice(0, 2);
    assert.match(errorsOf(few)[0].message, /Expected 3 to 5 indicators under an outcome, got 2/);
    const many = frameworkJson() as Json;
    const extra = indicators(many)
      .slice(0, 2)
      .map((x, i) => ({ ...x, code: `LW1.${5 + i}` }));
    many.domains[0].outcomes[0].indicators = [...indicators(many), ...extra];
    assert.deepEqual(paths(many), ['domains[0].outcomes[0].indicators']);
  });

  it('checks codes against their outcome, borough breakdown, computed sources and services', () => {
    const json = frameworkJson() as Json;
    indicators(json)[0].code = 'SW1.1';
    indicators(json)[1].disaggregations = ['sex'];
    indicators(json)[3].source.collection = 'provider-return';
    indicators(json)[2].services = [];
    const ps = paths(json);
    for (const p of [
      'domains[0].outcomes[0].indicators[0].code',
      'domains[0].outcomes[0].indicators[1].disaggregations',
      'domains[0].outcomes[0].indicators[3].source.collection',
      'domains[0].outcomes[0].indicators[2].services',
    ]) {
      assert.ok(ps.includes(p), `${p} in ${ps.join(', ')}`);
    }
  });

  it('rejects an unknown computed measure and a bad disclosure rule', () => {
    const json = frameworkJson() as Json;
    indicators(json)[3].computedFrom = { source: 'baseline', measure: 'vibes' };
    indicators(json)[0].disclosure = { minimumCount: 0, suppressComplement: 'yes', secondarySuppression: true };
    assert.deepEqual(paths(json).sort(), [
      'domains[0].outcomes[0].indicators[0].disclosure.minimumCount',
      'domains[0].outcomes[0].indicators[0].disclosure.suppressComplement',
      'domains[0].outcomes[0].indicators[3].computedFrom',
    ]);
  });

  it('reports a non-object and missing fields without throwing', () => {
    assert.deepEqual(paths(null), ['']);
    assert.ok(paths({}).includes('domains'));
  });

  it('puts process measures before outcome measures', () => {
    const f = testFramework();
    const mixed = [{ ...findIndicator(f, 'LW1.1')!, kind: 'outcome' as const }, findIndicator(f, 'LW1.2')!];
    assert.deepEqual(
      processFirst(mixed).map((i) => i.code),
      ['LW1.2', 'LW1.1'],
    );
  });
});
