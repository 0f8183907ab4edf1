import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barChart, escapeXml, funnelPlot, heatMap, lineChart, roundTicks } from './charts.ts';

test('a bar chart is an accessible SVG with every label and value as text, escaped', () => {
  const svg = barChart({
    id: 'spend',
    title: 'Spend per head <2021-22>',
    description: 'Haringey spends least',
    bars: [
      { label: 'Haringey', value: 98 },
      { label: 'Islington & Co', value: 192, lower: 180, upper: 200, tone: 'bad', note: '(worse)' },
      { label: 'Nowhere', value: null, note: 'Suppressed' },
    ],
    unit: '',
    reference: { value: 140, label: 'NCL' },
  });
  assert.match(svg, /^<svg [^>]*role="img" aria-labelledby="spend-title spend-desc"/);
  assert.match(svg, /<title id="spend-title">Spend per head &lt;2021-22&gt;<\/title>/);
  assert.match(svg, />Islington &amp; Co</);
  assert.match(svg, />192 \(worse\)</);
  assert.match(svg, />Suppressed</);
  assert.match(svg, />NCL</);
  assert.doesNotMatch(svg, /style=/, 'no inline styles: the CSP forbids them');
});

test('heat map cells carry their word as well as their colour', () => {
  const svg = heatMap({
    title: 't',
    description: 'd',
    rows: ['Podiatry'],
    columns: ['Barnet', 'Camden'],
    cells: [{ row: 'Podiatry', column: 'Barnet', value: 'meets', text: 'Meets' }],
    colours: { meets: '#007f3b' },
  });
  assert.match(svg, />Meets</);
  assert.match(svg, /fill="#007f3b"/);
});

test('line charts and funnel plots draw without NaN', () => {
  const line = lineChart({
    title: 't',
    description: 'd',
    series: [
      {
        label: 'NCL',
        points: [
          { x: 'Q1', y: 1, lower: 0.5, upper: 1.5 },
          { x: 'Q2', y: null },
          { x: 'Q3', y: 2 },
        ],
      },
    ],
  });
  assert.doesNotMatch(line, /NaN/);
  const funnel = funnelPlot({
    title: 't',
    description: 'd',
    points: [{ label: 'Barnet', denominator: 100, value: 0.5 }],
    target: 0.5,
    limits: [
      { denominator: 10, lower95: 0.2, upper95: 0.8, lower998: 0.1, upper998: 0.9 },
      { denominator: 200, lower95: 0.43, upper95: 0.57, lower998: 0.39, upper998: 0.61 },
    ],
    xLabel: 'Referrals',
    yLabel: 'Share',
  });
  assert.doesNotMatch(funnel, /NaN/);
  assert.match(funnel, />Barnet</);
  assert.equal(escapeXml(`"a'`), '&quot;a&#39;');
});

test('funnel plot axes use round ticks (issue 19: not 76.4, 82.3, 88.2 …)', () => {
  assert.deepEqual(roundTicks(76.4, 100).ticks, [70, 80, 90, 100]);
  assert.deepEqual(roundTicks(0, 7).ticks, [0, 2, 4, 6, 8]);
  assert.deepEqual(roundTicks(0.2, 0.93).ticks, [0.2, 0.4, 0.6, 0.8, 1]);
  for (const [lo, hi] of [
    [3.3, 17.9],
    [41.2, 58.7],
    [0, 1234],
  ]) {
    const { ticks } = roundTicks(lo, hi);
    const step = ticks[1] - ticks[0];
    assert.ok(ticks[0] <= lo && ticks.at(-1)! >= hi, `${lo}–${hi} covered by ${ticks}`);
    assert.ok(
      [1, 2, 2.5, 5].some((m) => Math.abs(step / 10 ** Math.floor(Math.log10(step)) - m) < 1e-9),
      `${step}`,
    );
  }
});
