import type { Rule } from '../types.js';

/** The loaders turn unreadable and unparsable files into findings (src/uv/load.ts, src/workflows/load.ts); this rule hands them on. */
export const rule: Rule = {
  id: 'invalid-file',
  defaultSeverity: 'error',
  summary: 'A file lockgate must read cannot be read or parsed.',
  check: (context) => context.invalidFiles,
};
