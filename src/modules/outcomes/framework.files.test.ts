// The loaders, and the NCL data in data/ncl/outcomes loaded through them.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { funnelPlot, inequalityBreakdown } from './charts.ts';
import { computeIndicatorValues } from './compute.ts';
import { BOROUGH_CODES, findIndicator, listIndicators } from './framework.ts';
import { loadFramework, loadValues, OutcomesFileError, parseValuesCsv } from './framework.files.ts';
import { testFramework } from './test-fixtures.ts';

const DIR = 'data/ncl/outcomes';
const HEADER = 'submitted_by,indicator_code,period,borough,breakdown,breakdown_value,numerator,denominator,notes';

describe('loaders', () => {
  it('names the file and field when the framework is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outcomes-'));
    try {
      const file = join(dir, 'framework.json');
      await writeFile(file, '{"id": 1}');
      await assert.rejects(loadFramework(file), (e: unknown) => {
        assert.ok(e instanceof OutcomesFileError);
        assert.ok(e.problems.some((p) => p.file === file && p.path === 'id'));
        assert.match(e.message, /framework\.json, id: Enter some text/);
        return true;
      });
      await writeFile(file, '{');
      await assert.rejects(loadFramework(file), /Could not read this file as JSON/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('names the file, row and column of a bad value', () => {
    const csv = `${HEADER}\nRRP,LW1.1,2023/24 Q1,Barnet,,,4,5,\nRRP,LW1.1,2023/24 Q1,Enfield,,,9,5,\nTAF,LW1.1,2023/24 Q1,Barnet,,,1,5,\n`;
    assert.throws(
      () => parseValuesCsv(csv, 'values-x.csv', testFramework()),
      (e: unknown) => {
        assert.ok(e instanceof OutcomesFileError);
        assert.deepEqual(
          e.problems.map((p) => [p.file, p.path]),
          [
            ['values-x.csv', 'row 3, numerator'],
            ['values-x.csv', 'row 4, borough'],
          ],
        );
        return true;
      },
    );
    const ok = parseValuesCsv(`${HEADER}\nRRP,LW1.1,2023/24 Q1,Barnet,,,4,5,\n`, 'v.csv', testFramework());
    assert.deepEqual(
      ok.map((c) => [c.area, c.provider]),
      [['E09000003', 'RRP']],
    );
  });
});

describe('NCL outcomes data', async () => {
  const framework = await loadFramework(join(DIR, 'framework.json'));
  const counts = await loadValues(DIR, framework);

  it('has Start well, Live well and Age well, with the seed’s outcome headings and 3–5 indicators each', () => {
    assert.deepEqual(
      framework.domains.map((d) => d.title),
      ['Start well', 'Live well', 'Age well'],
    );
    // Seed 002 lists 8 headings under a text that says 7; all 8 are kept (see the framework's notes).
    assert.deepEqual(
      framework.domains.map((d) => d.outcomes.length),
      [3, 3, 2],
    );
    for (const d of framework.domains)
      for (const o of d.outcomes) assert.ok(o.indicators.length >= 3 && o.indicators.length <= 5);
    assert.ok(framework.notes.some((n) => /7 outcome headings/.test(n)));
  });

  it('marks the indicators the system computes itself', () => {
    const computed = listIndicators(framework)
      .filter(({ indicator }) => indicator.computedFrom)
      .map(({ indicator }) => `${indicator.computedFrom?.source}/${indicator.computedFrom?.measure}`)
      .sort();
    assert.deepEqual(computed, [
      'baseline/spend-per-head',
      'baseline/staff-per-head',
      'central-point-of-access/share-meeting-standard',
      'central-point-of-access/time-to-first-contact',
    ]);
  });

  it('lists the NCL trusts by ODS code, and every borough has a community and a mental health provider', () => {
    assert.deepEqual(framework.providers.map((p) => p.code).sort(), ['RKE', 'RNK', 'RRP', 'RV3', 'RYX', 'TAF']);
    for (const b of BOROUGH_CODES) {
      for (const s of ['community', 'mental-health'] as const) {
        assert.ok(
          framework.providers.some((p) => p.boroughs.includes(b) && p.services.includes(s)),
          `${b} ${s}`,
        );
      }
    }
  });

  it('labels every demo value illustrative and loads them all', async () => {
    const valueFiles = (await readdir(DIR)).filter((name) => name.startsWith('values-'));
    assert.ok(valueFiles.length >= 3, `national, provider-return and system values files: ${valueFiles}`);
    for (const f of valueFiles) {
      const lines = (await readFile(join(DIR, f), 'utf8')).trim().split('\n').slice(1);
      assert.ok(lines.length > 0, `${f} has rows to check`);
      for (const line of lines) assert.match(line, /,illustrative$/, `${f}: ${line}`);
    }
    assert.ok(counts.length > 300);
    const codes = new Set(counts.map((c) => c.indicatorCode));
    for (const code of ['LW3.1', 'AW1.2', 'SW2.1', 'AW1.4', 'LW3.4', 'SW2.2', 'LW3.3', 'SW2.3'])
      assert.ok(codes.has(code), code);
  });

  it('computes the demo charts: comparison, funnel, slope index, suppression', () => {
    const tt = findIndicator(framework, 'LW3.1');
    assert.ok(tt);
    const values = computeIndicatorValues(tt, counts);
    const f = funnelPlot(tt, values, '2023/24 Q4');
    assert.ok(f.available && f.points.length === 5);
    const sii = inequalityBreakdown(values, { period: '2023/24 Q4', area: 'QMJ' });
    assert.equal(sii.sii95.suppressed, false);
    const ed = findIndicator(framework, 'SW2.1');
    assert.ok(ed);
    assert.ok(
      computeIndicatorValues(ed, counts).some(
        (v) => v.suppressed?.reason === 'small-count' || v.suppressed?.reason === 'complement',
      ),
    );
  });
});
