import { checkSdistOnly } from '../../typosquat/sdist-only.js';
import type { Rule } from '../types.js';

export const rule: Rule = {
  id: 'sdist-only',
  defaultSeverity: 'warning',
  summary: 'A newly locked registry package has only an sdist: installing it runs its build code.',
  check: checkSdistOnly,
};
