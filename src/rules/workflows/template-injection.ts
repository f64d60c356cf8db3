import { checkAgainstBase } from '../../workflows/introduced.js';
import { templateInjectionFindings } from '../../workflows/injection.js';
import type { Rule } from '../types.js';

export const rule: Rule = {
  id: 'template-injection',
  defaultSeverity: 'error',
  summary: 'A `${{ }}` expansion of attacker-controlled text lands in a script.',
  check: (ctx) => checkAgainstBase(ctx, (workflows) => workflows.flatMap((wf) => templateInjectionFindings(wf))),
};
