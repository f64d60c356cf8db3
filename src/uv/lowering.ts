/**
 * `[tool.uv.sources]` lowering: how uv turns a pyproject requirement into the requirement it
 * records in uv.lock (uv-distribution/src/metadata/lowering.rs, `LoweredRequirement::from_requirement`).
 *
 * - The member's own `[tool.uv.sources]` entry for a name wins; only without one is the workspace
 *   root's entry used (they are not merged). Paths of a member source are relative to the member,
 *   of a root source to the root.
 * - Sources scoped with `extra` / `group` apply only to that extra / group; sources with a `marker`
 *   apply there, and the rest of the requirement's marker space keeps the registry requirement
 *   (`remaining = not(any source marker) and requirement marker`, dropped when unsatisfiable).
 * - `{ workspace = true }` becomes an editable directory for a member that is a package (or a
 *   non-editable one with `editable = false` somewhere), a virtual one otherwise.
 * - `{ path }`: a directory is non-editable unless `editable = true`, virtual when `package = false`
 *   or its own pyproject says `tool.uv.package = false`; a file is a path (archive) source.
 * - `{ git, rev | tag | branch, subdirectory, path, lfs }`, `{ url, subdirectory }`,
 *   `{ index = "name" }` (the index looked up in the member's `[[tool.uv.index]]`, then the root's).
 *
 * Everything is then normalized as uv's `normalize_requirement` does before comparing: sorted
 * extras and groups, paths relative to the workspace root and lexically normalized, URLs without
 * credentials or fragment, git URLs rebuilt from repository + reference + commit, index URLs bare.
 */
import { normalizeName } from './names.js';
import { parseRequirement, type Requirement } from './pep508.js';
import { compareSpecifierLists, formatSpecifiers, parseSpecifiers, specifierListKey, type Comparison, type Specifier } from './specifiers.js';
import { formatMarker, isSatisfiable, markerAnd, markerNot, markerOr, parseMarker, TRUE, type Marker } from './markers.js';
import type { Pyproject } from './model.js';
import { asBoolean, asString, isTable, own, type Table } from './values.js';

export type LoweredSource =
  | { kind: 'registry'; specifiers: Specifier[]; index?: string; conflict?: string }
  | {
      kind: 'git';
      repository: string;
      reference?: { type: 'branch' | 'tag' | 'rev'; value: string };
      /** The commit in the fragment; `'any'` when uv's own answer is not known (a full-SHA `rev` in a PEP 508 URL). */
      precise?: string;
      subdirectory?: string;
      path?: string;
      lfs?: boolean;
    }
  | { kind: 'url'; url: string; subdirectory?: string }
  | { kind: 'path'; path: string }
  | {
      kind: 'directory';
      /** Relative to the workspace root, normalized (`.` for the root itself). */
      path: string;
      editable: boolean;
      /** `'unknown'` when it depends on a pyproject.toml lockgate cannot read. */
      virtual: boolean | 'unknown';
    };

export interface LoweredRequirement {
  name: string;
  extras: string[];
  groups: string[];
  marker: Marker;
  source: LoweredSource;
  /** What a reviewer recognizes: the pyproject text (with its source), or the lock table. */
  display: string;
  file: string;
  line?: number;
}

/** A requirement uv would refuse or that lockgate cannot lower without guessing. */
export interface LoweringProblem {
  /** 'undecidable': lockgate cannot tell; 'error': uv itself rejects the configuration. */
  kind: 'undecidable' | 'error';
  message: string;
  requirement?: string;
  file: string;
  line?: number;
}

export interface SourceEntry {
  table: Table;
  marker: Marker;
  extra?: string;
  group?: string;
}

/** A parsed `[[tool.uv.index]]` entry (name -> URL). */
export interface NamedIndex {
  name?: string;
  url: string;
}

export interface WorkspaceMember {
  /** Normalized project name. */
  name: string;
  pyproject: Pyproject;
  /** Directory relative to the workspace root, normalized (`.` for the root). */
  relDir: string;
}

