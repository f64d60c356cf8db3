import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'yanked',
  defaultSeverity: 'error',
  summary: 'A locked version is yanked on its index.',
  check: () => [],
};
