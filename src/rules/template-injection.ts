import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'template-injection',
  defaultSeverity: 'error',
  summary: 'A `${{ }}` expansion of attacker-controlled text lands in a script.',
  check: () => [],
};
