/**
 * Issue 18 item 4: the cost of `parseToml(…, { compact: true })` (values and the position index)
 * over every uv.lock under fixtures/, in this process. Prints the first pass (cold: a fresh process,
 * nothing compiled yet) and the median of further passes (warm), wall and CPU ms, as one JSON line. Run it
 * in fresh processes, alternating the switches, to A/B:
 *
 *   npx tsc -p tsconfig.scripts.json && node lib/scripts/bench-lock-parse.js [--rounds=N] [--read-lock]
 *   LOCKGATE_SLOW=lock-positions node lib/scripts/bench-lock-parse.js    # the position scan as a second pass
 *
 * `--read-lock` times readLock instead (the parse and the Lock model built from it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLock } from '../src/uv/lock.js';
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
const wholeLock = process.argv.includes('--read-lock');
const limits = { maxPackagesPerLock: 100_000 };

/** Wall and CPU ms of one pass over every lock (CPU: this process, GC threads included; steadier under load). */
function pass(): { wall: number; cpu: number } {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let entries = 0;
  for (const { file, text } of texts) {
    if (wholeLock) {
      const result = readLock(file, text, limits);
      if ('lock' in result) entries += result.lock.packages.length;
    } else {
      const result = parseToml(file, text, { compact: true });
      if (result.ok) entries += result.lines.get('version') ?? 0;
    }
  }
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  if (entries < 0) throw new Error('unreachable');
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

const cold = pass();
const warm: { wall: number; cpu: number }[] = [];
for (let i = 0; i < rounds; i++) warm.push(pass());
const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const bytes = texts.reduce((sum, { text }) => sum + text.length, 0);
console.log(
  JSON.stringify({
    measured: wholeLock ? 'readLock' : 'parseToml',
    slow: process.env.LOCKGATE_SLOW ?? '',
    locks: texts.length,
    mb: Math.round(bytes / 1e5) / 10,
    coldMs: Math.round(cold.wall),
    coldCpuMs: Math.round(cold.cpu),
    warmMedianMs: Math.round(median(warm.map((run) => run.wall))),
    warmCpuMedianMs: Math.round(median(warm.map((run) => run.cpu))),
    warmMinMs: Math.round(Math.min(...warm.map((run) => run.wall))),
  }),
);