/** What lowering needs to know about the workspace. */
export interface LoweringWorkspace {
  /** Repo-relative directory of the workspace root ('' for the repo root). */
  root: string;
  rootPyproject: Pyproject;
  members: Map<string, WorkspaceMember>;
  /** Members another member's `{ workspace = true }` source names, with the `editable` it gives (uv's `required_members`). */
  requiredMembers: Map<string, boolean | undefined>;
  rootSources: Map<string, SourceEntry[]>;
  rootIndexes: NamedIndex[];
  /** Pyprojects lockgate has, by repo-relative directory, for path sources that point at one. */
  pyprojectsByDir: Map<string, Pyproject>;
  /** `no-sources` (`true`: every package) / `no-sources-package` (these normalized names). */
  noSources?: true | ReadonlySet<string>;
}

/** Where a requirement comes from inside its project. */
export interface LoweringScope {
  /** The normalized name of the project the requirement belongs to (none for a virtual root's groups). */
  projectName?: string;
  /** Directory of that project relative to the workspace root (`.` for the root). */
  projectRelDir: string;
  projectSources: Map<string, SourceEntry[]>;
  projectIndexes: NamedIndex[];
  extra?: string;
  group?: string;
  /**
   * The workspace this project's own requirements are lowered in, when it is not the lock's: a
   * member nested in another project's directory is, for its own metadata, a workspace of its own
   * (uv-workspace `find_workspace` stops at the nearest ancestor pyproject.toml, and one with
   * `[project]` but no `[tool.uv.workspace]` ends the search), so the root's sources do not apply.
   */
  ownWorkspace?: LoweringWorkspace;
}

// ---------------------------------------------------------------------------------------------
// Paths and URLs

/** Lexically normalize a POSIX path: `a/./b/../c` -> `a/c`; leading `..` kept; '' -> '.'. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const segment of path.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(segment);
  }
  return out.length === 0 ? '.' : out.join('/');
}

export function joinPath(base: string, path: string): string {
  return normalizePath(base === '.' || base === '' ? path : `${base}/${path}`);
}

export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\') || path.startsWith('~');
}

/** Whether a workspace-root-relative path leaves the repository. */
export function leavesRepository(workspaceRoot: string, relPath: string): boolean {
  return joinPath(workspaceRoot === '' ? '.' : workspaceRoot, relPath).split('/')[0] === '..';
}

/** Repo-relative directory for a workspace-relative one ('' for the repo root). */
export function repoDir(workspaceRoot: string, relPath: string): string {
  const joined = joinPath(workspaceRoot === '' ? '.' : workspaceRoot, relPath);
  return joined === '.' ? '' : joined;
}

/** A repo-relative directory as a path relative to the workspace root (`.` for the root). */
export function relativeToRoot(root: string, dir: string): string {
  if (root === '') return normalizePath(dir);
  if (dir === root) return '.';
  if (dir.startsWith(`${root}/`)) return normalizePath(dir.slice(root.length + 1));
  const up = root
    .split('/')
    .map(() => '..')
    .join('/');
  return normalizePath(`${up}/${dir}`);
}

/**
 * A workspace-root-relative path in the one spelling uv writes: uv joins a path to the root,
 * normalizes it and makes it relative again (lock/mod.rs `normalize_requirement`), so from a root
 * `libs/sdk` the path `../sdk` is `.`. A path that leaves the repository is only normalized.
 */
export function canonicalPath(root: string, relPath: string): string {
  if (leavesRepository(root, relPath)) return normalizePath(relPath);
  return relativeToRoot(root, repoDir(root, relPath));
}

/** A URL without credentials, fragment (and query, when asked): what uv keeps of it. */
export function bareUrl(text: string, keepQuery = true): string {
  try {
    const url = new URL(text);
    url.username = '';
    url.password = '';
    url.hash = '';
    if (!keepQuery) url.search = '';
    return url.href;
  } catch {
    let out = text;
    const hash = out.indexOf('#');
    if (hash !== -1) out = out.slice(0, hash);
    if (!keepQuery) {
      const query = out.indexOf('?');
      if (query !== -1) out = out.slice(0, query);
    }
    return out;
  }
}

const ARCHIVE_RE = /\.(whl|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar\.zst|tar|zip)$/i;

// ---------------------------------------------------------------------------------------------
// Reading `[tool.uv.sources]` and `[[tool.uv.index]]`

