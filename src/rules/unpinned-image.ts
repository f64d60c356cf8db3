import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'unpinned-image',
  defaultSeverity: 'error',
  summary: 'A container image is not pinned by digest.',
  check: () => [],
};
