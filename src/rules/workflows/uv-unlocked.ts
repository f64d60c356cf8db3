import type { Rule } from '../types.js';
import { checkAgainstBase } from '../../workflows/introduced.js';
import { checkUvUnlocked } from '../../workflows/run-steps.js';

export const rule: Rule = {
  id: 'uv-unlocked',
  defaultSeverity: 'warning',
  summary: 'A workflow runs uv without --locked or --frozen.',
  check: (ctx) => checkAgainstBase(ctx, (workflows) => checkUvUnlocked(workflows, rule.defaultSeverity)),
};
