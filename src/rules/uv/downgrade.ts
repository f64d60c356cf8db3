import { shellWord } from '../../core/text.js';
import { packageRef } from './lock-diff-text.js';
import { defineRule } from '../define.js';

/** A locked package that the change moves to a lower version. */
export const rule = defineRule({
  meta: { id: 'downgrade', defaultSeverity: 'notice', summary: 'A locked package moved to a lower version.' },
  check(ctx, report) {
    for (const pair of ctx.projects) {
      for (const detail of pair.changeDetails ?? []) {
        if (detail.change.kind !== 'downgraded' || !detail.head || !detail.base) continue;
        report({
          file: pair.lockFile,
          line: detail.head.line,
          message: `${detail.head.name} goes down from ${detail.base.version ?? '?'} to ${detail.head.version ?? '?'}. A downgrade can bring back bugs and vulnerabilities fixed in between; make sure it is intended.`,
          fix: `If it is not intended, undo the change that lowered it (a tighter specifier, constraint or override) and run \`uv lock --upgrade-package ${shellWord(detail.head.name)}\`.`,
          package: packageRef(detail.head),
          introduced: true,
          subject: `${detail.head.name}:${detail.base.version ?? ''}->${detail.head.version ?? ''}`,
        });
      }
    }
  },
});
