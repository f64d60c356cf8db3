import { describeSource } from '../../uv/lock.js';
import { packageLabel, redactUrl, shellWord } from '../../core/text.js';
import type { ProjectPair } from '../../uv/model.js';
import { packageRef } from './lock-diff-text.js';
import { defineRule, type Report } from '../define.js';

export const rule = defineRule({
  meta: { id: 'hash-changed', defaultSeverity: 'error', summary: 'The same version from the same source is locked with different artifacts or hashes.' },
  check: (ctx, report) => checkHashChanged(ctx.projects, report),
});

function shortHash(hash: string | undefined): string {
  if (!hash) return '(none)';
  const colon = hash.indexOf(':');
  const digest = colon === -1 ? hash : hash.slice(colon + 1);
  return `${colon === -1 ? '' : hash.slice(0, colon + 1)}${digest.slice(0, 16)}${digest.length > 16 ? '…' : ''}`;
}

function checkHashChanged(pairs: readonly ProjectPair[], report: Report): void {
  for (const pair of pairs) {
    for (const detail of pair.changeDetails ?? []) {
      if (detail.change.kind !== 'hash-changed' || !detail.head || !detail.changedArtifacts?.length) continue;
      const [first, ...rest] = detail.changedArtifacts;
      const filename = first!.head.filename ?? first!.head.url ?? first!.head.kind;
      const more =
        rest.length > 0
          ? ` (and ${rest.length} more of its files: ${rest
              .slice(0, 3)
              .map((c) => c.head.filename ?? c.head.kind)
              .join(', ')}${rest.length > 3 ? ', …' : ''})`
          : '';
      const source = redactUrl(describeSource(detail.head.source));
      report({
        file: pair.lockFile,
        line: first!.head.line ?? detail.head.line,
        message:
          `${packageLabel(detail.head)} from ${source} is locked with other bytes for ${filename}: ${shortHash(first!.base.hash)} became ${shortHash(first!.head.hash)}${more}. ` +
          `A published file never changes, so this is a hand-edited lock, a re-uploaded file or a tampered index.`,
        fix:
          `Do not merge until you know why. Restore the previous lock entry (\`git checkout <base> -- ${shellWord(pair.lockFile)}\`) and run \`uv lock\`; ` +
          `if uv writes the new hash again, the index now serves different bytes: ask its owner before trusting them.`,
        package: packageRef(detail.head),
        introduced: true,
        subject: `${detail.head.name}@${detail.head.version ?? ''}:${filename}`,
      });
    }
  }
}
