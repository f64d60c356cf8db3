import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'url-source-unhashed',
  defaultSeverity: 'warning',
  summary: 'A direct URL artifact has no hash.',
  check: () => [],
};
