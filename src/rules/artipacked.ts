import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'artipacked',
  defaultSeverity: 'warning',
  summary: 'actions/checkout persists the token in .git/config.',
  check: () => [],
};
