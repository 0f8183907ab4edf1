// Finance charts as server-rendered SVG: investment against funding stacked by lever, the phasing timeline
// per borough, and the tornado. Each has a title and description; the pages put the figures in tables too.
// Patterns (hatching) and labels carry meaning alongside colour.
import { escapeXml, NHS_COLOURS } from '../charts.ts';

let counter = 0;
function frame(width: number, height: number, title: string, description: string, body: string, defs = ''): string {
  const key = `finance-chart-${++counter}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-labelledby="${key}-title ${key}-desc" font-size="14" font-family="Frutiger W01, Arial, sans-serif">` +
    `<title id="${key}-title">${escapeXml(title)}</title><desc id="${key}-desc">${escapeXml(description)}</desc>${defs}${body}</svg>`
  );
}
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const m = 10 ** Math.floor(Math.log10(value));
  for (const s of [1, 2, 2.5, 5, 10]) if (s * m >= value) return s * m;
  return 10 * m;
}
export const millions = (v: number) =>
  `£${(v / 1e6).toLocaleString('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 })}m`;

const PALETTE = [
  NHS_COLOURS.blue,
  NHS_COLOURS.green,
  NHS_COLOURS.orange,
  NHS_COLOURS.darkBlue,
  NHS_COLOURS.grey,
  NHS_COLOURS.red,
];

/** Stacked funding bars per year, with investment as a line of markers over them. */
export function fundingChart(o: {
  title: string;
  description: string;
  years: string[];
  stacks: { label: string; values: number[] }[];
  line: { label: string; values: number[] };
}): string {
  const width = 780;
  const height = 340;
  const left = 70;
  const right = 270;
  const top = 16;
  const bottom = 40;
  const totals = o.years.map((_, t) => o.stacks.reduce((s, x) => s + Math.max(0, x.values[t]), 0));
  const max = niceMax(Math.max(...totals, ...o.line.values, 1));
  const plotW = width - left - right;
  const bw = (plotW / o.years.length) * 0.6;
  const px = (t: number) => left + (plotW / o.years.length) * (t + 0.5);
  const py = (v: number) => top + (1 - v / max) * (height - top - bottom);
  let body = '';
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    body += `<line x1="${left}" y1="${py(v)}" x2="${width - right}" y2="${py(v)}" stroke="${NHS_COLOURS.lightGrey}"/>`;
    body += `<text x="${left - 6}" y="${py(v) + 4}" text-anchor="end" fill="${NHS_COLOURS.grey}">${escapeXml(millions(v))}</text>`;
  }
  o.years.forEach((y, t) => {
    let base = 0;
    o.stacks.forEach((s, k) => {
      const v = Math.max(0, s.values[t]);
      if (v <= 0) return;
      body += `<rect x="${px(t) - bw / 2}" y="${py(base + v)}" width="${bw}" height="${py(base) - py(base + v)}" fill="${PALETTE[k % PALETTE.length]}" stroke="${NHS_COLOURS.white}"/>`;
      base += v;
    });
    body += `<text x="${px(t)}" y="${height - bottom + 20}" text-anchor="middle" fill="${NHS_COLOURS.grey}">${escapeXml(y)}</text>`;
  });
  const pts = o.line.values.map((v, t) => `${px(t)},${py(v)}`).join(' ');
  body += `<polyline points="${pts}" fill="none" stroke="${NHS_COLOURS.black}" stroke-width="3" stroke-dasharray="6 3"/>`;
  o.line.values.forEach((v, t) => {
    body += `<rect x="${px(t) - 5}" y="${py(v) - 5}" width="10" height="10" fill="${NHS_COLOURS.black}"/>`;
  });
  // Legend: each stack's swatch and name, then the line.
  let ly = top + 4;
  o.stacks.forEach((s, k) => {
    body += `<rect x="${width - right + 12}" y="${ly}" width="14" height="14" fill="${PALETTE[k % PALETTE.length]}"/>`;
    body += `<text x="${width - right + 32}" y="${ly + 12}" fill="${NHS_COLOURS.black}">${escapeXml(s.label)}</text>`;
    ly += 22;
  });
  body += `<line x1="${width - right + 10}" y1="${ly + 7}" x2="${width - right + 28}" y2="${ly + 7}" stroke="${NHS_COLOURS.black}" stroke-width="3" stroke-dasharray="6 3"/>`;
  body += `<text x="${width - right + 32}" y="${ly + 12}" fill="${NHS_COLOURS.black}">${escapeXml(o.line.label)}</text>`;
  return frame(width, height, o.title, o.description, body);
}

