import { describeSource } from '../../uv/lock.js';
import { packageLabel, redactUrl } from '../../core/text.js';
import type { LockSource } from '../../uv/model.js';
import { defineRule } from '../define.js';
import { packageRef } from './lock-diff-text.js';

/** A git URL compared loosely: case-insensitive host, no trailing `.git` or `/`. */
function gitRepoKey(url: string): string {
  let out = url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '');
  out = out.replace(/^(git\+)?([a-z]+:\/\/)([^/]+)/i, (_m, _plus: string, scheme: string, host: string) => `${scheme.toLowerCase()}${host.toLowerCase()}`);
  return out;
}

/**
 * Whether a source move takes the package somewhere else. Moves onto a registry are what a project
 * normally does (a local checkout or fork given up for the release), and a git source moving to
 * another commit of the same repository is an update, not a new origin; everything else is.
 */
export function isSuspiciousSourceChange(from: LockSource, to: LockSource): boolean {
  if (to.kind === 'registry') return from.kind === 'registry' && from.url !== to.url;
  if (from.kind === 'git' && to.kind === 'git') {
    return gitRepoKey(from.url) !== gitRepoKey(to.url) || (from.subdirectory ?? '') !== (to.subdirectory ?? '');
  }
  if (from.kind === 'url' && to.kind === 'url') return from.url !== to.url || (from.subdirectory ?? '') !== (to.subdirectory ?? '');
  const local = (s: LockSource): s is Extract<LockSource, { path: string }> =>
    s.kind === 'path' || s.kind === 'directory' || s.kind === 'editable' || s.kind === 'virtual';
  // The same local path, only made editable (or not): not a new origin.
  if (local(from) && local(to)) return from.path !== to.path;
  return true;
}

/** A locked package that the change moves to another source (see isSuspiciousSourceChange). */
export const rule = defineRule({
  meta: { id: 'source-changed', defaultSeverity: 'error', summary: 'A locked package moved to another source (registry to git/url/path, or another index).' },
  check(ctx, report) {
    for (const pair of ctx.projects) {
      for (const detail of pair.changeDetails ?? []) {
        if (detail.change.kind !== 'source-changed' || !detail.base || !detail.head) continue;
        const from = detail.base.source;
        const to = detail.head.source;
        if (!isSuspiciousSourceChange(from, to)) continue;
        const fromText = redactUrl(describeSource(from));
        const toText = redactUrl(describeSource(to));
        const why =
          from.kind === 'registry' && to.kind === 'registry'
            ? 'Another index can serve different files under the same name and version (dependency confusion).'
            : from.kind === 'registry'
              ? 'The package no longer comes from its index: whoever controls the new source decides what gets installed, and the index release no longer vouches for it.'
              : 'Whoever controls the new source decides what gets installed.';
        report({
          file: pair.lockFile,
          line: detail.head.line,
          message: `${packageLabel(detail.head)} now comes from ${toText}, no longer from ${fromText}${detail.base.version && detail.base.version !== detail.head.version ? ` (${detail.base.version})` : ''}. ${why}`,
          fix:
            `If the move is not intended, remove the entry for ${detail.head.name} from [tool.uv.sources] (or the index setting that moved it) and run \`uv lock\`. ` +
            `If it is, review the new source, then record the decision in the lockgate config:\nignore:\n  - rule: source-changed\n    package: ${JSON.stringify(detail.head.name)}\n    reason: <why this source is trusted>\n    until: <YYYY-MM-DD>`,
          package: packageRef(detail.head),
          introduced: true,
          subject: `${detail.head.name}:${toText}`,
        });
      }
    }
  },
});
