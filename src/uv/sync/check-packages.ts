/** The walk from the members through the lock: registries against the configured indexes, and the other source trees uv re-reads. */
import type { LockDependency, LockPackage } from '../model.js';
import { normalizeName } from '../names.js';
import { LockedCandidates, lockByName } from '../lock.js';
import { asString, asStringArray, own } from '../values.js';
import {
  bareUrl,
  canonicalPath,
  leavesRepository,
  normalizePath,
  readNamedIndexes,
  readSources,
  repoDir,
  toolUv,
  type LoweringProblem,
  type LoweringScope,
} from '../lowering.js';
import { checkSourceTree } from './check-members.js';
import { EXACT_INDEX_URL_REVISION, WORKSPACE, type SyncState } from './state.js';

// -------------------------------------------------------------------------------------------
// The walk from the members: registries against the configured indexes, other source trees

export function walkPackages(s: SyncState): void {
  const byName = lockByName(s.lock);
  const locked = new LockedCandidates(byName);
  const resolve = (dep: LockDependency): LockPackage | undefined => {
    const candidates = byName.get(dep.name) ?? [];
    if (candidates.length === 1) return candidates[0];
    return locked.matching(dep.name, dep.version, dep.source)[0];
  };

  const indexes = configuredIndexes(s);
  const queue: LockPackage[] = [];
  const seen = new Set<LockPackage>();
  for (const name of s.members.keys()) {
    const found = byName.get(name);
    if (found?.length === 1) {
      queue.push(found[0]!);
      seen.add(found[0]!);
    }
  }
  const reportedRegistries = new Set<string>();
  while (queue.length) {
    const pkg = queue.shift()!;
    if (pkg.source.kind === 'registry' && indexes) {
      const url = pkg.source.url;
      const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
      const known = isUrl ? indexes.remote.has(bareUrl(url)) : indexes.local.has(normalizePath(url));
      if (!known && !reportedRegistries.has(url)) {
        reportedRegistries.add(url);
        const slashTwin = isUrl && [...indexes.remote].some((other) => other.replace(/\/+$/, '') === bareUrl(url).replace(/\/+$/, ''));
        // uv-resolver `lock/mod.rs`, `Lock::satisfies`: the lock's registry URL must be one of
        // the configured ones exactly (`remotes.contains(url)`, else `MissingRemoteIndex`). Only
        // uv 0.7.16 to 0.7.19 stripped trailing slashes (#14245, reverted by #14511). For a lock
        // of revision 2 or later (uv 0.6.15 on) lockgate follows uv as it is since 0.7.20.
        if (slashTwin && s.lock.revision >= EXACT_INDEX_URL_REVISION) {
          s.mismatch(
            WORKSPACE,
            'package index',
            [...indexes.remote].find((other) => other.replace(/\/+$/, '') === bareUrl(url).replace(/\/+$/, '')) ?? '',
            `${pkg.name} ${pkg.version ?? ''} from ${url}`.replace('  ', ' '),
            s.lock.file,
            pkg.line,
            'the index URLs differ by a trailing slash, which uv (since 0.7.20) compares as written (uv: MissingRemoteIndex)',
          ).about = url;
        } else if (slashTwin) {
          s.undecidable(
            WORKSPACE,
            'package index',
            `uv.lock takes \`${pkg.name}\` from \`${url}\`, configured with a different trailing slash; whether uv treats them as one index depends on its version`,
            s.lock.file,
            pkg.line,
          ).about = url;
        } else {
          s.mismatch(
            WORKSPACE,
            'package index',
            [...indexes.remote, ...indexes.local].join(', ') || '(no index)',
            `${pkg.name} ${pkg.version ?? ''} from ${url}`.replace('  ', ' '),
            s.lock.file,
            pkg.line,
            'uv.lock takes a package from an index the configuration no longer lists (uv: MissingRemoteIndex); if CI adds it through UV_INDEX or --index, the committed configuration does not say so',
          ).about = url;
        }
      }
    }
    if (pkg.source.kind === 'registry' || pkg.source.kind === 'git') continue;
    if (indexes) for (const table of pkg.metadata?.requiresDist ?? []) if (table.index) indexes.remote.add(bareUrl(table.index));
    if (!s.members.has(pkg.name)) checkOtherPackage(s, pkg);
    const next = [...pkg.dependencies, ...Object.values(pkg.optionalDependencies).flat(), ...Object.values(pkg.devDependencies).flat()];
    for (const dep of next) {
      const target = resolve(dep);
      if (target && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
}

/** The allowed index URLs, or undefined when nothing configures an index (uv then skips the check). */
function configuredIndexes(s: SyncState): { remote: Set<string>; local: Set<string> } | undefined {
  const settings = s.settings.table;
  const indexTables = Array.isArray(own(settings, 'index')) ? (own(settings, 'index') as unknown[]) : [];
  const indexUrl = asString(own(settings, 'index-url'));
  const extra = own(settings, 'extra-index-url');
  const extras = typeof extra === 'string' ? [extra] : (asStringArray(extra) ?? []);
  const findLinks = own(settings, 'find-links');
  const links = typeof findLinks === 'string' ? [findLinks] : (asStringArray(findLinks) ?? []);
  const noIndex = own(settings, 'no-index') === true;
  if (indexTables.length === 0 && indexUrl === undefined && extras.length === 0 && links.length === 0 && !noIndex) return undefined;
  const remote = new Set<string>();
  const local = new Set<string>();
  const add = (url: string): void => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^file:/i.test(url)) remote.add(bareUrl(url));
    else local.add(normalizePath(url.replace(/^file:\/\//i, '')));
  };
  let hasDefault = indexUrl !== undefined;
  for (const entry of indexTables) {
    const url = asString(own(entry, 'url'));
    if (url !== undefined) add(url);
    if (own(entry, 'default') === true) hasDefault = true;
  }
  if (indexUrl !== undefined) add(indexUrl);
  for (const url of [...extras, ...links]) add(url);
  if (!hasDefault && !noIndex) remote.add('https://pypi.org/simple');
  return { remote, local };
}

/** A directory, editable, virtual or path package that is not a member: uv re-reads its metadata too. */
function checkOtherPackage(s: SyncState, pkg: LockPackage): void {
  const source = pkg.source;
  if (source.kind === 'url') return; // Pinned by URL and hash; uv fetches it only online.
  if (source.kind === 'path') {
    s.undecidable(
      pkg.name,
      'metadata',
      `uv reads the metadata of the archive \`${source.path}\` to check this package; lockgate does not open archives`,
      s.lock.file,
      pkg.line,
    );
    return;
  }
  if (source.kind !== 'directory' && source.kind !== 'editable' && source.kind !== 'virtual') return;
  const rel = canonicalPath(s.project.root, source.path);
  if (leavesRepository(s.project.root, rel)) {
    s.undecidable(
      pkg.name,
      'metadata',
      `uv re-reads \`${rel}\` (outside the repository) to check this package's metadata; lockgate cannot see it`,
      s.lock.file,
      pkg.line,
    );
    return;
  }
  const pyproject = s.workspace.pyprojectsByDir.get(repoDir(s.project.root, rel));
  if (!pyproject) {
    s.undecidable(
      pkg.name,
      'metadata',
      `uv reads \`${rel}\` to check this package's metadata; lockgate has no pyproject.toml there (a setup.py project, or not loaded)`,
      s.lock.file,
      pkg.line,
    );
    return;
  }
  if (!pyproject.hasProjectTable || !pyproject.name) {
    s.undecidable(
      pkg.name,
      'metadata',
      `\`${rel}/pyproject.toml\` has no [project] table; uv would build it to learn its metadata`,
      pyproject.file,
      pyproject.lines.get('project'),
    );
    return;
  }
  const name = normalizeName(pyproject.name);
  const problems: LoweringProblem[] = [];
  const scope: LoweringScope = {
    projectName: name,
    projectRelDir: rel,
    projectSources: readSources(pyproject, problems),
    projectIndexes: readNamedIndexes(toolUv(pyproject)),
  };
  for (const problem of problems) s.problem(pkg.name, '`[tool.uv.sources]`', problem);
  const ownWorkspace = s.ownWorkspaceOf(pyproject, name);
  if (ownWorkspace === 'unknown') {
    s.undecidable(
      pkg.name,
      'metadata',
      `uv lowers the requirements of \`${rel}\` in a workspace of its own, which lockgate does not model`,
      pyproject.file,
      pyproject.lines.get('project'),
    );
    return;
  }
  if (ownWorkspace) scope.ownWorkspace = ownWorkspace;
  checkSourceTree(s, pkg, pyproject, scope, pkg.name);
}
