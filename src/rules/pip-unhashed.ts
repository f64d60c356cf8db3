import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'pip-unhashed',
  defaultSeverity: 'warning',
  summary: 'A workflow installs packages without hashes or pinned versions.',
  check: () => [],
};
