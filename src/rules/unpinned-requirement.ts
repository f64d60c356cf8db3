import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'unpinned-requirement',
  defaultSeverity: 'notice',
  summary: 'A direct dependency is not pinned with `==`.',
  check: () => [],
};