/** `[tool.uv.sources]` of a pyproject, keyed by normalized name; problems for entries uv rejects. */
export function readSources(pyproject: Pyproject, problems: LoweringProblem[]): Map<string, SourceEntry[]> {
  const out = new Map<string, SourceEntry[]>();
  const table = own(own(own(pyproject.raw, 'tool'), 'uv'), 'sources');
  if (!isTable(table)) return out;
  for (const [name, value] of Object.entries(table)) {
    const entries: SourceEntry[] = [];
    const list = Array.isArray(value) ? value : [value];
    for (const item of list) {
      if (!isTable(item)) {
        problems.push({
          kind: 'error',
          message: `the \`[tool.uv.sources]\` entry for \`${name}\` is not a table`,
          file: pyproject.file,
          line: pyproject.lines.get(`tool.uv.sources.${name}`),
        });
        continue;
      }
      let marker: Marker = TRUE;
      const markerText = asString(own(item, 'marker'));
      if (markerText !== undefined) {
        const parsed = parseMarker(markerText);
        if (!parsed.ok) {
          problems.push({
            kind: 'undecidable',
            message: `the source for \`${name}\` has a marker lockgate cannot read (${parsed.error})`,
            file: pyproject.file,
          });
          continue;
        }
        marker = parsed.value;
      }
      const entry: SourceEntry = { table: item, marker };
      const extra = asString(own(item, 'extra'));
      if (extra !== undefined) entry.extra = normalizeName(extra);
      const group = asString(own(item, 'group'));
      if (group !== undefined) entry.group = normalizeName(group);
      entries.push(entry);
    }
    out.set(normalizeName(name), entries);
  }
  return out;
}

/** `[[tool.uv.index]]` of a settings table (the `tool.uv` table or a uv.toml). */
export function readNamedIndexes(settings: unknown): NamedIndex[] {
  const list = own(settings, 'index');
  if (!Array.isArray(list)) return [];
  const out: NamedIndex[] = [];
  for (const entry of list) {
    const url = asString(own(entry, 'url'));
    if (url === undefined) continue;
    const name = asString(own(entry, 'name'));
    out.push(name === undefined ? { url } : { name, url });
  }
  return out;
}

export function toolUv(pyproject: Pyproject): Table {
  const uv = own(own(pyproject.raw, 'tool'), 'uv');
  return isTable(uv) ? uv : {};
}

/**
 * uv's `is_package(require_build_system)`: `tool.uv.package` when set, else whether the project has
 * a `[build-system]` (required only when no other member depends on it).
 */
export function isPackage(pyproject: Pyproject, requireBuildSystem: boolean): boolean {
  const explicit = asBoolean(own(toolUv(pyproject), 'package'));
  if (explicit !== undefined) return explicit;
  return pyproject.hasBuildSystem || !requireBuildSystem;
}

// ---------------------------------------------------------------------------------------------
// Lowering

export type LoweringResult = { ok: true; requirements: LoweredRequirement[] } | { ok: false; problem: LoweringProblem };

export interface RequirementOrigin {
  file: string;
  line?: number;
}

/** Lower one pyproject requirement string. */
export function lowerRequirementText(
  text: unknown,
  scope: LoweringScope,
  workspace: LoweringWorkspace,
  origin: RequirementOrigin,
  extraMarker?: Marker,
): LoweringResult {
  const parsed = parseRequirement(text);
  if (!parsed.ok) {
    return {
      ok: false,
      problem: {
        kind: 'undecidable',
        message: `lockgate cannot read the requirement (${parsed.error})`,
        requirement: typeof text === 'string' ? text : undefined,
        ...origin,
      },
    };
  }
  return lowerRequirement(parsed.value, scope, workspace, origin, extraMarker);
}

