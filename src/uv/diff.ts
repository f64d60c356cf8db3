/**
 * The lock diff, base -> head, per project. Entries are matched per package name in three passes,
 * so forked resolutions (one name locked at several versions) produce no noise:
 *   1. same version and same source: unchanged, or `hash-changed` when a file both sides lock
 *      (same filename) has another hash of the same algorithm;
 *   2. same source, other version: `upgraded` / `downgraded` (PEP 440), pairing the leftover
 *      versions of each side from the highest down, so {1.0, 2.0} -> {1.0, 2.1} is one upgrade;
 *   3. another source: `source-changed`, again pairing from the highest version down;
 * whatever is left is `added` or `removed`. The project's own workspace members (editable or
 * virtual entries named as members) are not packages from anywhere, so they take no part.
 */
import type { ChangeDetail, ChangeKind, IntroducedPackage, LockArtifact, LockPackage, PackageChange, ProjectPair, UvProject } from './model.js';
import { describeSource, lockByName, sourceKey } from './lock.js';
import { normalizeName } from './names.js';
import { compareVersions } from './version.js';

export interface DiffResult {
  changes: PackageChange[];
  details: ChangeDetail[];
  introduced: IntroducedPackage[];
}

/**
 * Pair the projects of base and head by root path and diff their locks. `base` null means a full
 * audit: no changes, and every head entry counts as introduced with all its files.
 */
export function pairProjects(base: UvProject[] | null, head: UvProject[]): ProjectPair[] {
  const baseByRoot = new Map<string, UvProject>();
  for (const project of base ?? []) baseByRoot.set(project.root, project);
  const headByRoot = new Map<string, UvProject>();
  for (const project of head) headByRoot.set(project.root, project);
  const roots = [...new Set([...baseByRoot.keys(), ...headByRoot.keys()])].sort();

  return roots.map((root) => {
    const baseProject = baseByRoot.get(root) ?? null;
    const headProject = headByRoot.get(root) ?? null;
    const diff = base === null ? fullAudit(headProject) : diffProjects(baseProject, headProject);
    const pair: ProjectPair = {
      path: root,
      lockFile: (headProject ?? baseProject)!.lockFile,
      base: baseProject,
      head: headProject,
      changes: diff.changes,
      introduced: diff.introduced,
      changeDetails: diff.details,
    };
    return pair;
  });
}

/** Names of the project's own workspace packages (root, members, the lock's manifest members). */
export function workspaceMemberNames(project: UvProject | null): Set<string> {
  const names = new Set<string>();
  if (!project) return names;
  if (project.rootPyproject.name) names.add(normalizeName(project.rootPyproject.name));
  for (const member of project.members) if (member.name) names.add(normalizeName(member.name));
  for (const name of project.lock?.manifest.members ?? []) names.add(name);
  return names;
}

function isWorkspaceEntry(pkg: LockPackage, members: Set<string>): boolean {
  return (pkg.source.kind === 'editable' || pkg.source.kind === 'virtual') && members.has(pkg.name);
}

/** Lock entries that are packages from somewhere (not the project's own members), grouped by name. */
function entriesByName(project: UvProject | null, members: Set<string>): Map<string, LockPackage[]> {
  const out = new Map<string, LockPackage[]>();
  if (!project?.lock) return out;
  for (const [name, list] of lockByName(project.lock)) {
    const entries = list.filter((pkg) => !isWorkspaceEntry(pkg, members));
    if (entries.length > 0) out.set(name, entries);
  }
  return out;
}

function allArtifacts(pkg: LockPackage): LockArtifact[] {
  return pkg.sdist ? [pkg.sdist, ...pkg.wheels] : [...pkg.wheels];
}

function fullAudit(head: UvProject | null): DiffResult {
  const members = workspaceMemberNames(head);
  const introduced: IntroducedPackage[] = [];
  for (const pkg of head?.lock?.packages ?? []) {
    if (!isWorkspaceEntry(pkg, members)) introduced.push({ package: pkg, newArtifacts: allArtifacts(pkg) });
  }
  return { changes: [], details: [], introduced };
}

