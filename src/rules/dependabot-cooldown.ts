import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'dependabot-cooldown',
  defaultSeverity: 'warning',
  summary: 'A Dependabot ecosystem updates without a cooldown.',
  check: () => [],
};