/** The phasing as a timeline: one row per borough, a mark for each item in its start year. */
export function timelineChart(o: {
  title: string;
  description: string;
  years: string[];
  rows: { label: string; counts: number[]; costs: number[] }[];
}): string {
  const width = 700;
  const rowH = 40;
  const left = 170;
  const top = 30;
  const height = top + rowH * o.rows.length + 10;
  const colW = (width - left - 10) / o.years.length;
  const maxCount = Math.max(1, ...o.rows.flatMap((r) => r.counts));
  let body = '';
  o.years.forEach((y, t) => {
    body += `<text x="${left + colW * (t + 0.5)}" y="${top - 10}" text-anchor="middle" fill="${NHS_COLOURS.grey}">${escapeXml(y)}</text>`;
    body += `<line x1="${left + colW * t}" y1="${top}" x2="${left + colW * t}" y2="${height - 10}" stroke="${NHS_COLOURS.lightGrey}"/>`;
  });
  o.rows.forEach((r, i) => {
    const cy = top + rowH * i + rowH / 2;
    body += `<text x="${left - 8}" y="${cy + 5}" text-anchor="end" fill="${NHS_COLOURS.black}">${escapeXml(r.label)}</text>`;
    r.counts.forEach((n, t) => {
      if (n <= 0) return;
      const w = 12 + (colW - 24) * (n / maxCount);
      body += `<rect x="${left + colW * (t + 0.5) - w / 2}" y="${cy - 11}" width="${w}" height="22" rx="4" fill="${NHS_COLOURS.blue}"/>`;
      body += `<text x="${left + colW * (t + 0.5)}" y="${cy + 5}" text-anchor="middle" fill="${NHS_COLOURS.white}" font-weight="bold">${n}</text>`;
    });
  });
  return frame(width, height, o.title, o.description, body);
}

/** Tornado: each assumption's swing from its low to its high value, biggest first. */
export function tornadoChart(o: {
  title: string;
  description: string;
  base: number;
  bars: { label: string; atLow: number; atHigh: number }[];
  format: (v: number) => string;
}): string {
  const width = 700;
  const left = 300;
  const right = 20;
  const rowH = 26;
  const top = 10;
  const height = top + rowH * o.bars.length + 30;
  const lo = Math.min(o.base, ...o.bars.flatMap((b) => [b.atLow, b.atHigh]));
  const hi = Math.max(o.base, ...o.bars.flatMap((b) => [b.atLow, b.atHigh]));
  const span = hi - lo || 1;
  const px = (v: number) => left + ((v - lo) / span) * (width - left - right);
  let body = '';
  const defs = `<defs><pattern id="tornado-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${NHS_COLOURS.orange}"/><line x1="0" y1="0" x2="0" y2="6" stroke="${NHS_COLOURS.white}" stroke-width="2"/></pattern></defs>`;
  o.bars.forEach((b, i) => {
    const y = top + rowH * i;
    body += `<text x="${left - 8}" y="${y + 17}" text-anchor="end" fill="${NHS_COLOURS.black}">${escapeXml(b.label)}</text>`;
    const segs: [number, string][] = [
      [b.atLow, NHS_COLOURS.blue],
      [b.atHigh, 'url(#tornado-hatch)'],
    ];
    for (const [v, fill] of segs) {
      const x1 = Math.min(px(v), px(o.base));
      const w = Math.abs(px(v) - px(o.base));
      if (w > 0) body += `<rect x="${x1}" y="${y + 4}" width="${w}" height="${rowH - 8}" fill="${fill}"/>`;
    }
  });
  body += `<line x1="${px(o.base)}" y1="${top}" x2="${px(o.base)}" y2="${height - 26}" stroke="${NHS_COLOURS.black}" stroke-width="2"/>`;
  body += `<text x="${px(o.base)}" y="${height - 8}" text-anchor="middle" fill="${NHS_COLOURS.black}">${escapeXml(`most likely ${o.format(o.base)}`)}</text>`;
  return frame(width, height, o.title, o.description, body, defs);
}
