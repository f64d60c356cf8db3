import { hashChangedFindings } from '../uv/diff-findings.js';
import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'hash-changed',
  defaultSeverity: 'error',
  summary: 'The same version from the same source is locked with different artifacts or hashes.',
  check: (context) => hashChangedFindings(context.projects),
};
