import type { Rule } from './types.js';
import { checkAgainstBase } from '../workflows/introduced.js';
import { checkRefVersionMismatch } from '../facts/github-checks.js';

export const rule: Rule = {
  id: 'ref-version-mismatch',
  defaultSeverity: 'warning',
  summary: 'A pinned SHA\'s version comment names a tag that points elsewhere.',
  online: true,
  check: (ctx) => checkAgainstBase(ctx, (workflows) => checkRefVersionMismatch(workflows, ctx.github ?? null, rule.defaultSeverity)),
};
