/**
 * The typed model of uv projects and locks. Parsers in this folder build it; rules only read it.
 * Every element carries the repo-relative file and the 1-based line a reviewer should look at.
 */

export type LockSource =
  | { kind: 'registry'; url: string }
  | { kind: 'git'; url: string; commit: string | null; reference: { type: 'branch' | 'tag' | 'rev'; value: string } | null; subdirectory?: string }
  | { kind: 'url'; url: string; subdirectory?: string }
  | { kind: 'path' | 'directory' | 'editable' | 'virtual'; path: string };

export interface LockArtifact {
  kind: 'sdist' | 'wheel';
  url?: string;
  path?: string;
  filename?: string;
  /** "<algo>:<hex>" as the lock has it. */
  hash?: string;
  size?: number;
  /** RFC 3339 as the lock has it (upload-time or the 0.6.x upload_time). */
  uploadTime?: string;
  line?: number;
}

export interface LockDependency {
  name: string;
  version?: string;
  source?: LockSource;
  extras: string[];
  marker?: string;
}

/** A requirement table from `[package.metadata]` or `[manifest]`, kept as uv wrote it. */
export interface RequirementTable {
  name: string;
  extras?: string[];
  groups?: string[];
  marker?: string;
  specifier?: string;
  index?: string;
  git?: string;
  url?: string;
  path?: string;
  directory?: string;
  editable?: string;
  virtual?: string;
  subdirectory?: string;
}

export interface LockPackage {
  name: string;
  /** Absent for a source tree with a dynamic version. */
  version?: string;
  source: LockSource;
  dependencies: LockDependency[];
  optionalDependencies: Record<string, LockDependency[]>;
  devDependencies: Record<string, LockDependency[]>;
  resolutionMarkers: string[];
  sdist?: LockArtifact;
  wheels: LockArtifact[];
  metadata?: {
    requiresDist: RequirementTable[];
    requiresDev: Record<string, RequirementTable[]>;
    providesExtras?: string[];
  };
  line?: number;
}

export type ExcludeNewerPackageValue = { timestamp?: string; span?: string } | false;

export interface LockOptions {
  resolutionMode?: string;
  prereleaseMode?: string;
  forkStrategy?: string;
  excludeNewer?: string;
  excludeNewerSpan?: string;
  excludeNewerPackage: Record<string, ExcludeNewerPackageValue>;
  /** `[options.prerelease-package]`: normalized name -> mode. */
  prereleasePackage?: Record<string, string>;
  line?: number;
}

export interface LockManifest {
  members: string[];
  requirements: RequirementTable[];
  constraints: RequirementTable[];
  overrides: RequirementTable[];
  excludes: unknown[];
  buildConstraints: RequirementTable[];
  dependencyGroups: Record<string, RequirementTable[]>;
  dependencyMetadata: unknown[];
  line?: number;
}

export interface Lock {
  file: string;
  version: number;
  revision: number;
  requiresPython?: string;
  resolutionMarkers: string[];
  supportedMarkers: string[];
  requiredMarkers: string[];
  conflicts: unknown[];
  options: LockOptions;
  manifest: LockManifest;
  packages: LockPackage[];
  /** The parsed TOML document, for checks that need a key the model does not name. */
  raw?: Record<string, unknown>;
  /** Line of each key path (see src/uv/toml.ts): "package[12]", "package[12].wheels[0]", "options.exclude-newer". */
  lines?: Map<string, number>;
}

/** One `[[tool.uv.index]]` entry (or legacy index-url / extra-index-url). */
export interface IndexConfig {
  name?: string;
  url: string;
  explicit: boolean;
  default: boolean;
  line?: number;
  /** The file that declares it (the root or a member pyproject.toml, or uv.toml). */
  file?: string;
  /** How it is declared: a `[[tool.uv.index]]` table, or the legacy settings. */
  declaredAs?: 'index' | 'index-url' | 'extra-index-url' | 'find-links';
}

