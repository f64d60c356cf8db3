import { lockOutOfSyncFindings } from '../uv/sync-findings.js';
import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'lock-out-of-sync',
  defaultSeverity: 'error',
  summary: 'uv.lock does not match pyproject.toml: `uv sync --locked` would fail.',
  check: (context) => lockOutOfSyncFindings(context.projects),
};
