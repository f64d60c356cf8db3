import { displayUrl, normalizeName } from '../../core/text.js';
import {
  basePyproject,
  canonicalGitUrl,
  lockedEntries,
  pyprojectsOf,
  requirementSites,
  sourceSites,
  tomlKey,
  tomlValue,
  type SourceSite,
} from '../../uv/hardening.js';
import type { ProjectPair } from '../../uv/model.js';
import type { Table } from '../../uv/values.js';
import { defineRule, type Report } from '../define.js';

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** A `[tool.uv.sources]` git entry that names neither `rev` nor `tag` (a branch, or the default branch). */
function isUnpinnedGit(table: Table): boolean {
  return typeof table.git === 'string' && !nonEmpty(table.rev) && !nonEmpty(table.tag);
}

/** A PEP 508 `git+` URL without any `@ref` after the repository path. */
function isUnpinnedGitUrl(url: string): boolean {
  if (!/^git\+/i.test(url)) return false;
  try {
    return !new URL(url.replace(/^git\+/i, '').split('#')[0]!).pathname.includes('@');
  } catch {
    // Not a URL: uv cannot lock it either (uv lock fails on it), so there is no moving ref to pin.
    return false;
  }
}

function lockedCommit(pair: ProjectPair, name: string, gitUrl: string): string | null {
  const wanted = canonicalGitUrl(gitUrl);
  for (const pkg of lockedEntries(pair.head?.lock, name)) {
    if (pkg.source.kind === 'git' && canonicalGitUrl(pkg.source.url) === wanted && pkg.source.commit) return pkg.source.commit;
  }
  return null;
}

function pinnedTable(table: Table, commit: string | null): string {
  const pinned: Table = { git: table.git, rev: commit ?? '<full commit SHA>' };
  for (const [key, value] of Object.entries(table)) if (key !== 'git' && key !== 'branch' && key !== 'rev' && key !== 'tag') pinned[key] = value;
  return tomlValue(pinned);
}

function siteKey(site: SourceSite): string {
  return `${normalizeName(site.name)}\n${canonicalGitUrl(String(site.table.git))}`;
}

function checkPair(pair: ProjectPair, report: Report): void {
  for (const pyproject of pyprojectsOf(pair.head)) {
    const base = basePyproject(pair.base, pyproject.file);
    const atBase = new Set(
      base
        ? sourceSites(base)
            .filter((s) => isUnpinnedGit(s.table))
            .map(siteKey)
        : [],
    );
    for (const site of sourceSites(pyproject)) {
      if (!isUnpinnedGit(site.table)) continue;
      const git = String(site.table.git);
      const commit = lockedCommit(pair, site.name, git);
      const follows = nonEmpty(site.table.branch) ? `follows the branch ${JSON.stringify(site.table.branch)}` : "follows the repository's default branch";
      const today = commit ? ` Today only the lock pins it, to ${commit}.` : '';
      report({
        file: pyproject.file,
        line: site.line,
        message: `The git source of ${site.name} (${displayUrl(git)}) ${follows}, so the next \`uv lock --upgrade\` takes whatever commit the branch points at then, unreviewed.${today}`,
        fix: `Pin it to a commit (or a tag) in ${pyproject.file}:\n[tool.uv.sources]\n${tomlKey(site.name)} = ${pinnedTable(site.table, commit)}`,
        package: { name: normalizeName(site.name) },
        introduced: !atBase.has(siteKey(site)),
        subject: `sources:${siteKey(site)}`,
      });
    }
    // `name @ git+https://…` in a requirement list, without `@ref`.
    const baseUrls = new Set(base ? requirementSites(base, true).map((s) => s.requirement.url ?? '') : []);
    for (const site of requirementSites(pyproject, true)) {
      const url = site.requirement.url;
      if (url === undefined || !isUnpinnedGitUrl(url)) continue;
      const commit = lockedCommit(pair, site.requirement.name, url);
      const [path, fragment] = url.split('#') as [string, string | undefined];
      const pinned = `${site.requirement.name} @ ${path}@${commit ?? '<full commit SHA>'}${fragment !== undefined ? `#${fragment}` : ''}${site.requirement.markerText ? ` ; ${site.requirement.markerText}` : ''}`;
      report({
        file: pyproject.file,
        line: site.line,
        message: `${JSON.stringify(site.requirement.text)} in ${site.list} names no commit, tag or branch: the next \`uv lock --upgrade\` takes whatever the default branch points at then, unreviewed.`,
        fix: `Replace it with ${JSON.stringify(pinned)}`,
        package: { name: site.requirement.normalizedName },
        introduced: !baseUrls.has(url),
        subject: `requirement:${site.list}:${site.requirement.normalizedName}`,
      });
    }
  }
}

export const rule = defineRule({
  meta: { id: 'unpinned-git-source', defaultSeverity: 'warning', summary: 'A git source names no rev or tag.' },
  check(ctx, report) {
    for (const pair of ctx.projects) checkPair(pair, report);
  },
});
