import { checkAgainstBase } from '../../workflows/introduced.js';
import { excessivePermissionsFindings } from '../../workflows/risks.js';
import type { Rule } from '../types.js';

export const rule: Rule = {
  id: 'excessive-permissions',
  defaultSeverity: 'warning',
  summary: 'A workflow or job runs with broad or default token permissions.',
  check: (ctx) => checkAgainstBase(ctx, (workflows) => workflows.flatMap((wf) => excessivePermissionsFindings(wf))),
};