export function diffProjects(base: UvProject | null, head: UvProject | null): DiffResult {
  const members = workspaceMemberNames(head);
  for (const name of workspaceMemberNames(base)) members.add(name);
  const baseEntries = entriesByName(base, members);
  const headEntries = entriesByName(head, members);
  const names = [...new Set([...baseEntries.keys(), ...headEntries.keys()])].sort();

  const details: ChangeDetail[] = [];
  const introduced: IntroducedPackage[] = [];
  for (const name of names) diffName(baseEntries.get(name) ?? [], headEntries.get(name) ?? [], details, introduced);
  return { changes: details.map((detail) => detail.change), details, introduced };
}

/** Descending PEP 440 order; versionless entries (dynamic source trees) last. */
function byVersionDescending(a: LockPackage, b: LockPackage): number {
  if (a.version === undefined || b.version === undefined) return (a.version === undefined ? 1 : 0) - (b.version === undefined ? 1 : 0);
  return compareVersions(b.version, a.version);
}

function diffName(baseList: LockPackage[], headList: LockPackage[], details: ChangeDetail[], introduced: IntroducedPackage[]): void {
  let baseLeft = baseList;
  let headLeft = headList;

  // Pass 1: same version and source.
  if (baseLeft.length > 0 && headLeft.length > 0) {
    const baseByIdentity = new Map<string, LockPackage>();
    for (const pkg of baseLeft) baseByIdentity.set(identity(pkg), pkg);
    const unmatchedHead: LockPackage[] = [];
    const matchedBase = new Set<LockPackage>();
    for (const pkg of headLeft) {
      const previous = baseByIdentity.get(identity(pkg));
      if (previous && !matchedBase.has(previous)) {
        matchedBase.add(previous);
        sameRelease(previous, pkg, details, introduced);
      } else unmatchedHead.push(pkg);
    }
    baseLeft = baseLeft.filter((pkg) => !matchedBase.has(pkg));
    headLeft = unmatchedHead;
  }

  // Pass 2: same source, another version.
  if (baseLeft.length > 0 && headLeft.length > 0) {
    const headBySource = new Map<string, LockPackage[]>();
    for (const pkg of headLeft) {
      const key = sourceKey(pkg.source);
      const list = headBySource.get(key);
      if (list) list.push(pkg);
      else headBySource.set(key, [pkg]);
    }
    const matched = new Set<LockPackage>();
    const baseBySource = new Map<string, LockPackage[]>();
    for (const pkg of baseLeft) {
      const key = sourceKey(pkg.source);
      const list = baseBySource.get(key);
      if (list) list.push(pkg);
      else baseBySource.set(key, [pkg]);
    }
    for (const [key, bases] of baseBySource) {
      const heads = headBySource.get(key);
      if (!heads) continue;
      bases.sort(byVersionDescending);
      heads.sort(byVersionDescending);
      const count = Math.min(bases.length, heads.length);
      for (let i = 0; i < count; i++) {
        const from = bases[i]!;
        const to = heads[i]!;
        matched.add(from).add(to);
        const order = from.version !== undefined && to.version !== undefined ? compareVersions(from.version, to.version) : 0;
        if (order === 0) {
          // Equal by PEP 440 (`1.0` vs `1.0.0`) or both versionless: the same release.
          sameRelease(from, to, details, introduced);
          continue;
        }
        const kind: ChangeKind = order < 0 ? 'upgraded' : 'downgraded';
        details.push({ change: { name: to.name, kind, from: from.version, to: to.version }, base: from, head: to });
        introduced.push({ package: to, previous: from, newArtifacts: allArtifacts(to) });
      }
    }
    baseLeft = baseLeft.filter((pkg) => !matched.has(pkg));
    headLeft = headLeft.filter((pkg) => !matched.has(pkg));
  }

  // Pass 3: another source.
  if (baseLeft.length > 0 && headLeft.length > 0) {
    const bases = [...baseLeft].sort(byVersionDescending);
    const heads = [...headLeft].sort(byVersionDescending);
    const count = Math.min(bases.length, heads.length);
    for (let i = 0; i < count; i++) {
      const from = bases[i]!;
      const to = heads[i]!;
      const change: PackageChange = {
        name: to.name,
        kind: 'source-changed',
        from: from.version,
        to: to.version,
        fromSource: describeSource(from.source),
        toSource: describeSource(to.source),
      };
      details.push({ change: dropUndefined(change), base: from, head: to });
      introduced.push({ package: to, previous: from, newArtifacts: allArtifacts(to) });
    }
    baseLeft = bases.slice(count);
    headLeft = heads.slice(count);
  }

  for (const pkg of baseLeft) {
    details.push({ change: dropUndefined({ name: pkg.name, kind: 'removed', from: pkg.version, fromSource: describeSource(pkg.source) }), base: pkg });
  }
  for (const pkg of headLeft) {
    details.push({ change: dropUndefined({ name: pkg.name, kind: 'added', to: pkg.version, toSource: describeSource(pkg.source) }), head: pkg });
    introduced.push({ package: pkg, newArtifacts: allArtifacts(pkg) });
  }
}

