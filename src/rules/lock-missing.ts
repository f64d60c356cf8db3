import { lockMissingFindings } from '../uv/diff-findings.js';
import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'lock-missing',
  defaultSeverity: 'error',
  summary: 'A change deletes the uv.lock of a uv project that has dependencies.',
  check: (context) => lockMissingFindings(context.projects),
};
