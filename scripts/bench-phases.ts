/**
 * Issue 18's measuring aids (not part of `npm run bench`):
 *
 *   npx tsc -p tsconfig.scripts.json && node lib/scripts/bench-phases.js [--typical] [--rounds=N]
 *     where the time of one full check goes, phase by phase, in this process;
 *   node lib/scripts/bench-phases.js --equal
 *     the bench monorepo (1×, and the typical PR) checked with every speed-up on and with all off
 *     (LOCKGATE_SLOW=all, see src/core/speedups.ts), with and without only-new: the JSON reports
 *     must be identical.
 */
import { rmSync } from 'node:fs';
import { buildContext, readRevisions, runLockgate } from '../src/engine.js';
import { baselineOf } from '../src/policy/baseline.js';
import { renderJson } from '../src/report/json.js';
import { runRules } from '../src/rules/run.js';
import { settingsFromArgv } from '../src/settings/resolve.js';
import type { Settings } from '../src/settings/types.js';
import { buildMonorepo, type Monorepo } from './bench.js';

const argv = process.argv.slice(2);

function settingsOf(repo: Monorepo, extra: string[] = []): Settings {
  const command = settingsFromArgv([repo.dir, '--base', repo.base, '--head', repo.head, '--offline', '--now', '2026-11-26T12:00:00Z', ...extra], {}, repo.dir);
  if (command.kind !== 'run') throw new Error('unexpected command');
  return command.settings;
}

async function equal(): Promise<boolean> {
  let same = true;
  for (const typical of [false, true]) {
    const repo = buildMonorepo(1, typical);
    try {
      for (const onlyNew of [false, true]) {
        const settings = settingsOf(repo, onlyNew ? ['--only-new'] : []);
        delete process.env.LOCKGATE_SLOW;
        let started = performance.now();
        const fast = renderJson((await runLockgate(settings)).report);
        const fastMs = performance.now() - started;
        process.env.LOCKGATE_SLOW = 'all';
        started = performance.now();
        const slow = renderJson((await runLockgate(settings)).report);
        const slowMs = performance.now() - started;
        delete process.env.LOCKGATE_SLOW;
        const verdict = fast === slow ? 'identical' : 'DIFFERENT';
        if (fast !== slow) same = false;
        process.stdout.write(
          `${typical ? 'typical PR' : '1× every lock changed'}, only-new ${onlyNew}: reports ${verdict} (${fast.length} bytes; fast ${fastMs.toFixed(0)} ms, LOCKGATE_SLOW=all ${slowMs.toFixed(0)} ms, warm in one process, noisy)\n`,
        );
      }
    } finally {
      rmSync(repo.dir, { recursive: true, force: true });
    }
  }
  return same;
}

function phases(): void {
  const typical = argv.includes('--typical');
  const rounds = Number(argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3);
  const repo = buildMonorepo(1, typical);
  try {
    const settings = settingsOf(repo);
    for (let round = 0; round < rounds; round++) {
      let t = performance.now();
      const lap = () => {
        const now = performance.now();
        const d = now - t;
        t = now;
        return d.toFixed(0).padStart(5);
      };
      const { head, base } = readRevisions(settings);
      const read = lap();
      const context = buildContext(settings, head, base);
      const parse = lap();
      const raw = runRules(context);
      const rules = lap();
      baselineOf(runRules(buildContext(settings, base!, null)));
      const baseline = lap();
      process.stdout.write(
        `round ${round}: read ${read} ms, parse ${parse} ms, rules ${rules} ms, baseline (only-new, nothing shared) ${baseline} ms; ${raw.length} findings\n`,
      );
    }
  } finally {
    rmSync(repo.dir, { recursive: true, force: true });
  }
}

if (argv.includes('--equal')) {
  if (!(await equal())) process.exitCode = 1;
} else phases();
