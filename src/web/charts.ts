// Charts drawn on the server as SVG: no client code, presentation attributes only (the CSP forbids inline
// styles), each with a title and a text description for screen readers. Pages put the same figures in a table
// beside every chart. Colours come from the NHS palette and are never the only carrier of meaning.

export const NHS_COLOURS = {
  blue: '#005eb8',
  darkBlue: '#003087',
  grey: '#4c6272',
  lightGrey: '#d8dde0',
  green: '#007f3b',
  red: '#d5281b',
  orange: '#ed8b00',
  yellow: '#ffeb3b',
  black: '#212b32',
  white: '#ffffff',
} as const;

export function escapeXml(text: unknown): string {
  return String(text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

let chartCounter = 0;
function frame(
  id: string | undefined,
  width: number,
  height: number,
  title: string,
  description: string,
  body: string,
): string {
  const key = id ?? `chart-${++chartCounter}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-labelledby="${key}-title ${key}-desc" font-size="14" font-family="Frutiger W01, Arial, sans-serif">` +
    `<title id="${key}-title">${escapeXml(title)}</title><desc id="${key}-desc">${escapeXml(description)}</desc>${body}</svg>`
  );
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

/**
 * Axis ticks at round numbers (steps of 1, 2, 2.5 or 5 times a power of ten) covering min to max in about
 * four steps: 76.4 to 100 gives 75, 80, 85 … 100, not 76.4, 82.3, 88.2.
 */
export function roundTicks(min: number, max: number, steps = 4): { min: number; max: number; ticks: number[] } {
  const span = max - min || Math.abs(max) || 1;
  const rough = span / steps;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Math.round(v / step) * step);
  return { min: lo, max: hi, ticks: ticks.map((t) => Number(t.toPrecision(12))) };
}

function format(value: number, digits: number): string {
  return value.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export type Bar = {
  label: string;
  value: number | null;
  lower?: number | null;
  upper?: number | null;
  /** An outline or fill that says something (e.g. 'worse'); always also shown as text in `note`. */
  tone?: 'neutral' | 'good' | 'bad' | 'warning' | 'highlight';
  note?: string;
};

const TONE: Record<NonNullable<Bar['tone']>, string> = {
  neutral: NHS_COLOURS.blue,
  good: NHS_COLOURS.green,
  bad: NHS_COLOURS.red,
  warning: NHS_COLOURS.orange,
  highlight: NHS_COLOURS.darkBlue,
};

/** A horizontal bar chart, with optional confidence intervals and a labelled reference line (e.g. the ICS value). */
export function barChart(options: {
  id?: string;
  title: string;
  description: string;
  bars: Bar[];
  unit?: string;
  digits?: number;
  reference?: { value: number; label: string };
  width?: number;
}): string {
  const { bars, digits = 0, unit = '', width = 640 } = options;
  const labelWidth = 170;
  const valueWidth = 120;
  const rowHeight = 32;
  const top = 28;
  const height = top + bars.length * rowHeight + 30;
  const plotWidth = width - labelWidth - valueWidth;
  const max = niceMax(
    Math.max(0, options.reference?.value ?? 0, ...bars.map((b) => Math.max(b.value ?? 0, b.upper ?? 0))),
  );
  const x = (v: number) => labelWidth + (Math.max(0, v) / max) * plotWidth;
  let body = '';
  // Axis ticks
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    body += `<line x1="${x(v)}" y1="${top - 6}" x2="${x(v)}" y2="${height - 26}" stroke="${NHS_COLOURS.lightGrey}"/>`;
    body += `<text x="${x(v)}" y="${height - 8}" text-anchor="middle" fill="${NHS_COLOURS.grey}">${escapeXml(format(v, v < 10 && max <= 10 ? 1 : 0))}</text>`;
  }
  bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    body += `<text x="${labelWidth - 8}" y="${y + 20}" text-anchor="end" fill="${NHS_COLOURS.black}">${escapeXml(bar.label)}</text>`;
    if (bar.value === null) {
      body += `<text x="${labelWidth + 4}" y="${y + 20}" fill="${NHS_COLOURS.grey}">${escapeXml(bar.note ?? 'No value')}</text>`;
      return;
    }
    const colour = TONE[bar.tone ?? 'neutral'];
    body += `<rect x="${labelWidth}" y="${y + 6}" width="${Math.max(1, x(bar.value) - labelWidth)}" height="${rowHeight - 12}" fill="${colour}"/>`;
    if (bar.lower != null && bar.upper != null) {
      const cy = y + rowHeight / 2;
      body += `<line x1="${x(bar.lower)}" y1="${cy}" x2="${x(bar.upper)}" y2="${cy}" stroke="${NHS_COLOURS.black}" stroke-width="2"/>`;
      body += `<line x1="${x(bar.lower)}" y1="${cy - 6}" x2="${x(bar.lower)}" y2="${cy + 6}" stroke="${NHS_COLOURS.black}" stroke-width="2"/>`;
      body += `<line x1="${x(bar.upper)}" y1="${cy - 6}" x2="${x(bar.upper)}" y2="${cy + 6}" stroke="${NHS_COLOURS.black}" stroke-width="2"/>`;
    }
    const text = `${format(bar.value, digits)}${unit}${bar.note ? ` ${bar.note}` : ''}`;
    body += `<text x="${width - valueWidth + 8}" y="${y + 20}" fill="${NHS_COLOURS.black}">${escapeXml(text)}</text>`;
  });
  if (options.reference) {
    const rx = x(options.reference.value);
    body += `<line x1="${rx}" y1="${top - 10}" x2="${rx}" y2="${height - 26}" stroke="${NHS_COLOURS.black}" stroke-width="2" stroke-dasharray="6 4"/>`;
    body += `<text x="${rx}" y="${top - 14}" text-anchor="middle" fill="${NHS_COLOURS.black}">${escapeXml(options.reference.label)}</text>`;
  }
  return frame(options.id, width, height, options.title, options.description, body);
}

