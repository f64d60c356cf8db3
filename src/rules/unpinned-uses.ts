import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'unpinned-uses',
  defaultSeverity: 'error',
  summary: 'An action or reusable workflow is not pinned to a full commit SHA.',
  check: () => [],
};
