import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'impostor-commit',
  defaultSeverity: 'error',
  summary: 'A pinned SHA is not reachable from the action repository\'s branches or tags.',
  check: () => [],
};