export type HeatCell = { row: string; column: string; value: string; text: string };

/** A matrix of labelled cells (e.g. boroughs × components). Each cell carries its word as well as its colour. */
export function heatMap(options: {
  id?: string;
  title: string;
  description: string;
  rows: string[];
  columns: string[];
  cells: HeatCell[];
  colours: Record<string, string>;
  cellWidth?: number;
  /** Width of the row-label column; labels longer than it allows are cut with "…". */
  labelWidth?: number;
}): string {
  const cellWidth = options.cellWidth ?? 110;
  const cellHeight = 28;
  const labelWidth = options.labelWidth ?? 260;
  const labelChars = options.labelWidth ? Math.floor((labelWidth - 16) / 7.2) : 36;
  const top = 36;
  const width = labelWidth + options.columns.length * cellWidth;
  const height = top + options.rows.length * cellHeight + 4;
  const lookup = new Map(options.cells.map((c) => [`${c.row}\u0000${c.column}`, c]));
  let body = '';
  options.columns.forEach((col, j) => {
    body += `<text x="${labelWidth + j * cellWidth + cellWidth / 2}" y="22" text-anchor="middle" font-weight="bold" fill="${NHS_COLOURS.black}">${escapeXml(col)}</text>`;
  });
  options.rows.forEach((row, i) => {
    const y = top + i * cellHeight;
    body += `<text x="${labelWidth - 8}" y="${y + 19}" text-anchor="end" fill="${NHS_COLOURS.black}">${escapeXml(row.length > labelChars ? `${row.slice(0, labelChars - 1)}…` : row)}</text>`;
    options.columns.forEach((col, j) => {
      const cell = lookup.get(`${row}\u0000${col}`);
      const fill = cell ? (options.colours[cell.value] ?? NHS_COLOURS.lightGrey) : NHS_COLOURS.white;
      const dark =
        fill === NHS_COLOURS.red ||
        fill === NHS_COLOURS.green ||
        fill === NHS_COLOURS.blue ||
        fill === NHS_COLOURS.darkBlue;
      body += `<rect x="${labelWidth + j * cellWidth + 1}" y="${y + 1}" width="${cellWidth - 2}" height="${cellHeight - 2}" fill="${fill}"/>`;
      if (cell) {
        body += `<text x="${labelWidth + j * cellWidth + cellWidth / 2}" y="${y + 19}" text-anchor="middle" fill="${dark ? NHS_COLOURS.white : NHS_COLOURS.black}">${escapeXml(cell.text)}</text>`;
      }
    });
  });
  return frame(options.id, width, height, options.title, options.description, body);
}

