/**
 * The workflow half of the invalid-file rule (src/rules/uv/invalid-file.ts): each workflow, action
 * or dependabot file the loader could not use (src/workflows/load.ts) is reported at the line at
 * fault, with the limit to raise when a limit refused it.
 */
import { raiseLimitFix } from '../../settings/limits.js';
import type { WorkflowProblem } from '../../workflows/load.js';
import { MAX_WORKFLOW_BYTES } from '../../workflows/parse.js';
import type { Report } from '../define.js';

const TOO_LARGE_FOR_ANY_LIMIT = `Workflow YAML over ${MAX_WORKFLOW_BYTES} bytes is never parsed, whatever the limits say: split the file (reusable workflows, composite actions).`;

export function reportWorkflowProblems(problems: readonly WorkflowProblem[], report: Report): void {
  for (const problem of problems) {
    const { file, fileKind, limit } = problem;
    if (problem.kind === 'unreadable') {
      report({
        file,
        line: 1,
        message: `This ${fileKind} file could not be read (${problem.message}), so it was not checked.`,
        fix: !limit ? undefined : limit.needed > MAX_WORKFLOW_BYTES ? TOO_LARGE_FOR_ANY_LIMIT : raiseLimitFix(limit.name, limit.needed),
        subject: limit ? 'yaml:too-large' : 'unreadable',
      });
      continue;
    }
    report({
      file,
      line: problem.line,
      column: problem.column,
      message: `${/[.!?]$/.test(problem.message) ? problem.message : `${problem.message}.`} Lockgate did not check this ${fileKind} file.`,
      fix: limit
        ? raiseLimitFix(limit.name, limit.needed)
        : problem.kind === 'too-large'
          ? TOO_LARGE_FOR_ANY_LIMIT
          : problem.kind === 'syntax'
            ? 'Fix the YAML at this line (GitHub rejects the file too).'
            : undefined,
      subject: `yaml:${problem.kind}`,
    });
  }
}
