import { checkAgainstBase } from '../../workflows/introduced.js';
import { artipackedFindings } from '../../workflows/risks.js';
import type { Rule } from '../types.js';

export const rule: Rule = {
  id: 'artipacked',
  defaultSeverity: 'warning',
  summary: 'actions/checkout persists the token in .git/config.',
  check: (ctx) => checkAgainstBase(ctx, (workflows) => workflows.flatMap((wf) => artipackedFindings(wf))),
};