export type Series = {
  label: string;
  points: { x: string; y: number | null; lower?: number | null; upper?: number | null }[];
};

/** A line chart over ordered categories (periods), with an optional confidence band for the first series. */
export function lineChart(options: {
  id?: string;
  title: string;
  description: string;
  series: Series[];
  unit?: string;
  digits?: number;
  width?: number;
  height?: number;
}): string {
  const { width = 640, height = 300, digits = 0, unit = '' } = options;
  const left = 60;
  const right = 170;
  const top = 16;
  const bottom = 40;
  const xs = options.series[0]?.points.map((p) => p.x) ?? [];
  const values = options.series.flatMap((s) =>
    s.points.flatMap((p) => [p.y, p.upper ?? null]).filter((v): v is number => v !== null),
  );
  const max = niceMax(Math.max(0, ...values));
  const px = (i: number) => left + (xs.length <= 1 ? 0 : (i / (xs.length - 1)) * (width - left - right));
  const py = (v: number) => top + (1 - v / max) * (height - top - bottom);
  const palette = [
    NHS_COLOURS.blue,
    NHS_COLOURS.orange,
    NHS_COLOURS.green,
    NHS_COLOURS.red,
    NHS_COLOURS.darkBlue,
    NHS_COLOURS.grey,
  ];
  const dashes = ['', '6 3', '2 3', '10 4', '4 2 1 2', '1 3'];
  let body = '';
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    body += `<line x1="${left}" y1="${py(v)}" x2="${width - right}" y2="${py(v)}" stroke="${NHS_COLOURS.lightGrey}"/>`;
    body += `<text x="${left - 6}" y="${py(v) + 4}" text-anchor="end" fill="${NHS_COLOURS.grey}">${escapeXml(format(v, max <= 10 ? 1 : 0))}</text>`;
  }
  xs.forEach((label, i) => {
    body += `<text x="${px(i)}" y="${height - bottom + 20}" text-anchor="middle" fill="${NHS_COLOURS.grey}">${escapeXml(label)}</text>`;
  });
  options.series.forEach((s, k) => {
    const colour = palette[k % palette.length]!;
    const pts = s.points.map((p, i) => (p.y === null ? null : `${px(i)},${py(p.y)}`));
    if (k === 0) {
      const band = s.points
        .map((p, i) => (p.lower != null && p.upper != null ? { i, lower: p.lower, upper: p.upper } : null))
        .filter((b) => b !== null);
      if (band.length > 1) {
        const upper = band.map((b) => `${px(b.i)},${py(b.upper)}`).join(' ');
        const lower = [...band]
          .reverse()
          .map((b) => `${px(b.i)},${py(b.lower)}`)
          .join(' ');
        body += `<polygon points="${upper} ${lower}" fill="${colour}" fill-opacity="0.15"/>`;
      }
    }
    const segments: string[][] = [[]];
    for (const p of pts) {
      if (p === null) segments.push([]);
      else segments[segments.length - 1]!.push(p);
    }
    for (const seg of segments) {
      if (seg.length > 1)
        body += `<polyline points="${seg.join(' ')}" fill="none" stroke="${colour}" stroke-width="3" stroke-dasharray="${dashes[k % dashes.length]}"/>`;
    }
    s.points.forEach((p, i) => {
      if (p.y !== null) body += `<circle cx="${px(i)}" cy="${py(p.y)}" r="4" fill="${colour}"/>`;
    });
    const last = [...s.points].reverse().find((p) => p.y !== null);
    if (last && last.y !== null) {
      // The label is black (contrast), with a short stroke in the series' colour and dash beside it.
      body += `<line x1="${width - right + 6}" y1="${py(last.y)}" x2="${width - right + 22}" y2="${py(last.y)}" stroke="${colour}" stroke-width="3" stroke-dasharray="${dashes[k % dashes.length]}"/>`;
      body += `<text x="${width - right + 26}" y="${py(last.y) + 4}" fill="${NHS_COLOURS.black}">${escapeXml(`${s.label}: ${format(last.y, digits)}${unit}`)}</text>`;
    }
  });
  return frame(options.id, width, height, options.title, options.description, body);
}

