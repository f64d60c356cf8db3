import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'exclude-newer-missing',
  defaultSeverity: 'warning',
  summary: 'The uv project sets no exclude-newer cooldown.',
  check: () => [],
};
