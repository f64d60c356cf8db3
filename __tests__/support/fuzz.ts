/**
 * fast-check wiring shared by the fuzz suites: one seed per process (FUZZ_SEED to replay), a scale
 * factor (FUZZ_SCALE=10 for a long local run), a count of the cases actually run, and a failure
 * message that starts with the exact command to replay the failing case.
 */
import fc from 'fast-check';

export const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
const SCALE = process.env.FUZZ_SCALE !== undefined ? Math.max(0.01, Number(process.env.FUZZ_SCALE)) : 1;

let casesRun = 0;

export function fuzzCasesRun(): number {
  return casesRun;
}

/** Runs `property` `runs` times (times FUZZ_SCALE); throws with the seed, the path and a replay command on failure. */
export function assertFuzz<T>(property: fc.IProperty<T>, runs: number, testFile: string): void {
  const numRuns = Math.max(1, Math.round(runs * SCALE));
  const details = fc.check(property, { numRuns, seed: SEED });
  casesRun += details.numRuns;
  if (details.failed) {
    const replay = `FUZZ_SEED=${details.seed} NODE_OPTIONS=--experimental-vm-modules npx jest ${testFile} (fast-check path ${JSON.stringify(details.counterexamplePath)})`;
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`Fuzz failure. Replay: ${replay}\n${fc.defaultReportMessage(details) ?? ''}\nError: ${cause.slice(0, 2000)}`);
  }
}