/** A pyproject.toml of a project root or workspace member. */
export interface Pyproject {
  file: string;
  /** Directory of the file, repo-relative ('' for the repo root). */
  dir: string;
  /** The parsed TOML document, for rules that need a key the model does not name. */
  raw: Record<string, unknown>;
  name?: string;
  version?: string;
  dynamic: string[];
  requiresPython?: string;
  hasProjectTable: boolean;
  hasBuildSystem: boolean;
  hasToolUv: boolean;
  /** Line of each key path, e.g. "project.dependencies", "tool.uv.exclude-newer", and of each
   *  array element as "project.dependencies[3]". */
  lines: Map<string, number>;
}

/** A uv project: a workspace root with its members and (maybe) its lock. */
export interface UvProject {
  /** Workspace root directory, repo-relative ('' for the repo root). */
  root: string;
  rootPyproject: Pyproject;
  /** The workspace members other than the root, sorted by directory. (The root, when it has
   *  `[project]`, is a member too in uv's sense; it is `rootPyproject`.) */
  members: Pyproject[];
  lock: Lock | null;
  /** Path of uv.lock, repo-relative, whether it exists or not. */
  lockFile: string;
  /** 'missing': no uv.lock; 'invalid': present but unreadable or rejected (an invalid-file finding
   *  says why; `lock` is null); 'ok': read into `lock`. */
  lockState?: 'ok' | 'missing' | 'invalid';
  /** The root's uv.toml, when present (takes precedence over [tool.uv]). */
  uvToml?: { file: string; raw: Record<string, unknown>; lines: Map<string, number> };
  /**
   * Where uv finds this project's settings when neither the root's uv.toml nor a `[tool.uv]` of the
   * root pyproject has them: the nearest ancestor directory with a uv.toml or a pyproject.toml that
   * has `[tool.uv]` (uv-settings `FilesystemOptions::find`, which walks up from the workspace root).
   */
  inheritedSettings?: { file: string; kind: 'uv.toml' | 'pyproject'; raw: Record<string, unknown>; lines: Map<string, number> };
  indexes: IndexConfig[];
  /**
   * Other pyproject.toml files of the revision that local path sources of this project point at
   * (non-member directories). `lock-out-of-sync` validates those packages as uv does when they are
   * here, and reports them as undecidable when not.
   */
  pathProjects?: Pyproject[];
}

export type ChangeKind = 'added' | 'removed' | 'upgraded' | 'downgraded' | 'source-changed' | 'hash-changed';

/** One entry of `projects[].changes` in the JSON report. */
export interface PackageChange {
  name: string;
  kind: ChangeKind;
  from?: string;
  to?: string;
  fromSource?: string;
  toSource?: string;
}

/** A lock entry at head that is new in this change: added, at another version, or with new artifacts. */
export interface IntroducedPackage {
  package: LockPackage;
  /** The base entry it replaces, if any. */
  previous?: LockPackage;
  /** Artifacts of `package` that base did not lock (all of them for a new version). */
  newArtifacts: LockArtifact[];
}

/** A change with the lock entries behind it, for rules (the JSON report shows only `change`). */
export interface ChangeDetail {
  change: PackageChange;
  /** The base entry (absent for `added`). */
  base?: LockPackage;
  /** The head entry (absent for `removed`). */
  head?: LockPackage;
  /** For `hash-changed`: the files locked at both sides (same filename) whose digest differs. */
  changedArtifacts?: { base: LockArtifact; head: LockArtifact }[];
}

/** A project as it is at base and at head, with the diff between them. */
export interface ProjectPair {
  /** Workspace root, repo-relative ('' for the repo root). */
  path: string;
  lockFile: string;
  base: UvProject | null;
  head: UvProject | null;
  changes: PackageChange[];
  /** Every head lock entry when there is no base (a full audit). */
  introduced: IntroducedPackage[];
  /** `changes` in the same order, each with its lock entries (set by pairProjects). */
  changeDetails?: ChangeDetail[];
}
