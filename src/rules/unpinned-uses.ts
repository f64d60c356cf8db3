import type { Rule } from './types.js';
import { checkAgainstBase } from '../workflows/introduced.js';
import { checkUnpinnedUses } from '../facts/github-checks.js';

export const rule: Rule = {
  id: 'unpinned-uses',
  defaultSeverity: 'error',
  summary: 'An action or reusable workflow is not pinned to a full commit SHA.',
  check: (ctx) => checkAgainstBase(ctx, (workflows) => checkUnpinnedUses(workflows, ctx.settings, ctx.github ?? null, rule.defaultSeverity)),
};
