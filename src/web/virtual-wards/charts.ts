// Small server-rendered SVG charts for virtual wards. Each has a title and a text alternative beside it on
// the page (the numbers are always in a table or sentence too), so colour and shape are never the only signal.

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A score trend: one dot per observation, unknown aggregates (missing parameters) left as gaps. */
export function trendSvg(scores: (number | null)[], { label }: { label: string }): string {
  const w = 120;
  const h = 32;
  const max = Math.max(7, ...scores.map((s) => s ?? 0));
  const step = scores.length > 1 ? (w - 8) / (scores.length - 1) : 0;
  const points = scores.map((s, i) => (s === null ? null : { x: 4 + i * step, y: h - 4 - ((h - 8) * s) / max }));
  let path = '';
  let pen = false;
  for (const p of points) {
    if (!p) {
      pen = false;
      continue;
    }
    path += `${pen ? 'L' : 'M'}${p.x.toFixed(1)} ${p.y.toFixed(1)} `;
    pen = true;
  }
  const dots = points
    .filter((p): p is { x: number; y: number } => p !== null)
    .map((p) => `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="2.5"/>`)
    .join('');
  const highLine = h - 4 - ((h - 8) * 7) / max;
  return `<svg class="app-trend" role="img" aria-label="${esc(label)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}"><line x1="0" x2="${w}" y1="${highLine.toFixed(1)}" y2="${highLine.toFixed(1)}" stroke="#d5281b" stroke-dasharray="3 2"/><path d="${path.trim()}" fill="none" stroke="#005eb8" stroke-width="2"/><g fill="#005eb8">${dots}</g></svg>`;
}

export type CapacityBar = { label: string; value: number | null };

/** Beds per 100,000 people by borough, with the national ambition band shaded and labelled. */
export function capacitySvg(bars: CapacityBar[], ambition: { low: number; high: number }, title: string): string {
  const rowH = 34;
  const left = 90;
  const width = 560;
  const chartW = width - left - 60;
  const max = Math.max(ambition.high * 1.2, ...bars.map((b) => b.value ?? 0));
  const x = (v: number) => left + (chartW * v) / max;
  const h = bars.length * rowH + 40;
  const rows = bars
    .map((b, i) => {
      const y = 10 + i * rowH;
      const v = b.value ?? 0;
      return `<text x="${left - 8}" y="${y + 18}" text-anchor="end">${esc(b.label)}</text><rect x="${left}" y="${y + 4}" width="${(x(v) - left).toFixed(1)}" height="20" fill="#005eb8"/><text x="${(x(v) + 6).toFixed(1)}" y="${y + 18}">${b.value === null ? 'no population' : v.toFixed(1)}</text>`;
    })
    .join('');
  const bandY = bars.length * rowH + 10;
  return `<svg class="app-chart" font-size="14" role="img" aria-labelledby="capacity-title" viewBox="0 0 ${width} ${h}" width="${width}"><title id="capacity-title">${esc(title)}</title><rect x="${x(ambition.low).toFixed(1)}" y="4" width="${(x(ambition.high) - x(ambition.low)).toFixed(1)}" height="${bandY - 4}" fill="#ffeb3b" fill-opacity="0.35" stroke="#425563" stroke-dasharray="4 3"/>${rows}<text x="${x(ambition.low).toFixed(1)}" y="${bandY + 20}" font-size="13">National ambition ${ambition.low} to ${ambition.high}</text></svg>`;
}
