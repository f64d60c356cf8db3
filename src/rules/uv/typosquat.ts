import { checkTyposquat } from '../../typosquat/check.js';
import type { Rule } from '../types.js';

export const rule: Rule = {
  id: 'typosquat',
  defaultSeverity: 'warning',
  summary: 'A newly locked package name imitates a popular package, or a locked package was removed from the index.',
  check: checkTyposquat,
};
