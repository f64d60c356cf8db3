import type { Rule } from '../types.js';
import { checkAgainstBase } from '../../workflows/introduced.js';
import { checkCurlPipeShell } from '../../workflows/run-steps.js';

export const rule: Rule = {
  id: 'curl-pipe-shell',
  defaultSeverity: 'warning',
  summary: 'A workflow pipes a download into a shell or interpreter.',
  check: (ctx) => checkAgainstBase(ctx, (workflows) => checkCurlPipeShell(workflows, rule.defaultSeverity)),
};
