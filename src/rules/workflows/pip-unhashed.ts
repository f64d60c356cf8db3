import type { Rule } from '../types.js';
import { checkAgainstBase } from '../../workflows/introduced.js';
import { checkPipUnhashed } from '../../workflows/run-steps.js';

export const rule: Rule = {
  id: 'pip-unhashed',
  defaultSeverity: 'warning',
  summary: 'A workflow installs packages without hashes or pinned versions.',
  check: (ctx) => checkAgainstBase(ctx, (workflows) => checkPipUnhashed(workflows, rule.defaultSeverity)),
};
