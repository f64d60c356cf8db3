import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'cooldown-unverified',
  defaultSeverity: 'warning',
  summary: 'The upload time of a newly locked version could not be established.',
  check: () => [],
};
