import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'ref-version-mismatch',
  defaultSeverity: 'warning',
  summary: 'A pinned SHA\'s version comment names a tag that points elsewhere.',
  check: () => [],
};
