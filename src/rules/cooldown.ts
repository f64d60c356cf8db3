import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'cooldown',
  defaultSeverity: 'error',
  summary: 'A newly locked version is younger than the cooldown, or breaks the lock\'s own exclude-newer.',
  check: () => [],
};
