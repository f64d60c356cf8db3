import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'unsafe-index-strategy',
  defaultSeverity: 'error',
  summary: 'index-strategy lets a package come from any index (dependency confusion).',
  check: () => [],
};
