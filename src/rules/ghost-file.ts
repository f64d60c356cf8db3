import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'ghost-file',
  defaultSeverity: 'error',
  summary: 'A locked file is no longer listed by its index.',
  check: () => [],
};
