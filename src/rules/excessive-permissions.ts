import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'excessive-permissions',
  defaultSeverity: 'warning',
  summary: 'A workflow or job runs with broad or default token permissions.',
  check: () => [],
};