export function lowerRequirement(
  requirement: Requirement,
  scope: LoweringScope,
  workspace: LoweringWorkspace,
  origin: RequirementOrigin,
  extraMarker?: Marker,
): LoweringResult {
  workspace = scope.ownWorkspace ?? workspace;
  const name = requirement.normalizedName;
  const marker = extraMarker ? markerAnd(requirement.marker, extraMarker) : requirement.marker;
  const display = requirement.text;
  const fail = (kind: LoweringProblem['kind'], message: string): LoweringResult => ({
    ok: false,
    problem: { kind, message, requirement: display, ...origin },
  });

  // uv-distribution `metadata/requires_dist.rs`, `from_project_workspace`: with `no-sources` for
  // this package the requirement is taken as written (`Requirement::from`): no source, no
  // workspace-member check, a PEP 508 URL still a URL.
  if (workspace.noSources === true || workspace.noSources?.has(name)) {
    const source = directSource(requirement, scope.projectRelDir, workspace);
    if ('problem' in source) return fail(source.problem.kind, source.problem.message);
    return {
      ok: true,
      requirements: [{ name, extras: requirement.extras, groups: [], file: origin.file, line: origin.line, marker, source: source.source, display }],
    };
  }

  let sources = scope.projectSources.get(name);
  let sourceOrigin: 'project' | 'workspace' = 'project';
  if (!sources) {
    sources = workspace.rootSources.get(name);
    if (sources) sourceOrigin = 'workspace';
  }
  const applicable = sources?.filter(
    (source) => (source.extra === undefined || source.extra === scope.extra) && (source.group === undefined || source.group === scope.group),
  );

  // A workspace member must be used through `{ workspace = true }` (unless it includes itself).
  if (workspace.members.has(name) && scope.projectName !== name) {
    if (!applicable)
      return fail('error', `\`${name}\` is a workspace member, but has no \`${name} = { workspace = true }\` in \`[tool.uv.sources]\`; uv refuses this`);
    for (const source of applicable) {
      if (own(source.table, 'workspace') !== true) {
        return fail('error', `\`${name}\` is a workspace member, but its \`[tool.uv.sources]\` entry is not \`{ workspace = true }\`; uv refuses this`);
      }
    }
  }

  const base = { name, extras: requirement.extras, groups: [] as string[], file: origin.file, line: origin.line };

  if (!applicable) {
    const source = directSource(requirement, scope.projectRelDir, workspace);
    if ('problem' in source) return fail(source.problem.kind, source.problem.message);
    return { ok: true, requirements: [{ ...base, marker, source: source.source, display }] };
  }

  if (requirement.url !== undefined) {
    return fail(
      'error',
      'the requirement has a direct URL and a `[tool.uv.sources]` entry; uv refuses this ("Can\'t combine URLs from both `project.dependencies` and `tool.uv.sources`")',
    );
  }

  const out: LoweredRequirement[] = [];
  for (const source of applicable) {
    const lowered = lowerSource(requirement, source, sourceOrigin, scope, workspace);
    if ('problem' in lowered) return fail(lowered.problem.kind, lowered.problem.message);
    const combined = markerAnd(source.marker, marker);
    const satisfiable = isSatisfiable(combined);
    if (satisfiable === 'unknown') return fail('undecidable', 'the source markers are too complex for lockgate to combine');
    if (satisfiable) out.push({ ...base, marker: combined, source: lowered.source, display: `${display} (source: ${describeSourceTable(source.table)})` });
  }
  // The part of the requirement's marker space no source covers keeps the registry requirement.
  const covered = markerOr(...applicable.map((source) => source.marker));
  const remaining = markerAnd(markerNot(covered), marker);
  const satisfiable = isSatisfiable(remaining);
  if (satisfiable === 'unknown') return fail('undecidable', 'the source markers are too complex for lockgate to combine');
  if (satisfiable) out.push({ ...base, marker: remaining, source: { kind: 'registry', specifiers: requirement.specifiers }, display });
  return { ok: true, requirements: out };
}

type SourceResult = { source: LoweredSource } | { problem: { kind: LoweringProblem['kind']; message: string } };

/** A requirement without a `[tool.uv.sources]` entry: the registry, or its PEP 508 direct URL. */
function directSource(requirement: Requirement, projectRelDir: string, workspace: LoweringWorkspace): SourceResult {
  const url = requirement.url;
  if (url === undefined) return { source: { kind: 'registry', specifiers: requirement.specifiers } };
  if (/^git\+/i.test(url)) return gitFromPep508(url.slice(4));
  if (/^file:/i.test(url)) {
    let path: string;
    try {
      path = decodeURIComponent(new URL(url).pathname);
    } catch {
      return { problem: { kind: 'undecidable', message: `lockgate cannot read the file URL \`${url}\`` } };
    }
    return localPath(path, projectRelDir, workspace, { editable: undefined, package: undefined });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    const { location, fragment } = splitFragment(url);
    const subdirectory = new URLSearchParams(fragment).get('subdirectory') ?? undefined;
    return { source: { kind: 'url', url: bareUrl(location), ...(subdirectory ? { subdirectory: normalizePath(subdirectory) } : {}) } };
  }
  // uv also reads a bare relative path after `@`.
  return localPath(url, projectRelDir, workspace, { editable: undefined, package: undefined });
}