/** A funnel plot: each area's value against its denominator, with control limits drawn as lines. */
export function funnelPlot(options: {
  id?: string;
  title: string;
  description: string;
  points: { label: string; denominator: number; value: number; tone?: Bar['tone'] }[];
  target: number;
  limits: { denominator: number; lower95: number; upper95: number; lower998: number; upper998: number }[];
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
}): string {
  const { width = 640, height = 360 } = options; // the axis takes its digits from its step
  const left = 70;
  const right = 20;
  const top = 16;
  const bottom = 50;
  const maxX = niceMax(
    Math.max(...options.points.map((p) => p.denominator), ...options.limits.map((l) => l.denominator)),
  );
  const ys = [
    ...options.points.map((p) => p.value),
    ...options.limits.flatMap((l) => [l.upper998, l.lower998]),
    options.target,
  ].filter(Number.isFinite);
  // Leave a margin below the lowest value so no point sits on the axis.
  const rawMin = Math.min(...ys);
  const rawMax = Math.max(...ys);
  const { min: minY, max: maxY, ticks: yTicks } = roundTicks(Math.max(0, rawMin - (rawMax - rawMin) * 0.1), rawMax);
  const px = (v: number) => left + (v / maxX) * (width - left - right);
  const py = (v: number) => top + (1 - (v - minY) / (maxY - minY || 1)) * (height - top - bottom);
  let body = '';
  const yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
  const yDigits = (String(Number(yStep.toPrecision(6))).split('.')[1] ?? '').length;
  for (const v of yTicks) {
    body += `<line x1="${left}" y1="${py(v)}" x2="${width - right}" y2="${py(v)}" stroke="${NHS_COLOURS.lightGrey}"/>`;
    body += `<text x="${left - 6}" y="${py(v) + 4}" text-anchor="end" fill="${NHS_COLOURS.grey}">${escapeXml(format(v, yDigits))}</text>`;
  }
  for (let i = 0; i <= 4; i++) {
    const xv = (maxX / 4) * i;
    body += `<text x="${px(xv)}" y="${height - bottom + 18}" text-anchor="middle" fill="${NHS_COLOURS.grey}">${escapeXml(format(xv, 0))}</text>`;
  }
  body += `<text x="${(left + width - right) / 2}" y="${height - 8}" text-anchor="middle" fill="${NHS_COLOURS.black}">${escapeXml(options.xLabel)}</text>`;
  body += `<text x="14" y="${top + (height - top - bottom) / 2}" text-anchor="middle" transform="rotate(-90 14 ${top + (height - top - bottom) / 2})" fill="${NHS_COLOURS.black}">${escapeXml(options.yLabel)}</text>`;
  const line = (key: 'lower95' | 'upper95' | 'lower998' | 'upper998', dash: string) => {
    const pts = options.limits
      .filter((l) => Number.isFinite(l[key]))
      .map((l) => `${px(l.denominator)},${py(Math.min(maxY, Math.max(minY, l[key])))}`);
    return pts.length > 1
      ? `<polyline points="${pts.join(' ')}" fill="none" stroke="${NHS_COLOURS.grey}" stroke-width="1.5" stroke-dasharray="${dash}"/>`
      : '';
  };
  body += line('lower95', '6 3') + line('upper95', '6 3') + line('lower998', '2 2') + line('upper998', '2 2');
  body += `<line x1="${left}" y1="${py(options.target)}" x2="${width - right}" y2="${py(options.target)}" stroke="${NHS_COLOURS.black}" stroke-width="2"/>`;
  for (const p of options.points) {
    body += `<circle cx="${px(p.denominator)}" cy="${py(p.value)}" r="6" fill="${TONE[p.tone ?? 'neutral']}" stroke="${NHS_COLOURS.black}"/>`;
    body += `<text x="${px(p.denominator) + 9}" y="${py(p.value) - 8}" fill="${NHS_COLOURS.black}">${escapeXml(p.label)}</text>`;
  }
  return frame(options.id, width, height, options.title, options.description, body);
}
