import { defineRule, type DefinedRule } from '../define.js';
import { markIntroduced } from '../introduced.js';
import { reportWorkflowProblems } from '../workflows/workflow-problems.js';
import { reportUvLoadProblems } from './uv-load-problems.js';

/**
 * A file lockgate must read that cannot be read or parsed. The loaders return facts
 * (`ctx.uvLoadProblems` from src/uv/load.ts, `ctx.workflowProblems` from src/workflows/load.ts),
 * reported here through report(), uv files first. Findings a caller still puts in
 * `ctx.invalidFiles` are handed on as they are, after them.
 */
const reported = defineRule({
  meta: {
    id: 'invalid-file',
    defaultSeverity: 'error',
    summary: 'A file lockgate must read cannot be read or parsed.',
  },
  check(ctx, report) {
    reportUvLoadProblems(ctx.uvLoadProblems ?? [], report);
    reportWorkflowProblems(ctx.workflowProblems ?? [], report);
  },
});

export const rule: DefinedRule = {
  ...reported,
  check: (context) => {
    const head = reported.check(context);
    // With a base, a finding base had too (same file and kind: the fingerprint) is not introduced,
    // as the workflow rules' findings are marked (src/rules/introduced.ts), with or without only-new.
    const base = context.baseLoadProblems
      ? reported.check({ ...context, uvLoadProblems: context.baseLoadProblems.uv, workflowProblems: context.baseLoadProblems.workflows })
      : null;
    const found = base === null ? head : markIntroduced(head, base);
    return Array.isArray(context.invalidFiles) && context.invalidFiles.length > 0 ? [...found, ...context.invalidFiles] : found;
  },
};
