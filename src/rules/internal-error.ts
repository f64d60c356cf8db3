/**
 * `internal-error`: a rule threw. Its result for the file it was checking is unknown, so the gate
 * fails closed: the finding is an error, always counted as introduced, and names the rule and the
 * file. The framework (rules/run.ts) catches what a rule throws; rules that check one project at a
 * time use `perProject` so one bad project does not cost the others their findings.
 */
import { makeFinding, type Finding } from '../findings.js';
import type { ProjectPair } from '../uv/model.js';
import { defineRule, type DefinedRule, type RuleMeta } from './define.js';

const meta = {
  id: 'internal-error',
  defaultSeverity: 'error',
  summary: 'A rule failed with an unexpected error; what it would have reported is unknown.',
} as const satisfies RuleMeta;

export const INTERNAL_ERROR_ID = meta.id;

export const rule = defineRule({
  meta,
  // Nothing to check: the findings come from the framework when another rule throws.
  check() {},
});

/**
 * One line of what was thrown, at most 300 characters: the message only, without the stack or the
 * JavaScript error name (reports never show either; `LOCKGATE_DEBUG` is for stacks).
 */
export function describeThrown(error: unknown): string {
  let text: string;
  if (error instanceof Error) text = error.message === '' ? 'an error without a message' : error.message;
  else {
    try {
      text = String(error);
    } catch {
      // An object whose toString throws: there is nothing more to say about it than this.
      text = 'a value that cannot be printed';
    }
  }
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** The finding for a rule that threw while checking `file` ('.' when it was the whole change). */
export function internalErrorFinding(ruleId: string, file: string, error: unknown): Finding {
  const what = file === '.' ? `the ${ruleId} check` : `the ${ruleId} check of ${file}`;
  return makeFinding({
    rule: meta.id,
    severity: meta.defaultSeverity,
    file,
    message:
      `lockgate could not complete ${what}: the rule failed (${describeThrown(error)}). ` +
      `What ${ruleId} would have reported ${file === '.' ? 'for this change' : 'for this file'} is unknown, so the gate fails closed.`,
    fix:
      'This is a bug in lockgate, not in your repository: please report it to the lockgate project with this message. ' +
      `To unblock a change meanwhile, a config ignore for rule ${INTERNAL_ERROR_ID} on this path, with a reason and an expiry, waives it.`,
    // Never "already at base": an unknown result cannot be known to be old (only-new keeps it).
    introduced: true,
    subject: ruleId,
  });
}

/** The file a project's findings point at: its lock, else its folder's uv.lock, else the repository. */
export function projectFile(pair: ProjectPair | null | undefined): string {
  if (typeof pair?.lockFile === 'string' && pair.lockFile !== '') return pair.lockFile;
  const lockFile = pair?.head?.lock?.file ?? pair?.base?.lock?.file;
  if (typeof lockFile === 'string' && lockFile !== '') return lockFile;
  if (typeof pair?.path === 'string') return pair.path === '' ? 'uv.lock' : `${pair.path}/uv.lock`;
  return '.';
}

/**
 * Runs `check` on each project. A project on which it throws gets an `internal-error` finding naming
 * the rule and the project's lock, and the other projects keep their findings.
 */
function perProject(ruleId: string, pairs: unknown, check: (pair: ProjectPair) => Finding[]): Finding[] {
  const findings: Finding[] = [];
  for (const pair of Array.isArray(pairs) ? (pairs as ProjectPair[]) : []) {
    try {
      findings.push(...check(pair));
    } catch (error) {
      findings.push(internalErrorFinding(ruleId, projectFile(pair), error));
    }
  }
  return findings;
}

/**
 * A rule built with defineRule whose check runs on each project alone (through perProject), so that
 * a project it fails on costs only that project's findings.
 */
export function checkedPerProject(defined: DefinedRule): DefinedRule {
  return { ...defined, check: (context) => perProject(defined.id, context.projects, (pair) => defined.check({ ...context, projects: [pair] })) };
}
