import type { Rule } from './types.js';
import { checkAgainstBase } from '../workflows/introduced.js';
import { checkUnpinnedImages } from '../workflows/pinning.js';

export const rule: Rule = {
  id: 'unpinned-image',
  defaultSeverity: 'error',
  summary: 'A container image is not pinned by digest.',
  check: (ctx) => checkAgainstBase(ctx, (workflows) => checkUnpinnedImages(workflows, rule.defaultSeverity)),
};
