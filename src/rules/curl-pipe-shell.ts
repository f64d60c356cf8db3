import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'curl-pipe-shell',
  defaultSeverity: 'warning',
  summary: 'A workflow pipes a download into a shell or interpreter.',
  check: () => [],
};
