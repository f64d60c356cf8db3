import { checkAgainstBase } from '../../workflows/introduced.js';
import { dangerousTriggerFindings } from '../../workflows/risks.js';
import type { Rule } from '../types.js';

export const rule: Rule = {
  id: 'dangerous-trigger',
  defaultSeverity: 'error',
  summary: 'A workflow runs on pull_request_target or workflow_run.',
  check: (ctx) => checkAgainstBase(ctx, (workflows) => workflows.flatMap((wf) => dangerousTriggerFindings(wf))),
};
