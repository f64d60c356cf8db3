import { newIndexFindings } from '../uv/diff-findings.js';
import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'new-index',
  defaultSeverity: 'warning',
  summary: 'A new package index appears in pyproject.toml or uv.lock.',
  check: (context) => newIndexFindings(context.projects),
};
