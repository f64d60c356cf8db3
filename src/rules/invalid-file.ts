import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'invalid-file',
  defaultSeverity: 'error',
  summary: 'A file lockgate must read cannot be read or parsed.',
  check: () => [],
};
