// Helper (not a benchmark): the top entries of a V8 CPU profile by self time, as a Markdown table.
//   ./node_modules/.bin/node bench/cpu-top.ts <file.cpuprofile> [count]
import { readFileSync } from 'node:fs';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number };
const [file, count = '15'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
const total = profile.samples.length;
const self = new Map<string, number>();
for (const node of profile.nodes) {
  const f = node.callFrame;
  const where = f.url ? `${f.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${f.lineNumber + 1}` : '';
  const name = `${f.functionName || '(anonymous)'} ${where}`.trim();
  self.set(name, (self.get(name) ?? 0) + (node.hitCount ?? 0));
}
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(count));
console.log('| self % | function |\n| ---: | --- |');
for (const [name, hits] of rows)
  console.log(`| ${((100 * hits) / total).toFixed(1)} | \`${name.replace(/\|/g, '\\|')}\` |`);
