#!/usr/bin/env node
/**
 * Where a CPU profile's time went (issue 18's measuring aid): reads a .cpuprofile written by
 * `node --cpu-prof` (or `npm run bench -- --cpu-prof DIR`) and prints the top entries.
 *
 *   node scripts/profile-summary.mjs FILE.cpuprofile [self|file|inclusive] [COUNT] [FILTER]
 *
 * `self` (default): self time by function; `file`: self time by source file; `inclusive`: time
 * with callees, each function counted once a stack (so recursion does not inflate it). FILTER keeps
 * the rows whose label contains it. Shares are robust to machine load; absolute times are not.
 */
import { readFileSync } from 'node:fs';

const [file, mode = 'self', count = '40', filter] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node scripts/profile-summary.mjs FILE.cpuprofile [self|file|inclusive] [COUNT] [FILTER]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

// Microseconds per sampled node.
const sampled = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  sampled.set(id, (sampled.get(id) ?? 0) + delta);
  total += delta;
});

const shortUrl = (url) => url.replace(/^file:\/\/.*?\/(lib|node_modules|src)\//, '$1/');
const label = (node) => {
  const frame = node.callFrame;
  if (mode === 'file') return shortUrl(frame.url) || frame.functionName || '(native)';
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
};

const rows = new Map();
for (const [id, micros] of sampled) {
  if (mode === 'inclusive') {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parents.get(at)) {
      const key = label(nodes.get(at));
      if (seen.has(key)) continue;
      seen.add(key);
      rows.set(key, (rows.get(key) ?? 0) + micros);
    }
  } else {
    const key = label(nodes.get(id));
    rows.set(key, (rows.get(key) ?? 0) + micros);
  }
}
const top = [...rows]
  .filter(([key]) => !filter || key.includes(filter))
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(count));
for (const [key, micros] of top) {
  process.stdout.write(`${(micros / 1000).toFixed(0).padStart(7)} ms ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${key}\n`);
}
process.stdout.write(`total ${(total / 1000).toFixed(0)} ms sampled\n`);
