import { lockMissingFindings } from '../uv/diff-findings.js';
import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'lock-missing',
  defaultSeverity: 'error',
  summary: 'A uv project with dependencies has no uv.lock.',
  check: (context) => lockMissingFindings(context.projects),
};