function splitFragment(url: string): { location: string; fragment: string } {
  const hash = url.indexOf('#');
  return hash === -1 ? { location: url, fragment: '' } : { location: url.slice(0, hash), fragment: url.slice(hash + 1) };
}

/** `git+https://host/repo@rev#subdirectory=x`: the `@rev` is in the path, after the last `/`. */
function gitFromPep508(url: string): SourceResult {
  const { location, fragment } = splitFragment(url);
  const params = new URLSearchParams(fragment);
  let repository = location;
  let rev: string | undefined;
  const schemeEnd = location.indexOf('://');
  const pathStart = schemeEnd === -1 ? 0 : location.indexOf('/', schemeEnd + 3);
  if (pathStart !== -1) {
    const at = location.lastIndexOf('@');
    if (at > pathStart) {
      rev = location.slice(at + 1);
      repository = location.slice(0, at);
    }
  }
  const source: Extract<LoweredSource, { kind: 'git' }> = { kind: 'git', repository: bareUrl(repository, false) };
  if (rev) {
    source.reference = { type: 'rev', value: rev };
    // Whether uv also records a full-SHA rev as the precise commit depends on its version.
    if (/^[0-9a-f]{40}$/i.test(rev)) source.precise = 'any';
  }
  const subdirectory = params.get('subdirectory');
  if (subdirectory) source.subdirectory = normalizePath(subdirectory);
  return { source };
}

function lowerSource(
  requirement: Requirement,
  source: SourceEntry,
  origin: 'project' | 'workspace',
  scope: LoweringScope,
  workspace: LoweringWorkspace,
): SourceResult {
  const table = source.table;
  const base = origin === 'project' ? scope.projectRelDir : '.';
  const git = own(table, 'git');
  const url = own(table, 'url');
  const path = own(table, 'path');
  const index = own(table, 'index');
  const workspaceRef = own(table, 'workspace');
  // A git source may name a `path` inside the repository (uv-workspace pyproject.rs, `Source::Git`).
  const kinds = [git, url, git === undefined ? path : undefined, index, workspaceRef].filter((value) => value !== undefined).length;
  if (kinds !== 1)
    return {
      problem: {
        kind: 'error',
        message: `the \`[tool.uv.sources]\` entry for \`${requirement.normalizedName}\` is not one of git, url, path, index or workspace; uv refuses it`,
      },
    };

  if (typeof git === 'string') {
    const refs = (['rev', 'tag', 'branch'] as const).filter((key) => own(table, key) !== undefined);
    if (refs.length > 1) return { problem: { kind: 'error', message: 'a git source can only have one of `rev`, `tag` or `branch`; uv refuses it' } };
    if (git.includes('#')) return { problem: { kind: 'error', message: `the git source URL \`${git}\` has a fragment; uv refuses it` } };
    // uv-workspace `pyproject.rs`, `Source` deserialization: "If the user prefixed the URL with
    // `git+`, strip it" (a case-sensitive `strip_prefix("git+")`).
    const repository = git.startsWith('git+') ? git.slice(4) : git;
    const out: Extract<LoweredSource, { kind: 'git' }> = { kind: 'git', repository: bareUrl(repository, false) };
    const ref = refs[0];
    if (ref) {
      const value = asString(own(table, ref));
      if (value === undefined) return { problem: { kind: 'error', message: `the git source's \`${ref}\` is not a string` } };
      out.reference = { type: ref === 'rev' ? 'rev' : ref, value };
    }
    const subdirectory = asString(own(table, 'subdirectory'));
    if (subdirectory) out.subdirectory = normalizePath(subdirectory);
    const gitPath = asString(own(table, 'path'));
    if (gitPath) out.path = normalizePath(gitPath);
    if (own(table, 'lfs') === true) out.lfs = true;
    return { source: out };
  }
  if (typeof url === 'string') {
    if (url.includes('#')) return { problem: { kind: 'error', message: `the URL source \`${url}\` has a fragment; uv refuses it` } };
    const subdirectory = asString(own(table, 'subdirectory'));
    return { source: { kind: 'url', url: bareUrl(url), ...(subdirectory ? { subdirectory: normalizePath(subdirectory) } : {}) } };
  }
  if (typeof path === 'string') {
    return localPath(path, base, workspace, { editable: asBoolean(own(table, 'editable')), package: asBoolean(own(table, 'package')) });
  }
  if (typeof index === 'string') {
    const found = [...scope.projectIndexes, ...workspace.rootIndexes].find((candidate) => candidate.name === index);
    if (!found) {
      return {
        problem: {
          kind: 'error',
          message: `\`${requirement.normalizedName}\` uses the index \`${index}\`, which no \`[[tool.uv.index]]\` of the project or the workspace root names; uv refuses this`,
        },
      };
    }
    const conflict =
      scope.projectName === undefined
        ? undefined
        : source.extra !== undefined
          ? `${scope.projectName}[${source.extra}]`
          : source.group !== undefined
            ? `${scope.projectName}:${source.group}`
            : undefined;
    return { source: { kind: 'registry', specifiers: requirement.specifiers, index: bareUrl(found.url), ...(conflict ? { conflict } : {}) } };
  }
  if (workspaceRef !== undefined) {
    if (workspaceRef !== true) {
      return {
        problem: {
          kind: 'undecidable',
          message: `\`${requirement.normalizedName}\` uses \`workspace = ${JSON.stringify(workspaceRef)}\`, which lockgate does not resolve (another workspace)`,
        },
      };
    }
    const member = workspace.members.get(requirement.normalizedName);
    if (!member) {
      return {
        problem: { kind: 'error', message: `\`${requirement.normalizedName}\` has \`{ workspace = true }\` but is not a workspace member; uv refuses this` },
      };
    }
    const required = workspace.requiredMembers.has(member.name);
    const packaged = isPackage(member.pyproject, !required);
    const editable = packaged ? (workspace.requiredMembers.get(member.name) ?? true) : false;
    return { source: { kind: 'directory', path: member.relDir, editable, virtual: !packaged } };
  }
  return {
    problem: { kind: 'error', message: `the \`[tool.uv.sources]\` entry for \`${requirement.normalizedName}\` has a value of the wrong type; uv refuses it` },
  };
}

