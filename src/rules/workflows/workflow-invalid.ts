/**
 * A workflow (or composite action) that GitHub refuses to run: its schema checks, done by lockgate
 * on the parsed document (src/workflows/validity.ts). The division with invalid-file: a file that is
 * not YAML at all, or not a mapping, or over a limit, is invalid-file's (src/workflows/load.ts never
 * hands it to the rules); a file that parses but breaks GitHub's workflow schema is this rule's.
 */
import { validityProblems } from '../../workflows/validity.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'workflow-invalid',
    defaultSeverity: 'error',
    defaultConfidence: 'high',
    summary: 'A workflow or composite action that GitHub would refuse to run (its schema checks).',
    on: 'workflows',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      if (wf.kind === 'dependabot') continue;
      for (const problem of validityProblems(wf)) {
        report({
          file: problem.file,
          line: problem.line,
          column: problem.column,
          message:
            `GitHub would refuse this ${wf.kind === 'workflow' ? 'workflow' : 'action'}: ${problem.message} ` +
            `Until it is fixed, ${wf.kind === 'workflow' ? 'none of its jobs run (the checks it is meant to enforce are silently missing)' : 'every workflow that uses it fails'}.`,
          fix: 'Correct the file at this line; GitHub shows the same error on the Actions tab, and the workflow syntax reference lists the keys each place takes.',
          subject: problem.subject,
        });
      }
    }
  },
});
