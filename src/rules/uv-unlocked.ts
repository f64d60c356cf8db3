import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'uv-unlocked',
  defaultSeverity: 'warning',
  summary: 'A workflow runs uv without --locked or --frozen.',
  check: () => [],
};