function identity(pkg: LockPackage): string {
  return `${pkg.version ?? ''}\0${sourceKey(pkg.source)}`;
}

/** Where a file is: its filename, else its location, else (a hash-only sdist of a url/path source) its kind. */
export function artifactKey(artifact: LockArtifact): string {
  return `${artifact.kind}\0${artifact.filename ?? artifact.url ?? artifact.path ?? ''}`;
}

function hashAlgorithm(hash: string): string {
  const colon = hash.indexOf(':');
  return colon === -1 ? '' : hash.slice(0, colon).toLowerCase();
}

/** Same name, version and source at both sides: compare the files. */
function sameRelease(base: LockPackage, head: LockPackage, details: ChangeDetail[], introduced: IntroducedPackage[]): void {
  const headArtifacts = allArtifacts(head);
  const baseArtifacts = allArtifacts(base);
  if (headArtifacts.length === 0) return;
  if (sameFiles(baseArtifacts, headArtifacts)) return;

  const baseByKey = new Map<string, LockArtifact>();
  for (const artifact of baseArtifacts) baseByKey.set(artifactKey(artifact), artifact);
  const changed: { base: LockArtifact; head: LockArtifact }[] = [];
  const newArtifacts: LockArtifact[] = [];
  for (const artifact of headArtifacts) {
    const previous = baseByKey.get(artifactKey(artifact));
    if (!previous) {
      newArtifacts.push(artifact);
      continue;
    }
    if (previous.hash === artifact.hash) continue;
    newArtifacts.push(artifact);
    // A file that gains or loses its hash, or moves to another algorithm, cannot be compared byte for
    // byte; only the same algorithm with another digest says the bytes changed.
    if (previous.hash && artifact.hash && hashAlgorithm(previous.hash) === hashAlgorithm(artifact.hash)) {
      changed.push({ base: previous, head: artifact });
    }
  }
  if (newArtifacts.length > 0) introduced.push({ package: head, previous: base, newArtifacts });
  if (changed.length > 0) {
    details.push({
      change: dropUndefined({ name: head.name, kind: 'hash-changed', from: base.version, to: head.version }),
      base,
      head,
      changedArtifacts: changed,
    });
  }
}

/**
 * The cheap check first: the same files with the same hashes in the same order (the unchanged case).
 * Equal filenames and digests are all sameRelease would look at (a moved URL with the same name
 * and digest is no change either).
 */
function sameFiles(a: LockArtifact[], b: LockArtifact[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.hash !== y.hash || x.kind !== y.kind || x.filename !== y.filename) return false;
    if (x.filename === undefined && (x.url !== y.url || x.path !== y.path)) return false;
  }
  return true;
}

function dropUndefined(change: PackageChange): PackageChange {
  for (const key of Object.keys(change) as (keyof PackageChange)[]) if (change[key] === undefined) delete change[key];
  return change;
}