function localPath(path: string, base: string, workspace: LoweringWorkspace, options: { editable?: boolean; package?: boolean }): SourceResult {
  if (isAbsolutePath(path)) {
    return {
      problem: { kind: 'undecidable', message: `the path \`${path}\` is absolute; lockgate cannot relate it to the workspace root uv resolves it against` },
    };
  }
  const rel = canonicalPath(workspace.root, joinPath(base, path));
  const target = workspace.pyprojectsByDir.get(repoDir(workspace.root, rel));
  const isFile = !target && ARCHIVE_RE.test(rel);
  if (isFile) {
    if (options.editable === true)
      return { problem: { kind: 'error', message: `\`editable = true\` needs a directory, not the file \`${path}\`; uv refuses it` } };
    return { source: { kind: 'path', path: rel } };
  }
  if (options.editable === true) return { source: { kind: 'directory', path: rel, editable: true, virtual: false } };
  let virtual: boolean | 'unknown';
  if (options.package !== undefined) virtual = !options.package;
  else if (target) virtual = !isPackage(target, false);
  // uv reads the target's pyproject.toml; without it (outside the repository), either is possible.
  else virtual = leavesRepository(workspace.root, rel) ? 'unknown' : false;
  return { source: { kind: 'directory', path: rel, editable: false, virtual } };
}

function describeSourceTable(table: Table): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(table)) {
    if (typeof value === 'string') parts.push(`${key} = "${value}"`);
    else if (typeof value === 'boolean' || typeof value === 'number') parts.push(`${key} = ${String(value)}`);
  }
  return `{ ${parts.join(', ')} }`;
}

// ---------------------------------------------------------------------------------------------
// Lock requirement tables

