import { displayUrl, packageLabel, shellWord } from '../../core/text.js';
import { artifactFilename } from '../../facts/index-facts.js';
import { ghostEntries, type GhostEntry } from '../../facts/index-checks.js';
import type { LockArtifact, ProjectPair } from '../../uv/model.js';
import { defineRule, type ReportInput } from '../define.js';

function fileList(artifacts: LockArtifact[]): string {
  const shown = artifacts.slice(0, 3).map((artifact) => artifactFilename(artifact) ?? '?');
  return artifacts.length > 3 ? `${shown.join(', ')} and ${artifacts.length - 3} more` : shown.join(', ');
}

function findingOf(pair: ProjectPair, ghost: GhostEntry): ReportInput {
  const pkg = ghost.entry.package;
  const registry = pkg.source.kind === 'registry' ? displayUrl(pkg.source.url) : 'its index';
  const after =
    ' Files deleted from an index usually stay downloadable from its file host, so uv keeps installing what the lock names; a removal is often a malware takedown.';
  const status = 'projectStatus' in ghost && ghost.projectStatus ? ` The project is marked "${ghost.projectStatus}".` : '';
  let message: string;
  let line = pkg.line;
  const subject = `${pkg.name}@${pkg.version ?? ''}`;
  switch (ghost.kind) {
    case 'missing-project':
      message = `${packageLabel(pkg)} is locked, but ${registry} no longer has the project ${pkg.name} (removed, renamed or quarantined).${after}`;
      break;
    case 'missing-version':
      message = `${packageLabel(pkg)} is locked, but ${registry} no longer lists version ${pkg.version ?? ''} of ${pkg.name}.${status}${after}`;
      break;
    case 'missing-files': {
      const parts: string[] = [];
      if (ghost.missing.length > 0) parts.push(`${ghost.missing.length} of its ${ghost.total} locked files are no longer listed (${fileList(ghost.missing)})`);
      if (ghost.hashDiffers.length > 0) {
        parts.push(
          `${ghost.hashDiffers.length} ${ghost.hashDiffers.length === 1 ? 'is' : 'are'} listed with another sha256 than the lock pins (${fileList(ghost.hashDiffers.map((h) => h.artifact))})`,
        );
      }
      message = `${packageLabel(pkg)} on ${registry}: ${parts.join('; ')}.${status}${after}`;
      line = (ghost.missing[0] ?? ghost.hashDiffers[0]?.artifact)?.line ?? pkg.line;
      break;
    }
  }
  return {
    file: pair.lockFile,
    line,
    message,
    fix: `Find out why it was removed before installing it again; then re-resolve: uv lock --upgrade-package ${shellWord(pkg.name)}, or drop the dependency: uv remove ${shellWord(pkg.name)}.`,
    package: pkg.version ? { name: pkg.name, version: pkg.version } : { name: pkg.name },
    introduced: true,
    subject,
  };
}

export const rule = defineRule({
  meta: { id: 'ghost-file', defaultSeverity: 'error', summary: 'A locked file is no longer listed by its index.', online: true },
  check(ctx, report) {
    for (const pair of ctx.projects) for (const ghost of ghostEntries(pair, ctx.index)) report(findingOf(pair, ghost));
  },
});
