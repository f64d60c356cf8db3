import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'add-bounds-not-exact',
  defaultSeverity: 'notice',
  summary: '`uv add` is not configured to write exact `==` pins.',
  check: () => [],
};