/** A requirement table from uv.lock (`[package.metadata] requires-dist`, `[manifest]` lists), normalized like a lowered requirement. */
export function lowerLockTable(raw: unknown, file: string, line: number | undefined, root = ''): LoweringResult {
  const fail = (message: string): LoweringResult => ({ ok: false, problem: { kind: 'undecidable', message, file, line } });
  if (!isTable(raw)) return fail('uv.lock has a requirement that is not a table');
  const rawName = asString(own(raw, 'name'));
  if (!rawName) return fail('uv.lock has a requirement without a name');
  const name = normalizeName(rawName);
  const extras = stringArray(own(raw, 'extras')).map(normalizeName).sort();
  const groups = stringArray(own(raw, 'groups')).map(normalizeName).sort();
  let marker: Marker = TRUE;
  const markerText = asString(own(raw, 'marker'));
  if (markerText !== undefined) {
    const parsed = parseMarker(markerText);
    if (!parsed.ok) return fail(`uv.lock records a marker lockgate cannot read for \`${name}\` (${parsed.error})`);
    marker = parsed.value;
  }
  let source: LoweredSource;
  const git = asString(own(raw, 'git'));
  const url = asString(own(raw, 'url'));
  const path = asString(own(raw, 'path'));
  const directory = asString(own(raw, 'directory'));
  const editable = own(raw, 'editable');
  const virtual = own(raw, 'virtual');
  if (git !== undefined) {
    source = gitFromLock(git);
    const subdirectory = asString(own(raw, 'subdirectory'));
    if (subdirectory && source.kind === 'git' && !source.subdirectory) source.subdirectory = normalizePath(subdirectory);
  } else if (url !== undefined) {
    const subdirectory = asString(own(raw, 'subdirectory'));
    source = { kind: 'url', url: bareUrl(url), ...(subdirectory ? { subdirectory: normalizePath(subdirectory) } : {}) };
  } else if (path !== undefined) {
    source = { kind: 'path', path: canonicalPath(root, path) };
  } else if (directory !== undefined) {
    source = { kind: 'directory', path: canonicalPath(root, directory), editable: false, virtual: false };
  } else if (typeof editable === 'string') {
    source = { kind: 'directory', path: canonicalPath(root, editable), editable: true, virtual: false };
  } else if (typeof virtual === 'string') {
    source = { kind: 'directory', path: canonicalPath(root, virtual), editable: false, virtual: true };
  } else {
    const specifierText = asString(own(raw, 'specifier')) ?? '';
    const specs = parseSpecifiers(specifierText);
    if (!specs.ok) return fail(`uv.lock records a specifier lockgate cannot read for \`${name}\` (${specs.error})`);
    const index = asString(own(raw, 'index'));
    const conflictTable = own(raw, 'conflict');
    let conflict: string | undefined;
    if (isTable(conflictTable)) {
      const pkg = asString(own(conflictTable, 'package'));
      const extra = asString(own(conflictTable, 'extra'));
      const group = asString(own(conflictTable, 'group'));
      if (pkg !== undefined)
        conflict =
          extra !== undefined
            ? `${normalizeName(pkg)}[${normalizeName(extra)}]`
            : group !== undefined
              ? `${normalizeName(pkg)}:${normalizeName(group)}`
              : undefined;
    }
    source = { kind: 'registry', specifiers: specs.value, ...(index !== undefined ? { index: bareUrl(index) } : {}), ...(conflict ? { conflict } : {}) };
  }
  const requirement: LoweredRequirement = { name, extras, groups, marker, source, display: '', file, line };
  requirement.display = describeRequirement(requirement);
  return { ok: true, requirements: [requirement] };
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** uv.lock's git requirement URL: `https://host/repo?subdirectory=x&rev=v1#<commit>`. */
function gitFromLock(text: string): LoweredSource {
  const { location, fragment } = splitFragment(text);
  const query = location.indexOf('?');
  const repository = bareUrl(query === -1 ? location : location.slice(0, query), false);
  const params = new URLSearchParams(query === -1 ? '' : location.slice(query + 1));
  const out: Extract<LoweredSource, { kind: 'git' }> = { kind: 'git', repository };
  for (const type of ['tag', 'branch', 'rev'] as const) {
    const value = params.get(type);
    if (value !== null) out.reference = { type, value };
  }
  const subdirectory = params.get('subdirectory');
  if (subdirectory) out.subdirectory = normalizePath(subdirectory);
  const path = params.get('path');
  if (path) out.path = normalizePath(path);
  if (params.get('lfs') === 'true') out.lfs = true;
  if (fragment) out.precise = fragment.toLowerCase();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Comparing

/** The requirement as uv.lock would spell it, for messages. */
export function describeRequirement(requirement: LoweredRequirement): string {
  const extras = requirement.extras.length ? `[${requirement.extras.join(',')}]` : '';
  const groups = requirement.groups.length ? ` (groups: ${requirement.groups.join(', ')})` : '';
  const marker = formatMarker(requirement.marker);
  const source = requirement.source;
  let text: string;
  switch (source.kind) {
    case 'registry': {
      const specs = formatSpecifiers(source.specifiers);
      text = `${requirement.name}${extras}${specs}${source.index ? ` (index ${source.index})` : ''}`;
      break;
    }
    case 'git': {
      const ref = source.reference ? `@${source.reference.value}` : '';
      const sub = source.subdirectory ? `#subdirectory=${source.subdirectory}` : '';
      text = `${requirement.name}${extras} @ git+${source.repository}${ref}${sub}`;
      break;
    }
    case 'url':
      text = `${requirement.name}${extras} @ ${source.url}${source.subdirectory ? `#subdirectory=${source.subdirectory}` : ''}`;
      break;
    case 'path':
      text = `${requirement.name}${extras} (path ${source.path})`;
      break;
    case 'directory': {
      const kind = source.editable ? 'editable' : source.virtual === true ? 'virtual' : 'directory';
      text = `${requirement.name}${extras} (${kind} ${source.path})`;
      break;
    }
  }
  return `${text}${groups}${marker ? ` ; ${marker}` : ''}`;
}

/** A key equal for requirements uv sees as equal apart from their markers. */
export function requirementKey(requirement: LoweredRequirement): string {
  const head = `${requirement.name}[${requirement.extras.join(',')}]{${requirement.groups.join(',')}}`;
  const source = requirement.source;
  switch (source.kind) {
    case 'registry':
      return `${head} registry ${specifierListKey(source.specifiers)} ${source.index ?? ''} ${source.conflict ?? ''}`;
    case 'git':
      // The commit is compared separately (a wildcard on one side).
      return `${head} git ${source.repository} ${source.reference ? `${source.reference.type}=${source.reference.value}` : ''} ${source.subdirectory ?? ''} ${source.path ?? ''} ${source.lfs ? 'lfs' : ''}`;
    case 'url':
      return `${head} url ${source.url} ${source.subdirectory ?? ''}`;
    case 'path':
      return `${head} path ${source.path}`;
    case 'directory':
      return `${head} dir ${source.path} ${source.editable}`;
  }
}

/** Beyond the key: the parts compared with wildcards or three-valued answers. */
/**
 * `exactIndexUrls`: index URLs that differ by a trailing slash are different (uv since 0.7.20,
 * #14511 reverting #14245; see `compareRequirementSets`), not undecidable.
 */
export function compareSources(a: LoweredSource, b: LoweredSource, exactIndexUrls = false): Comparison {
  if (a.kind !== b.kind) return 'different';
  switch (a.kind) {
    case 'registry': {
      const other = b as typeof a;
      const specs = compareSpecifierLists(a.specifiers, other.specifiers);
      if (specs === 'different') return 'different';
      if ((a.conflict ?? '') !== (other.conflict ?? '')) return 'different';
      if ((a.index ?? '') !== (other.index ?? '')) {
        // Whether uv strips a trailing slash from index URLs depends on its version.
        if (!exactIndexUrls && a.index !== undefined && other.index !== undefined && a.index.replace(/\/+$/, '') === other.index.replace(/\/+$/, ''))
          return 'undecidable';
        return 'different';
      }
      return specs;
    }
    case 'git': {
      const other = b as typeof a;
      if (
        a.repository !== other.repository ||
        (a.subdirectory ?? '') !== (other.subdirectory ?? '') ||
        (a.path ?? '') !== (other.path ?? '') ||
        !!a.lfs !== !!other.lfs
      )
        return 'different';
      if ((a.reference?.type ?? '') !== (other.reference?.type ?? '') || (a.reference?.value ?? '') !== (other.reference?.value ?? '')) return 'different';
      if (a.precise === 'any' || other.precise === 'any') {
        const known = a.precise === 'any' ? other.precise : a.precise;
        return known === undefined || known === (a.precise === 'any' ? a.reference?.value : other.reference?.value)?.toLowerCase() ? 'equal' : 'different';
      }
      return (a.precise ?? '') === (other.precise ?? '') ? 'equal' : 'different';
    }
    case 'url': {
      const other = b as typeof a;
      return a.url === other.url && (a.subdirectory ?? '') === (other.subdirectory ?? '') ? 'equal' : 'different';
    }
    case 'path':
      return a.path === (b as typeof a).path ? 'equal' : 'different';
    case 'directory': {
      const other = b as typeof a;
      if (a.path !== other.path || a.editable !== other.editable) return 'different';
      if (a.virtual === 'unknown' || other.virtual === 'unknown') return 'equal';
      return a.virtual === other.virtual ? 'equal' : 'different';
    }
  }
}
