import { downgradeFindings } from '../uv/diff-findings.js';
import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'downgrade',
  defaultSeverity: 'notice',
  summary: 'A locked package moved to a lower version.',
  check: (context) => downgradeFindings(context.projects),
};
