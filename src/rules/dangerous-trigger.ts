import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'dangerous-trigger',
  defaultSeverity: 'error',
  summary: 'A workflow runs on pull_request_target or workflow_run.',
  check: () => [],
};
