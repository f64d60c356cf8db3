import { sourceChangedFindings } from '../uv/diff-findings.js';
import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'source-changed',
  defaultSeverity: 'error',
  summary: 'A locked package moved to another source (registry to git/url/path, or another index).',
  check: (context) => sourceChangedFindings(context.projects),
};
