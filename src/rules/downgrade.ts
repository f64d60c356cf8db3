import { makeFinding, type Finding } from '../findings.js';
import type { ProjectPair } from '../uv/model.js';
import { packageRef, shellWord } from './lock-diff-text.js';
import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'downgrade',
  defaultSeverity: 'notice',
  summary: 'A locked package moved to a lower version.',
  check: (context) => downgradeFindings(context.projects),
};

function downgradeFindings(pairs: ProjectPair[]): Finding[] {
  const out: Finding[] = [];
  for (const pair of pairs) {
    for (const detail of (pair.changeDetails ?? [])) {
      if (detail.change.kind !== 'downgraded' || !detail.head || !detail.base) continue;
      out.push(
        makeFinding({
          rule: rule.id,
          severity: rule.defaultSeverity,
          file: pair.lockFile,
          line: detail.head.line,
          message: `${detail.head.name} goes down from ${detail.base.version ?? '?'} to ${detail.head.version ?? '?'}. A downgrade can bring back bugs and vulnerabilities fixed in between; make sure it is intended.`,
          fix: `If it is not intended, undo the change that lowered it (a tighter specifier, constraint or override) and run \`uv lock --upgrade-package ${shellWord(detail.head.name)}\`.`,
          package: packageRef(detail.head),
          introduced: true,
          subject: `${detail.head.name}:${detail.base.version ?? ''}->${detail.head.version ?? ''}`,
        }),
      );
    }
  }
  return out;
}
