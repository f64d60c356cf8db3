/**
 * The loader returns facts (`problems`); tests that assert on what users see read them as the
 * invalid-file rule reports them.
 */
import type { Finding } from '../../src/findings.js';
import type { RuleContext } from '../../src/rules/types.js';
import { rule as invalidFile } from '../../src/rules/uv/invalid-file.js';
import type { UvLoadProblem } from '../../src/uv/load.js';

/** The invalid-file findings of a load's problems, as the rule reports them. */
export function uvLoadFindings(loaded: { problems: readonly UvLoadProblem[] }): Finding[] {
  return invalidFile.check({ uvLoadProblems: [...loaded.problems], invalidFiles: [] } as unknown as RuleContext);
}

/** The load, with its problems as findings in `invalid` (what the loader used to return). */
export function withInvalidFindings<T extends { problems: readonly UvLoadProblem[] }>(loaded: T): T & { invalid: Finding[] } {
  return { ...loaded, invalid: uvLoadFindings(loaded) };
}
