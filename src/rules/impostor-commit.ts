import type { Rule } from './types.js';
import { checkAgainstBase } from '../workflows/introduced.js';
import { checkImpostorCommits } from '../facts/github-checks.js';

export const rule: Rule = {
  id: 'impostor-commit',
  defaultSeverity: 'error',
  summary: 'A pinned SHA is not reachable from the action repository\'s branches or tags.',
  online: true,
  check: (ctx) => checkAgainstBase(ctx, (workflows) => checkImpostorCommits(workflows, ctx.github ?? null, rule.defaultSeverity)),
};
