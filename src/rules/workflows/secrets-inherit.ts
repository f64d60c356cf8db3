import { checkAgainstBase } from '../../workflows/introduced.js';
import { secretsInheritFindings } from '../../workflows/risks.js';
import type { Rule } from '../types.js';

export const rule: Rule = {
  id: 'secrets-inherit',
  defaultSeverity: 'warning',
  summary: 'A reusable workflow call passes every secret with `secrets: inherit`.',
  check: (ctx) => checkAgainstBase(ctx, (workflows) => workflows.flatMap((wf) => secretsInheritFindings(wf, workflows))),
};
