import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadPlaces, needOf, PlacesFileError, populationForAgeGroups, validatePlaces } from './index.ts';

const NCL = 'data/ncl/places.json';

describe('NCL places', async () => {
  const doc = await loadPlaces(NCL);
  const by = (name: string) => doc.places.find((p) => p.name === name)!;

  it('has the five boroughs with their GSS codes and Census 2021 totals', () => {
    assert.deepEqual(
      doc.places.map((p) => [p.code, p.name, p.systemId, p.population.total.value]),
      [
        ['E09000003', 'Barnet', 'QMJ', 389300],
        ['E09000007', 'Camden', 'QMJ', 210100],
        ['E09000010', 'Enfield', 'QMJ', 330000],
        ['E09000014', 'Haringey', 'QMJ', 264200],
        ['E09000019', 'Islington', 'QMJ', 216000],
      ],
    );
    for (const p of doc.places) assert.ok(p.population.total.source, `${p.name} total cites Census 2021`);
  });

  it('cites the sourced age figures and labels the rest illustrative', () => {
    assert.equal(by('Haringey').population['older-adults'].value, 27700);
    assert.ok(by('Haringey').population['older-adults'].source);
    assert.equal(by('Barnet').population['children-young-people'].illustrative, true);
    for (const p of doc.places) {
      for (const f of Object.values(p.population)) assert.ok(f.source || f.illustrative);
      for (const n of p.needs) assert.ok(n.source || n.illustrative, `${p.name} ${n.code}`);
    }
  });

  it('keeps seed 003: Enfield has over twice the diabetes prevalence of Camden', () => {
    const e = needOf(by('Enfield'), 'diabetes-prevalence')!.value;
    const c = needOf(by('Camden'), 'diabetes-prevalence')!.value;
    assert.ok(e > 2 * c, `${e} vs ${c}`);
  });

  it('has Barnet with the most care home beds and an older population than Camden (seed 003)', () => {
    const beds = doc.places.map((p) => needOf(p, 'care-home-beds')!.value);
    assert.equal(Math.max(...beds), needOf(by('Barnet'), 'care-home-beds')!.value);
    const share = (n: string) => by(n).population['older-adults'].value / by(n).population.total.value;
    assert.ok(share('Barnet') > share('Camden'));
  });

  it('counts overlapping age groups once', () => {
    const b = by('Barnet');
    const adults = b.population['working-age-adults'].value + b.population['older-adults'].value;
    assert.equal(populationForAgeGroups(b, ['young-adults', 'working-age-adults', 'older-adults']), adults);
    assert.equal(
      populationForAgeGroups(b, ['children-young-people', 'young-adults']),
      b.population['children-young-people'].value + b.population['young-adults'].value,
    );
    assert.equal(
      populationForAgeGroups(b, ['children-young-people', 'working-age-adults', 'older-adults']),
      b.population.total.value,
    );
  });
});

describe('validatePlaces', () => {
  const figure = (value: number) => ({ value, illustrative: true });
  const place = () => ({
    code: 'E09000003',
    name: 'Barnet',
    systemId: 'QMJ',
    population: {
      total: { value: 100, source: { title: 'Census 2021', year: 2022 } },
      'children-young-people': figure(20),
      'young-adults': figure(10),
      'working-age-adults': figure(60),
      'older-adults': figure(20),
    },
    needs: [
      { code: 'smi', name: 'SMI', value: 1, unit: 'percent', direction: 'higher-is-more-need', illustrative: true },
    ],
  });

  it('accepts a well-formed document', () => {
    assert.equal(validatePlaces({ systemId: 'QMJ', places: [place()] }).ok, true);
  });

  it('names each field at fault', () => {
    const p = place() as Record<string, unknown>;
    p.code = 'Barnet';
    (p.population as Record<string, unknown>)['older-adults'] = { value: 21.5 };
    (p.needs as Record<string, unknown>[])[0].unit = 'people';
    (p.needs as Record<string, unknown>[])[0].illustrative = undefined;
    const r = validatePlaces({ systemId: 'QMJ', places: [p] });
    assert.equal(r.ok, false);
    const paths = r.ok ? [] : r.errors.map((e) => e.path);
    assert.ok(paths.includes('places[0].code'));
    assert.ok(paths.includes('places[0].population.older-adults.value'));
    assert.ok(paths.includes('places[0].population.older-adults'), 'needs a source or illustrative');
    assert.ok(paths.includes('places[0].needs[0].unit'));
    assert.ok(paths.includes('places[0].needs[0]'));
  });

  it('checks the age groups add up to the total', () => {
    const p = place();
    p.population.total.value = 101;
    const r = validatePlaces({ systemId: 'QMJ', places: [p] });
    assert.ok(
      !r.ok && r.errors.some((e) => e.path === 'places[0].population.total' && /add up to 100/.test(e.message)),
    );
  });

  it('loadPlaces names the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'places-'));
    const file = join(dir, 'places.json');
    await writeFile(file, JSON.stringify({ systemId: 'QMJ', places: [{ ...place(), name: '' }] }));
    await assert.rejects(loadPlaces(file), (e: unknown) => {
      assert.ok(e instanceof PlacesFileError);
      assert.equal(e.file, file);
      assert.match(e.message, /places\.json, places\[0\]\.name: Expected non-empty text/);
      return true;
    });
    await assert.rejects(loadPlaces(join(dir, 'missing.json')), /File not found/);
  });
});
