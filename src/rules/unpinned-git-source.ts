import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'unpinned-git-source',
  defaultSeverity: 'warning',
  summary: 'A git source names no rev or tag.',
  check: () => [],
};
