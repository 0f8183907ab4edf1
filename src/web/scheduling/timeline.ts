// The board's timeline, drawn on the server as SVG: one row per clinician on a shared time axis, with their
// shift, journeys (grey) and visits (coloured by priority, numbered in visiting order, "!" when at risk of
// being late). A title, a description and a legend in words go with it; the page repeats every figure in
// tables, so nothing depends on colour or on seeing the drawing.
import type { BoardRoute } from '../../modules/scheduling/index.ts';
import { minutesToClock } from '../../modules/scheduling/index.ts';
import { escapeXml, NHS_COLOURS } from '../charts.ts';

export const PRIORITY_COLOURS: Record<string, string> = {
  'urgent-2h': NHS_COLOURS.red,
  'virtual-ward': NHS_COLOURS.blue,
  routine: NHS_COLOURS.grey,
};
const PRIORITY_WORDS: Record<string, string> = {
  'urgent-2h': '2-hour urgent response',
  'virtual-ward': 'virtual ward',
  routine: 'routine',
};

export function timelineSvg(
  routes: readonly BoardRoute[],
  options: { id: string; title: string /** Minutes from midnight: draws a labelled "Now" line. */; now?: number },
): string {
  const labelWidth = 170;
  const width = 960;
  const rowHeight = 46;
  const top = 58;
  const axisHeight = 28;
  const starts = routes.map((r) => r.shift.startMinute);
  const ends = routes.map((r) => Math.max(r.shift.endMinute, r.returnAt));
  const from = Math.floor(Math.min(8 * 60, ...starts) / 60) * 60;
  const to = Math.ceil(Math.max(18 * 60, ...ends) / 60) * 60;
  const plotWidth = width - labelWidth - 28;
  const x = (m: number) => labelWidth + ((m - from) / (to - from)) * plotWidth;
  const height = top + routes.length * rowHeight + axisHeight;
  let body = '';
  // Legend, in words beside each swatch.
  const legend: [string, string][] = [
    [PRIORITY_COLOURS['urgent-2h'], '2-hour urgent response'],
    [PRIORITY_COLOURS['virtual-ward'], 'Virtual ward'],
    [PRIORITY_COLOURS.routine, 'Routine'],
    ['#aeb7bd', 'Travel'],
  ];
  let lx = labelWidth;
  for (const [colour, text] of legend) {
    const h = text === 'Travel' ? 8 : 16;
    body += `<rect x="${lx}" y="${12 + (16 - h) / 2}" width="18" height="${h}" fill="${colour}"/>`;
    body += `<text x="${lx + 24}" y="25" fill="${NHS_COLOURS.black}">${escapeXml(text)}</text>`;
    lx += 32 + text.length * 7.4;
  }
  body += `<text x="${lx}" y="25" fill="${NHS_COLOURS.black}" font-weight="bold">!</text>`;
  body += `<text x="${lx + 12}" y="25" fill="${NHS_COLOURS.black}">At risk of being late</text>`;
  // Hour lines and labels.
  for (let m = from; m <= to; m += 60) {
    body += `<line x1="${x(m)}" x2="${x(m)}" y1="${top - 8}" y2="${top + routes.length * rowHeight}" stroke="${NHS_COLOURS.lightGrey}"/>`;
    body += `<text x="${x(m)}" y="${top + routes.length * rowHeight + 20}" text-anchor="middle" fill="${NHS_COLOURS.grey}">${minutesToClock(m)}</text>`;
  }
  const showNow = options.now !== undefined && options.now >= from && options.now <= to;
  routes.forEach((r, i) => {
    const y = top + i * rowHeight;
    const mid = y + rowHeight / 2;
    body += `<text x="${labelWidth - 10}" y="${mid - 3}" text-anchor="end" fill="${NHS_COLOURS.black}">${escapeXml(r.clinician.name)}</text>`;
    body += `<text x="${labelWidth - 10}" y="${mid + 13}" text-anchor="end" fill="${NHS_COLOURS.grey}" font-size="12">${r.items.length} ${r.items.length === 1 ? 'visit' : 'visits'}, ${minutesToClock(r.shift.startMinute)}–${minutesToClock(r.shift.endMinute)}</text>`;
    // The shift: a pale band with a border.
    body += `<rect x="${x(r.shift.startMinute)}" y="${y + 6}" width="${x(r.shift.endMinute) - x(r.shift.startMinute)}" height="${rowHeight - 12}" fill="#f0f4f5" stroke="${NHS_COLOURS.lightGrey}"><title>${escapeXml(`${r.clinician.name}: shift ${minutesToClock(r.shift.startMinute)} to ${minutesToClock(r.shift.endMinute)}`)}</title></rect>`;
    for (const it of r.items) {
      if (it.arrival - it.travelFrom > 0.5)
        body += `<rect x="${x(it.travelFrom)}" y="${mid - 4}" width="${Math.max(1, x(it.arrival) - x(it.travelFrom))}" height="8" fill="#aeb7bd"><title>${escapeXml(`Travel to ${it.visit.patientRef}: ${Math.round(it.arrival - it.travelFrom)} minutes`)}</title></rect>`;
    }
    if (r.items.length && r.returnAt - r.returnTravelFrom > 0.5)
      body += `<rect x="${x(r.returnTravelFrom)}" y="${mid - 4}" width="${Math.max(1, x(r.returnAt) - x(r.returnTravelFrom))}" height="8" fill="#aeb7bd"><title>${escapeXml(`Travel back to base: ${Math.round(r.returnAt - r.returnTravelFrom)} minutes`)}</title></rect>`;
    for (const it of r.items) {
      const bx = x(it.start);
      const bw = Math.max(3, x(it.end) - x(it.start));
      const label = `${it.sequence}${it.lateRisk ? '!' : ''}`;
      const tip = `${it.sequence}. ${it.visit.patientRef}, ${PRIORITY_WORDS[it.visit.priority]}, ${minutesToClock(it.start)}–${minutesToClock(it.end)}, window ${minutesToClock(it.visit.windowStart)}–${minutesToClock(it.visit.windowEnd)}${it.lateRisk ? ', at risk of being late' : ''}`;
      body += `<rect x="${bx}" y="${y + 10}" width="${bw}" height="${rowHeight - 20}" fill="${PRIORITY_COLOURS[it.visit.priority]}" stroke="${NHS_COLOURS.white}"><title>${escapeXml(tip)}</title></rect>`;
      if (bw >= 7 * label.length + 4)
        body += `<text x="${bx + bw / 2}" y="${mid + 5}" text-anchor="middle" fill="${NHS_COLOURS.white}" font-size="13" font-weight="bold">${escapeXml(label)}</text>`;
    }
  });
  if (showNow) {
    const nx = x(options.now as number);
    body += `<line x1="${nx}" x2="${nx}" y1="${top - 14}" y2="${top + routes.length * rowHeight}" stroke="${NHS_COLOURS.black}" stroke-width="2" stroke-dasharray="4 3"/>`;
    body += `<text x="${nx}" y="${top - 18}" text-anchor="middle" fill="${NHS_COLOURS.black}" font-size="12">Now ${minutesToClock(options.now as number)}</text>`;
  }
  const described = routes
    .map((r) =>
      r.items.length
        ? `${r.clinician.name}: ${r.items
            .map(
              (it) =>
                `${it.sequence}. ${it.visit.patientRef} at ${minutesToClock(it.start)}${it.lateRisk ? ' (at risk of being late)' : ''}`,
            )
            .join('; ')}`
        : `${r.clinician.name}: no visits`,
    )
    .join('. ');
  const key = options.id;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-labelledby="${key}-title ${key}-desc" font-size="14" font-family="Frutiger W01, Arial, sans-serif">` +
    `<title id="${key}-title">${escapeXml(options.title)}</title><desc id="${key}-desc">${escapeXml(
      `Each row is a clinician's shift from left to right on a time axis; grey bars are travel, coloured bars are visits numbered in order.${showNow ? ` The time now is ${minutesToClock(options.now as number)}.` : ''} ${described}.`,
    )}</desc>${body}</svg>`
  );
}
