import { defineRule, type DefinedRule } from '../define.js';
import { reportWorkflowProblems } from '../workflows/workflow-problems.js';

/**
 * A file lockgate must read that cannot be read or parsed. The workflow loader returns facts
 * (`ctx.workflowProblems`), reported here through report(); the uv loader (src/uv/load.ts) still
 * builds its findings itself, and they are handed on as they are, first.
 */
const reported = defineRule({
  meta: {
    id: 'invalid-file',
    defaultSeverity: 'error',
    summary: 'A file lockgate must read cannot be read or parsed.',
  },
  check(ctx, report) {
    reportWorkflowProblems(ctx.workflowProblems ?? [], report);
  },
});

export const rule: DefinedRule = {
  ...reported,
  check: (context) => {
    const workflows = reported.check(context);
    // Without workflow problems the uv loader's findings are handed on as the same array.
    return workflows.length === 0 ? context.invalidFiles : [...context.invalidFiles, ...workflows];
  },
};
