/**
 * Issue 18 item 4: the cost of `parseToml(…, { compact: true })` (values and the position index)
 * over every uv.lock under fixtures/, in this process. Prints the first pass (cold: a fresh process,
 * nothing compiled yet) and the median of further passes (warm), in ms, as one JSON line. Run it
 * in fresh processes, alternating the switches, to A/B:
 *
 *   npx tsc -p tsconfig.scripts.json && node lib/scripts/bench-lock-parse.js [--rounds=N]
 *   LOCKGATE_SLOW=lock-positions node lib/scripts/bench-lock-parse.js    # the position scan as a second pass
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseToml } from '../src/uv/toml.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = HERE.endsWith(join('lib', 'scripts')) ? join(HERE, '..', '..') : join(HERE, '..');

function lockFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return lockFiles(path);
    return entry.name === 'uv.lock' ? [path] : [];
  });
}

const texts = lockFiles(join(ROOT, 'fixtures')).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
const roundsArg = process.argv.find((arg) => arg.startsWith('--rounds='));
const rounds = roundsArg ? Number(roundsArg.slice('--rounds='.length)) : 10;

function pass(): number {
  const started = performance.now();
  let entries = 0;
  for (const { file, text } of texts) {
    const result = parseToml(file, text, { compact: true });
    if (result.ok) entries += result.lines.get('version') ?? 0;
  }
  const elapsed = performance.now() - started;
  if (entries < 0) throw new Error('unreachable');
  return elapsed;
}

const cold = pass();
const warm: number[] = [];
for (let i = 0; i < rounds; i++) warm.push(pass());
warm.sort((a, b) => a - b);
const bytes = texts.reduce((sum, { text }) => sum + text.length, 0);
console.log(
  JSON.stringify({
    slow: process.env.LOCKGATE_SLOW ?? '',
    locks: texts.length,
    mb: Math.round(bytes / 1e5) / 10,
    coldMs: Math.round(cold),
    warmMedianMs: Math.round(warm[Math.floor(warm.length / 2)]!),
    warmMinMs: Math.round(warm[0]!),
  }),
);
