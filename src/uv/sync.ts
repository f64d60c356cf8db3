/**
 * Would `uv sync --locked` / `uv lock --check` accept this uv.lock? A static re-implementation of
 * uv's `ValidatedLock::validate` and `Lock::satisfies` (see research/uv-lock.md part b): uv records
 * every input of a resolution in the lock (`[options]`, `[manifest]`, `requires-python`, markers,
 * each workspace member's `[package.metadata]`), and any recorded input that differs from what the
 * project now says makes it re-resolve, which `--locked` refuses.
 *
 * Each difference is a `mismatch`. What lockgate cannot decide without running uv (metadata a build
 * backend computes, a path outside the repository, a comparison whose answer depends on the uv
 * version) is `undecidable`, with the reason; out-of-sync is never guessed.
 */
import type { Lock, LockDependency, LockPackage, Pyproject, UvProject } from './model.js';
import { normalizeName } from './names.js';
import { parseRequirement } from './pep508.js';
import { compareMarkers, formatMarker, markerAnd, mentionsExtra, parseMarker, TRUE, type Marker } from './markers.js';
import {
  formatRange,
  intersectRanges,
  parseSpecifiers,
  rangesEqual,
  releaseRange,
  specifierListKey,
  type ReleaseRange,
  type Specifier,
} from './specifiers.js';
import { versionsEqual } from './version.js';
import { parseExcludeNewer, parseSpan, parseTimestamp } from './exclude-newer.js';
import { LockedCandidates } from './lock.js';
import { globMatcher } from './load.js';
import { keyPath, lineOf } from './toml.js';
import { uvSettingsOf, type UvSettingsSource } from './uv-config.js';
import { asString, asStringArray, entriesOf, isTable, own, type Table } from './values.js';
import {
  bareUrl,
  canonicalPath,
  compareSources,
  relativeToRoot,
  describeRequirement,
  isPackage,
  lowerLockTable,
  lowerRequirementText,
  normalizePath,
  readNamedIndexes,
  readSources,
  repoDir,
  requirementKey,
  toolUv,
  leavesRepository,
  type LoweredRequirement,
  type LoweringProblem,
  type LoweringScope,
  type LoweringWorkspace,
  type WorkspaceMember,
} from './lowering.js';

export interface SyncIssue {
  kind: 'mismatch' | 'undecidable';
  /** The workspace member (or `workspace` for workspace-wide settings) the difference is about. */
  member: string;
  /** What differs: `requires-dist`, `dependency group \`dev\``, `exclude-newer`, ... */
  what: string;
  /** The value as pyproject.toml / uv.toml / the workspace has it. */
  inPyproject?: string;
  /** The value as uv.lock records it. */
  inLock?: string;
  /** For undecidable issues: why lockgate cannot decide; for mismatches: extra context. */
  detail?: string;
  file: string;
  line?: number;
}

const WORKSPACE = 'workspace';

/**
 * From this lock revision on (uv 0.6.15+, `upload-time`), index URLs that differ by a trailing slash
 * are a mismatch, as uv since 0.7.20 has them (#14511); uv 0.7.16 to 0.7.19 stripped the slash
 * (#14245). Older locks keep a notice.
 */
const EXACT_INDEX_URL_REVISION = 2;

export interface SyncOptions {
  /**
   * uv settings given on the command line or in the environment (`--exclude-newer`,
   * `UV_EXCLUDE_NEWER`, ...), keyed as in `[tool.uv]`. uv lets them override the file settings
   * (uv-settings `Combine`: the CLI layer comes first), so they do here too.
   */
  commandLine?: Table;
}

export function checkLockSync(project: UvProject, options: SyncOptions = {}): SyncIssue[] {
  const lock = project.lock;
  if (!lock) return [];
  try {
    return new SyncChecker(project, lock, options).run();
  } catch (error) {
    // A bug here must not take the run down, nor pass for "in sync".
    return [
      {
        kind: 'undecidable',
        member: WORKSPACE,
        what: 'the lock',
        detail: `lockgate could not finish the check (${error instanceof Error ? error.message : String(error)})`,
        file: project.lockFile,
      },
    ];
  }
}

interface MemberInfo extends WorkspaceMember {
  /** Lowering scope for this member's own requirements. */
  scope: LoweringScope;
}

interface Expected {
  requirements: LoweredRequirement[];
  problems: LoweringProblem[];
}

class SyncChecker {
  private readonly issues: SyncIssue[] = [];
  private readonly settings: UvSettingsSource;
  private readonly workspace: LoweringWorkspace;
  private readonly members = new Map<string, MemberInfo>();
  private readonly lockRange: ReleaseRange | undefined;
  private readonly packageIndex = new Map<LockPackage, number>();
  private readonly packageKey: string;

  constructor(
    private readonly project: UvProject,
    private readonly lock: Lock,
    options: SyncOptions,
  ) {
    const fileSettings = uvSettingsOf(project);
    this.settings = options.commandLine ? { ...fileSettings, table: { ...fileSettings.table, ...options.commandLine } } : fileSettings;
    const parsedRange = lock.requiresPython === undefined ? undefined : parseSpecifiers(lock.requiresPython);
    this.lockRange = parsedRange?.ok ? releaseRange(parsedRange.value) : undefined;
    lock.packages.forEach((pkg, index) => this.packageIndex.set(pkg, index));
    this.packageKey = own(lock.raw, 'package') === undefined && own(lock.raw, 'distribution') !== undefined ? 'distribution' : 'package';

    const problems: LoweringProblem[] = [];
    const rootDir = project.root;
    const pyprojectsByDir = new Map<string, Pyproject>();
    for (const pyproject of [project.rootPyproject, ...project.members, ...(project.pathProjects ?? [])]) pyprojectsByDir.set(pyproject.dir, pyproject);
    this.workspace = {
      root: rootDir,
      rootPyproject: project.rootPyproject,
      members: new Map(),
      requiredMembers: new Map(),
      rootSources: readSources(project.rootPyproject, problems),
      rootIndexes: readNamedIndexes(toolUv(project.rootPyproject)),
      pyprojectsByDir,
    };
    const noSources = noSourcesOf(this.settings.table);
    if (noSources) this.workspace.noSources = noSources;
    const packages = project.rootPyproject.hasProjectTable ? [project.rootPyproject, ...project.members] : [...project.members];
    for (const pyproject of packages) {
      if (!pyproject.name) {
        this.undecidable(WORKSPACE, 'workspace members', `${pyproject.file} has no \`project.name\`; uv refuses such a member`, pyproject.file, pyproject.lines.get('project'));
        continue;
      }
      const name = normalizeName(pyproject.name);
      const relDir = relativeToRoot(rootDir, pyproject.dir);
      const sources = pyproject === project.rootPyproject ? this.workspace.rootSources : readSources(pyproject, problems);
      const member: MemberInfo = {
        name,
        pyproject,
        relDir,
        scope: { projectName: name, projectRelDir: relDir, projectSources: sources, projectIndexes: readNamedIndexes(toolUv(pyproject)) },
      };
      this.members.set(name, member);
      this.workspace.members.set(name, member);
    }
    for (const member of this.members.values()) this.scopeNestedMember(member);
    this.collectRequiredMembers();
    for (const problem of problems) this.problem(WORKSPACE, '`[tool.uv.sources]`', problem);
  }

  /**
   * The workspace uv lowers a source tree's own requirements in. uv reads a member's or a path
   * dependency's metadata through `ProjectWorkspace::from_maybe_project_root` (uv-distribution
   * metadata/requires_dist.rs, `from_project_maybe_workspace`), whose `find_workspace`
   * (uv-workspace workspace.rs) looks only at the nearest ancestor pyproject.toml: a workspace that
   * includes the project makes it a member there; anything else (a project around it, as for an
   * example inside another project, or nothing) makes it a project of its own, lowered with its
   * own `[tool.uv.sources]` and indexes only. `undefined`: this lock's workspace; `'unknown'`:
   * another workspace, which lockgate does not model.
   */
  private ownWorkspaceOf(pyproject: Pyproject, name: string): LoweringWorkspace | 'unknown' | undefined {
    let dir = pyproject.dir;
    let ancestor: Pyproject | undefined;
    while (dir !== '' && !ancestor) {
      dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
      ancestor = this.workspace.pyprojectsByDir.get(dir);
    }
    const workspaceTable = ancestor ? own(toolUv(ancestor), 'workspace') : undefined;
    if (ancestor && isTable(workspaceTable)) {
      const matches = (key: string) => (asStringArray(own(workspaceTable, key)) ?? []).some((pattern) => globMatcher(ancestor.dir, pattern)?.(pyproject.dir) === true);
      if (matches('members') && !matches('exclude')) return ancestor === this.project.rootPyproject ? undefined : 'unknown';
    }
    // A project of its own; one that declares a workspace of its own is not modelled.
    if (isTable(own(toolUv(pyproject), 'workspace'))) return 'unknown';
    const problems: LoweringProblem[] = [];
    const self: WorkspaceMember = { name, pyproject, relDir: relativeToRoot(this.project.root, pyproject.dir) };
    return { ...this.workspace, members: new Map([[name, self]]), requiredMembers: new Map(), rootSources: readSources(pyproject, problems), rootIndexes: readNamedIndexes(toolUv(pyproject)) };
  }

  private scopeNestedMember(member: MemberInfo): void {
    if (member.pyproject === this.project.rootPyproject) return;
    const own = this.ownWorkspaceOf(member.pyproject, member.name);
    if (own === 'unknown') {
      this.undecidable(member.name, 'requires-dist', 'uv lowers this member\'s requirements in another workspace around it, which lockgate does not model', member.pyproject.file, member.pyproject.lines.get('project'));
    } else if (own) {
      member.scope.ownWorkspace = own;
    }
  }

  run(): SyncIssue[] {
    this.checkOptions();
    this.checkEnvironments();
    this.checkConflicts();
    this.checkRequiresPython();
    this.checkMembers();
    this.checkManifest();
    this.walkPackages();
    return this.issues;
  }

  // -------------------------------------------------------------------------------------------
  // Reporting helpers

  private mismatch(member: string, what: string, inPyproject: string | undefined, inLock: string | undefined, file: string, line: number | undefined, detail?: string): void {
    const issue: SyncIssue = { kind: 'mismatch', member, what, file };
    if (inPyproject !== undefined) issue.inPyproject = inPyproject;
    if (inLock !== undefined) issue.inLock = inLock;
    if (detail !== undefined) issue.detail = detail;
    if (line !== undefined) issue.line = line;
    this.issues.push(issue);
  }

  private undecidable(member: string, what: string, detail: string, file: string, line: number | undefined, inPyproject?: string, inLock?: string): void {
    const issue: SyncIssue = { kind: 'undecidable', member, what, detail, file };
    if (line !== undefined) issue.line = line;
    if (inPyproject !== undefined) issue.inPyproject = inPyproject;
    if (inLock !== undefined) issue.inLock = inLock;
    this.issues.push(issue);
  }

  private problem(member: string, what: string, problem: LoweringProblem): void {
    // A configuration uv itself rejects fails `--locked` too, but for a reason lockgate reports as
    // undecidable: the message says what uv will say.
    const detail = problem.kind === 'error' ? `${problem.message}, so \`uv lock --check\` fails before comparing anything` : problem.message;
    this.undecidable(member, what, detail, problem.file, problem.line, problem.requirement);
  }

  private lockLine(path: string): number | undefined {
    return this.lock.lines ? lineOf(this.lock.lines, path) : undefined;
  }

  private settingLine(key: string): number | undefined {
    const path = this.settings.prefix === '' ? keyPath(key) : keyPath('tool', 'uv', key);
    return lineOf(this.settings.lines, path) ?? (this.settings.kind === 'pyproject' ? this.settings.lines.get('tool.uv') : undefined);
  }

  private rootToolLine(key: string): number | undefined {
    const lines = this.project.rootPyproject.lines;
    return lineOf(lines, keyPath('tool', 'uv', key)) ?? lines.get('tool.uv');
  }

  // -------------------------------------------------------------------------------------------
  // Workspace facts

  /**
   * uv's `collect_required_members`: members named by a `{ workspace = true }` source of the root
   * (other than the root project itself) or of another member, with the `editable` the source gives.
   * uv inserts root entries first, then each member's in name order, and the last one wins, even
   * when it says nothing about `editable`.
   */
  private collectRequiredMembers(): void {
    const visit = (sources: Map<string, { table: Table }[]>, self: string | undefined): void => {
      for (const name of [...sources.keys()].sort()) {
        if (name === self) continue;
        for (const entry of sources.get(name)!) {
          if (own(entry.table, 'workspace') !== true) continue;
          const editable = own(entry.table, 'editable');
          this.workspace.requiredMembers.set(name, typeof editable === 'boolean' ? editable : undefined);
        }
      }
    };
    const root = this.project.rootPyproject;
    visit(this.workspace.rootSources, root.hasProjectTable && root.name ? normalizeName(root.name) : undefined);
    for (const member of [...this.members.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (member.pyproject === root) continue;
      visit(member.scope.projectSources, member.name);
    }
  }

  // -------------------------------------------------------------------------------------------
  // [options]

  private checkOptions(): void {
    const options = this.lock.options;
    const settings = this.settings.table;
    const file = this.settings.file;

    const resolution = asString(own(settings, 'resolution')) ?? 'highest';
    const lockResolution = options.resolutionMode ?? 'highest';
    if (resolution !== lockResolution) {
      this.mismatch(WORKSPACE, 'resolution mode', resolution, lockResolution, file, this.settingLine('resolution'));
    }

    const fork = asString(own(settings, 'fork-strategy')) ?? 'requires-python';
    const lockFork = options.forkStrategy ?? 'requires-python';
    if (fork !== lockFork) this.mismatch(WORKSPACE, 'fork strategy', fork, lockFork, file, this.settingLine('fork-strategy'));

    this.checkPrerelease();
    this.checkExcludeNewer();
  }

  private checkPrerelease(): void {
    const configured = asString(own(this.settings.table, 'prerelease'));
    const locked = this.lock.options.prereleaseMode;
    // uv 0.12 made `if-necessary` the default (it was `if-necessary-or-explicit`, now an alias of
    // it), and both the settings and a lock that omits the mode mean the running uv's default. So
    // compare as uv before 0.12 and as uv 0.12 and later would.
    const asOld = (value: string | undefined): string => value ?? 'if-necessary-or-explicit';
    const asNew = (value: string | undefined): string => (value === undefined || value === 'if-necessary-or-explicit' ? 'if-necessary' : value);
    const differsOld = asOld(configured) !== asOld(locked);
    const differsNew = asNew(configured) !== asNew(locked);
    if (!differsOld && !differsNew) return;
    const line = this.settingLine('prerelease');
    if (differsOld && differsNew) {
      this.mismatch(WORKSPACE, 'pre-release mode', configured ?? '(default)', locked ?? '(default)', this.settings.file, line);
      return;
    }
    this.undecidable(
      WORKSPACE,
      'pre-release mode',
      `uv 0.12 changed the default pre-release mode from \`if-necessary-or-explicit\` to \`if-necessary\` (and made the old name an alias), so these agree ${differsNew ? 'before uv 0.12 only' : 'from uv 0.12 on only'}`,
      this.settings.file,
      line,
      configured ?? '(default)',
      locked ?? '(default)',
    );
  }

  private checkExcludeNewer(): void {
    const options = this.lock.options;
    const settings = this.settings.table;
    const file = this.settings.file;
    const line = this.settingLine('exclude-newer');

    // The global value.
    const raw = tomlValue(own(settings, 'exclude-newer'));
    const configured = raw === undefined ? { ok: true as const, value: { kind: 'disabled' as const } } : parseExcludeNewer(raw);
    if (!configured.ok) {
      this.undecidable(WORKSPACE, 'exclude-newer', `lockgate cannot read the configured value (${configured.error}); uv may reject it`, file, line, String(raw));
    } else {
      const locked = lockedValue(options.excludeNewer, options.excludeNewerSpan);
      const change = compareExcludeNewer(configured.value, locked);
      this.reportExcludeNewerChange(change, 'exclude-newer', describeConfigured(raw), describeLocked(options.excludeNewer, options.excludeNewerSpan), file, line);
    }

    // Per package, compared as a map (uv writes it from a hash map, in no stable order).
    const configuredPackages = new Map<string, { raw: unknown; key: string }>();
    for (const [name, value] of entriesOf(own(settings, 'exclude-newer-package'))) configuredPackages.set(normalizeName(name), { raw: tomlValue(value), key: name });
    const lockedPackages = options.excludeNewerPackage ?? {};
    const packageLine = (name?: string): number | undefined =>
      (name !== undefined ? lineOf(this.settings.lines, this.settings.prefix === '' ? keyPath('exclude-newer-package', name) : keyPath('tool', 'uv', 'exclude-newer-package', name)) : undefined) ??
      this.settingLine('exclude-newer-package');
    for (const [name, entry] of configuredPackages) {
      const lockedEntry = Object.prototype.hasOwnProperty.call(lockedPackages, name) ? lockedPackages[name] : undefined;
      const what = `exclude-newer-package \`${name}\``;
      if (lockedEntry === undefined) {
        if (entry.raw === false) {
          this.undecidable(
            WORKSPACE,
            what,
            'uv.lock does not record this opt-out; uv up to 0.12.5 re-resolves for it (so `uv lock --check` fails), later versions accept the lock (astral-sh/uv#21450)',
            file,
            packageLine(entry.key),
            `${name} = false`,
            '(absent)',
          );
        } else {
          this.mismatch(WORKSPACE, what, `${name} = ${describeConfigured(entry.raw)}`, '(absent)', file, packageLine(entry.key));
        }
        continue;
      }
      if (entry.raw === false || lockedEntry === false) {
        if (entry.raw !== lockedEntry) {
          this.mismatch(WORKSPACE, what, `${name} = ${describeConfigured(entry.raw)}`, `${name} = ${lockedEntry === false ? 'false' : describeLocked(lockedEntry.timestamp, lockedEntry.span)}`, file, packageLine(entry.key));
        }
        continue;
      }
      const parsed = parseExcludeNewer(entry.raw);
      if (!parsed.ok) {
        this.undecidable(WORKSPACE, what, `lockgate cannot read the configured value (${parsed.error})`, file, packageLine(entry.key), describeConfigured(entry.raw));
        continue;
      }
      const change = compareExcludeNewer(parsed.value, lockedValue(lockedEntry.timestamp, lockedEntry.span));
      this.reportExcludeNewerChange(change, what, `${name} = ${describeConfigured(entry.raw)}`, `${name} = ${describeLocked(lockedEntry.timestamp, lockedEntry.span)}`, file, packageLine(entry.key));
    }
    for (const [name, lockedEntry] of Object.entries(lockedPackages)) {
      if (configuredPackages.has(name)) continue;
      this.mismatch(
        WORKSPACE,
        `exclude-newer-package \`${name}\``,
        '(absent)',
        `${name} = ${lockedEntry === false ? 'false' : describeLocked(lockedEntry.timestamp, lockedEntry.span)}`,
        file,
        this.settingLine('exclude-newer-package') ?? this.settingLine('exclude-newer'),
        undefined,
      );
    }
  }

  private reportExcludeNewerChange(change: ExcludeNewerChange, what: string, inPyproject: string, inLock: string, file: string, line: number | undefined): void {
    if (change.kind === 'same') return;
    if (change.kind === 'undecidable') {
      this.undecidable(WORKSPACE, what, change.reason, file, line, inPyproject, inLock);
      return;
    }
    this.mismatch(WORKSPACE, what, inPyproject, inLock, file, line, change.reason);
  }

  // -------------------------------------------------------------------------------------------
  // environments, required-environments, conflicts

  private checkEnvironments(): void {
    const uv = toolUv(this.project.rootPyproject);
    const file = this.project.rootPyproject.file;
    for (const [key, locked] of [
      ['environments', this.lock.supportedMarkers],
      ['required-environments', this.lock.requiredMarkers],
    ] as const) {
      const value = own(uv, key);
      const configured = typeof value === 'string' ? [value] : (asStringArray(value) ?? []);
      const line = this.rootToolLine(key);
      const what = key === 'environments' ? 'supported environments (`environments`)' : '`required-environments`';
      if (configured.length !== locked.length) {
        this.mismatch(WORKSPACE, what, configured.join(' | ') || '(none)', locked.join(' | ') || '(none)', file, line);
        continue;
      }
      for (let i = 0; i < configured.length; i++) {
        const a = parseMarker(configured[i]!);
        const b = parseMarker(locked[i]!);
        if (!a.ok || !b.ok) {
          this.undecidable(WORKSPACE, what, `lockgate cannot read the marker \`${!a.ok ? configured[i] : locked[i]}\``, file, line);
          break;
        }
        const result = compareMarkers(a.value, b.value, this.lockRange);
        if (result === 'different') {
          this.mismatch(WORKSPACE, what, configured[i], locked[i], file, line);
          break;
        }
        if (result === 'undecidable') {
          this.undecidable(WORKSPACE, what, 'the markers differ in a way lockgate cannot compare by meaning', file, line, configured[i], locked[i]);
          break;
        }
      }
    }
  }

  private checkConflicts(): void {
    const declared: string[] = [];
    const root = this.project.rootPyproject;
    let readable = true;
    const addFrom = (pyproject: Pyproject, defaultPackage: string | undefined): void => {
      const value = own(toolUv(pyproject), 'conflicts');
      if (value === undefined) return;
      if (!Array.isArray(value)) {
        readable = false;
        return;
      }
      for (const set of value) {
        const items = Array.isArray(set) ? set.map((item) => conflictItem(item, defaultPackage)) : [undefined];
        if (items.some((item) => item === undefined)) {
          readable = false;
          continue;
        }
        declared.push(conflictSetKey(items as string[]));
      }
    };
    // uv reads the root's `conflicts` only for a workspace without a `[project]` root; every member's.
    if (!root.hasProjectTable) addFrom(root, undefined);
    for (const member of this.members.values()) addFrom(member.pyproject, member.name);
    const locked: string[] = [];
    for (const set of this.lock.conflicts) {
      const items = Array.isArray(set) ? set.map((item) => conflictItem(item, undefined)) : [undefined];
      if (items.some((item) => item === undefined)) {
        readable = false;
        continue;
      }
      locked.push(conflictSetKey(items as string[]));
    }
    const file = root.file;
    const line = this.rootToolLine('conflicts');
    if (!readable) {
      if (declared.length || locked.length) this.undecidable(WORKSPACE, '`conflicts`', 'lockgate cannot read every conflict set', file, line);
      return;
    }
    const declaredSet = new Set(declared);
    const lockedSet = new Set(locked);
    const missing = [...declaredSet].filter((set) => !lockedSet.has(set));
    const extra = [...lockedSet].filter((set) => !declaredSet.has(set));
    if (missing.length) {
      this.mismatch(WORKSPACE, '`conflicts`', missing.join('; '), locked.length ? [...lockedSet].join('; ') : '(none)', file, line);
    } else if (extra.length) {
      if (declared.length === 0) this.mismatch(WORKSPACE, '`conflicts`', '(none)', [...lockedSet].join('; '), file, line);
      else
        this.undecidable(
          WORKSPACE,
          '`conflicts`',
          'uv.lock records conflict sets the project does not declare; uv adds some it infers from dependency groups that include conflicting groups, which lockgate does not reproduce',
          file,
          line,
          [...declaredSet].join('; '),
          [...lockedSet].join('; '),
        );
    }
  }

  // -------------------------------------------------------------------------------------------
  // requires-python

  private checkRequiresPython(): void {
    const locked = this.lock.requiresPython;
    if (locked === undefined) return;
    let range: ReleaseRange | undefined;
    const sources: string[] = [];
    for (const member of this.members.values()) {
      const text = member.pyproject.requiresPython;
      if (text === undefined) continue;
      const specs = parseSpecifiers(text);
      const memberRange = specs.ok ? releaseRange(specs.value) : undefined;
      if (!memberRange) {
        this.undecidable(member.name, 'requires-python', `lockgate cannot compute the range of \`${text}\``, member.pyproject.file, member.pyproject.lines.get('project.requires-python'), text, locked);
        return;
      }
      sources.push(text);
      range = range ? intersectRanges(range, memberRange) : memberRange;
    }
    const root = this.project.rootPyproject;
    if (!range) {
      this.undecidable(
        WORKSPACE,
        'requires-python',
        'no workspace member declares `project.requires-python`, so uv uses the minor version of the interpreter it runs with',
        root.file,
        root.lines.get('project'),
        undefined,
        locked,
      );
      return;
    }
    if (!this.lockRange) {
      this.undecidable(WORKSPACE, 'requires-python', `lockgate cannot compute the range of uv.lock's \`${locked}\``, this.lock.file, this.lockLine('requires-python'));
      return;
    }
    if (!rangesEqual(range, this.lockRange)) {
      const member = [...this.members.values()].find((m) => m.pyproject.requiresPython !== undefined);
      const file = member?.pyproject.file ?? root.file;
      const line = member?.pyproject.lines.get('project.requires-python');
      this.mismatch(
        this.members.size === 1 && member ? member.name : WORKSPACE,
        'requires-python',
        this.members.size > 1 ? `${sources.join(' and ')} (together ${formatRange(range)})` : sources[0],
        locked,
        file,
        line,
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Members

  private checkMembers(): void {
    const root = this.project.rootPyproject;
    const names = [...this.members.keys()].sort();
    // uv leaves `members` out for a single-project workspace whose root is that project.
    const expected = names.length === 1 && root.hasProjectTable ? [] : names;
    const actual = [...new Set(this.lock.manifest.members.map(normalizeName))].sort();
    if (expected.join('\n') !== actual.join('\n')) {
      const added = expected.filter((name) => !actual.includes(name));
      const removed = actual.filter((name) => !expected.includes(name));
      // Point at a new member's pyproject (the root counts as added only because uv omits the list for a lone root).
      const newMember = added.map((name) => this.members.get(name)?.pyproject).find((p) => p !== undefined && p !== root) ?? (added.length ? this.members.get(added[0]!)?.pyproject : undefined);
      const first = newMember;
      this.mismatch(
        WORKSPACE,
        'workspace members',
        expected.length ? expected.join(', ') : names.join(', ') || '(none)',
        actual.length ? actual.join(', ') : '(none recorded)',
        first?.file ?? root.file,
        first ? (first.lines.get('project.name') ?? first.lines.get('project')) : (root.lines.get('tool.uv.workspace.members') ?? root.lines.get('tool.uv.workspace')),
        added.length || removed.length ? `${added.length ? `added: ${added.join(', ')}` : ''}${added.length && removed.length ? '; ' : ''}${removed.length ? `removed: ${removed.join(', ')}` : ''}` : undefined,
      );
    }

    for (const member of this.members.values()) this.checkMember(member);
  }

  private findPackages(name: string): LockPackage[] {
    return this.lock.packages.filter((pkg) => pkg.name === name);
  }

  private checkMember(member: MemberInfo): void {
    const pyproject = member.pyproject;
    const packages = this.findPackages(member.name);
    if (packages.length === 0) {
      this.mismatch(member.name, 'workspace member', pyproject.name, '(no [[package]] entry)', pyproject.file, pyproject.lines.get('project.name') ?? pyproject.lines.get('project'));
      return;
    }
    if (packages.length > 1) {
      this.undecidable(member.name, 'workspace member', 'uv.lock has several entries for this member; uv refuses such a lock', this.lock.file, packages[1]!.line);
      return;
    }
    const pkg = packages[0]!;
    const required = this.workspace.requiredMembers.has(member.name);
    const expectedVirtual = !isPackage(pyproject, !required);
    const actualVirtual = pkg.source.kind === 'virtual';
    const sourceLine = pyproject.lines.get('build-system') ?? pyproject.lines.get('tool.uv.package') ?? pyproject.lines.get('project');
    if (expectedVirtual !== actualVirtual) {
      this.mismatch(
        member.name,
        'virtual state',
        expectedVirtual ? 'not a package (no [build-system], or tool.uv.package = false): virtual' : 'a package: editable or directory',
        `source = { ${pkg.source.kind} = ... }`,
        pyproject.file,
        sourceLine,
      );
      return;
    }
    const lockedPath = 'path' in pkg.source ? canonicalPath(this.project.root, pkg.source.path) : undefined;
    if (lockedPath !== undefined && lockedPath !== member.relDir) {
      // uv would read the member's metadata at the recorded path, which is no longer the member.
      this.mismatch(member.name, 'member location', member.relDir, lockedPath, pyproject.file, pyproject.lines.get('project.name') ?? pyproject.lines.get('project'));
      return;
    }
    const expectedEditable = expectedVirtual ? false : (this.workspace.requiredMembers.get(member.name) ?? true);
    const actualEditable = pkg.source.kind === 'editable';
    if (expectedEditable !== actualEditable) {
      this.mismatch(member.name, 'editable state', expectedEditable ? 'editable' : 'not editable (editable = false in a workspace source)', `source = { ${pkg.source.kind} = ... }`, pyproject.file, sourceLine);
      return;
    }
    this.checkSourceTree(pkg, pyproject, member.scope, member.name);
  }

  /** Version, provides-extras, requires-dist and dependency groups of a source tree (uv's satisfies loop). */
  private checkSourceTree(pkg: LockPackage, pyproject: Pyproject, scope: LoweringScope, label: string): void {
    const file = pyproject.file;
    const dynamic = new Set(pyproject.dynamic.map((field) => field.toLowerCase()));
    const versionDynamic = dynamic.has('version');

    // Version (MismatchedDynamic / MismatchedVersion).
    if (pkg.version !== undefined) {
      if (versionDynamic && this.lock.revision === 0) {
        // uv wrote versions of dynamic projects until 0.5.19 (#10622), whose locks have no
        // `revision`; the uv that wrote this lock accepts it, uv from 0.5.19 on re-locks
        // (lock/mod.rs `satisfies`: MismatchedDynamic).
        this.undecidable(
          label,
          'version',
          'the project has a dynamic version and this lock (written by uv before 0.6) records one; uv up to 0.5.18 accepts that, later versions re-lock to drop it',
          file,
          pyproject.lines.get('project.dynamic') ?? pyproject.lines.get('project'),
          'dynamic',
          pkg.version,
        );
      } else if (versionDynamic) {
        this.mismatch(label, 'version', 'dynamic', pkg.version, file, pyproject.lines.get('project.dynamic') ?? pyproject.lines.get('project'));
      } else if (pyproject.version === undefined) {
        this.undecidable(label, 'version', 'pyproject.toml has neither a `project.version` nor a dynamic version; uv rejects that', file, pyproject.lines.get('project'));
      } else if (!versionsEqual(pyproject.version, pkg.version)) {
        this.mismatch(label, 'version', pyproject.version, pkg.version, file, pyproject.lines.get('project.version'));
      }
    } else if (!versionDynamic && pyproject.hasProjectTable) {
      this.mismatch(label, 'version', pyproject.version ?? '(static)', '(dynamic: no version recorded)', file, pyproject.lines.get('project.version') ?? pyproject.lines.get('project'));
    }

    const pkgIndex = this.packageIndex.get(pkg);
    const pkgPath = pkgIndex === undefined ? undefined : keyPath(this.packageKey, pkgIndex);
    if (!pkg.metadata && this.lock.revision >= 4) {
      this.undecidable(label, 'metadata', 'uv.lock was written without `[package.metadata]` (the preview lock-without-metadata format); uv then compares dependency edges, which lockgate does not', this.lock.file, pkg.line);
      return;
    }
    // uv writes `[package.metadata]` only when it has something in it (lock/serialize.rs): no
    // table is no requirements, no groups and no extras, and is compared as such.
    const metadata = pkg.metadata ?? { requiresDist: [], requiresDev: {}, providesExtras: [] };

    // provides-extras (lock revision >= 1).
    const project = own(pyproject.raw, 'project');
    const optionalTable = own(project, 'optional-dependencies');
    const dependenciesDynamic = dynamic.has('dependencies');
    const extrasDynamic = dynamic.has('optional-dependencies');
    if (this.lock.revision >= 1 && !extrasDynamic) {
      const expected = [...new Set(Object.keys(isTable(optionalTable) ? optionalTable : {}).map(normalizeName))].sort();
      const actual = [...new Set((metadata.providesExtras ?? []).map(normalizeName))].sort();
      if (expected.join(',') !== actual.join(',')) {
        const added = expected.filter((extra) => !actual.includes(extra));
        const line = added.length ? lineOf(pyproject.lines, keyPath('project', 'optional-dependencies', originalKey(optionalTable, added[0]!))) : pyproject.lines.get('project.optional-dependencies');
        this.mismatch(label, 'provides-extras', expected.join(', ') || '(none)', actual.join(', ') || '(none)', file, line ?? pyproject.lines.get('project'));
      }
    }

    // requires-dist.
    const actualRequiresDist = this.lockTables(this.rawPackage(pkgIndex), pkgPath, ['metadata', 'requires-dist']);
    if (dependenciesDynamic || extrasDynamic) {
      const fields = [dependenciesDynamic ? 'dependencies' : '', extrasDynamic ? 'optional-dependencies' : ''].filter(Boolean).join(' and ');
      this.undecidable(
        label,
        extrasDynamic ? 'requires-dist and provides-extras' : 'requires-dist',
        `\`project.dynamic\` lists ${fields}, so uv asks the build backend for ${dependenciesDynamic ? 'the requirements' : 'the extras and their requirements'}; lockgate cannot run it${dependenciesDynamic ? '' : ' (the static `dependencies` are still compared)'}`,
        file,
        pyproject.lines.get('project.dynamic'),
      );
      if (!dependenciesDynamic) {
        // PEP 621: static `dependencies` are what the backend must report; extras carry an
        // `extra == ...` marker, so the lock entries without one must be exactly the static list.
        const expected = this.expectedRequiresDist(pyproject, scope, false);
        if (!expected.requirements.some((req) => mentionsExtra(req.marker))) {
          const withoutExtras = { requirements: actualRequiresDist.requirements.filter((req) => !mentionsExtra(req.marker)), problems: actualRequiresDist.problems };
          this.compareSets(label, 'requires-dist', expected, withoutExtras);
        }
      }
    } else {
      const expected = this.expectedRequiresDist(pyproject, scope, true);
      this.compareSets(label, 'requires-dist', expected, actualRequiresDist, { selfName: pkg.version === undefined ? scope.projectName : undefined });
    }

    // Dependency groups (requires-dev), with empty groups only from lock revision 1 on.
    const groups = this.expectedGroups(pyproject, scope, label);
    if (groups) {
      const rawMetadata = own(this.rawPackage(pkgIndex), 'metadata');
      // Written as `requires-dev`; uv also reads the alias `dependency-groups`.
      const devKey = own(rawMetadata, 'requires-dev') !== undefined ? 'requires-dev' : 'dependency-groups';
      const rawGroups = own(rawMetadata, devKey);
      const lockGroups = new Map<string, { key: string; count: number }>();
      for (const [group, list] of entriesOf(rawGroups)) lockGroups.set(normalizeName(group), { key: group, count: Array.isArray(list) ? list.length : 0 });
      const includeEmpty = this.lock.revision >= 1;
      const names = new Set([...groups.keys(), ...lockGroups.keys()]);
      for (const group of [...names].sort()) {
        const expected = groups.get(group);
        const locked = lockGroups.get(group);
        const expectedEmpty = !expected || (expected.requirements.length === 0 && expected.problems.length === 0);
        const lockedEmpty = !locked || locked.count === 0;
        if (expectedEmpty && lockedEmpty) {
          if (includeEmpty && !!expected !== !!locked) {
            this.mismatch(label, `dependency group \`${group}\``, expected ? '(empty group)' : '(absent)', locked ? '(empty group)' : '(absent)', expected ? file : this.lock.file, expected ? this.groupLine(pyproject, group) : this.lockLine(`${pkgPath}.metadata.${devKey}`));
          }
          continue;
        }
        const actual = locked ? this.lockTables(this.rawPackage(pkgIndex), pkgPath, ['metadata', devKey, locked.key]) : { requirements: [], problems: [] };
        this.compareSets(label, `dependency group \`${group}\``, expected ?? { requirements: [], problems: [] }, actual);
      }
    }
  }

  private rawPackage(index: number | undefined): unknown {
    if (index === undefined) return undefined;
    const list = own(this.lock.raw, this.packageKey);
    return Array.isArray(list) ? list[index] : undefined;
  }

  private groupLine(pyproject: Pyproject, group: string): number | undefined {
    for (const [key] of entriesOf(own(pyproject.raw, 'dependency-groups'))) {
      if (normalizeName(key) === group) return lineOf(pyproject.lines, keyPath('dependency-groups', key));
    }
    if (group === 'dev') return pyproject.lines.get('tool.uv.dev-dependencies');
    return undefined;
  }

  /** `project.dependencies` and each `project.optional-dependencies` extra (marker `extra == '<name>'`), lowered. */
  private expectedRequiresDist(pyproject: Pyproject, scope: LoweringScope, withExtras: boolean): Expected {
    const out: Expected = { requirements: [], problems: [] };
    const project = own(pyproject.raw, 'project');
    const dependencies = own(project, 'dependencies');
    if (Array.isArray(dependencies)) {
      dependencies.forEach((text, index) => {
        this.lowerInto(out, text, scope, { file: pyproject.file, line: lineOf(pyproject.lines, keyPath('project', 'dependencies', index)) });
      });
    }
    for (const [extra, list] of withExtras ? entriesOf(own(project, 'optional-dependencies')) : []) {
      if (!Array.isArray(list)) continue;
      const name = normalizeName(extra);
      const extraMarker: Marker = { kind: 'extra', name, negated: false };
      list.forEach((text, index) => {
        this.lowerInto(out, text, { ...scope, extra: name }, { file: pyproject.file, line: lineOf(pyproject.lines, keyPath('project', 'optional-dependencies', extra, index)) }, extraMarker);
      });
    }
    return out;
  }

  private lowerInto(out: Expected, text: unknown, scope: LoweringScope, origin: { file: string; line?: number }, extraMarker?: Marker): void {
    const result = lowerRequirementText(text, scope, this.workspace, origin, extraMarker);
    if (result.ok) out.requirements.push(...result.requirements);
    else out.problems.push(result.problem);
  }

  /**
   * PEP 735 groups with `include-group` flattened, `[tool.uv.dependency-groups]` requires-python
   * as markers, and the legacy `tool.uv.dev-dependencies` as `dev` (uv's FlatDependencyGroups).
   */
  private expectedGroups(pyproject: Pyproject, scope: LoweringScope, label: string): Map<string, Expected> | undefined {
    const rawGroups = own(pyproject.raw, 'dependency-groups');
    const byName = new Map<string, { key: string; list: unknown[] }>();
    const file = pyproject.file;
    if (rawGroups !== undefined) {
      if (!isTable(rawGroups)) {
        this.undecidable(label, 'dependency groups', '`[dependency-groups]` is not a table; uv rejects it', file, pyproject.lines.get('dependency-groups'));
        return undefined;
      }
      for (const [key, list] of Object.entries(rawGroups)) {
        const name = normalizeName(key);
        if (!Array.isArray(list) || byName.has(name)) {
          this.undecidable(label, `dependency group \`${name}\``, byName.has(name) ? 'two groups have the same normalized name; uv rejects that' : 'the group is not a list; uv rejects it', file, lineOf(pyproject.lines, keyPath('dependency-groups', key)));
          return undefined;
        }
        byName.set(name, { key, list });
      }
    }
    // Group requires-python markers.
    const groupPython = new Map<string, Marker>();
    for (const [key, settings] of entriesOf(own(toolUv(pyproject), 'dependency-groups'))) {
      const name = normalizeName(key);
      if (!byName.has(name)) {
        this.undecidable(label, `dependency group \`${name}\``, '`[tool.uv.dependency-groups]` configures a group that `[dependency-groups]` does not define; uv rejects that', file, lineOf(pyproject.lines, keyPath('tool', 'uv', 'dependency-groups', key)));
        return undefined;
      }
      const requiresPython = asString(own(settings, 'requires-python'));
      if (requiresPython === undefined) continue;
      const specs = parseSpecifiers(requiresPython);
      const range = specs.ok ? releaseRange(specs.value) : undefined;
      if (!range) {
        this.undecidable(label, `dependency group \`${name}\``, `lockgate cannot compute the range of the group's requires-python \`${requiresPython}\``, file, lineOf(pyproject.lines, keyPath('tool', 'uv', 'dependency-groups', key, 'requires-python')));
        return undefined;
      }
      groupPython.set(name, rangeMarker(range));
    }

    interface Item {
      text: unknown;
      line?: number;
      marker: Marker;
    }
    const resolved = new Map<string, Item[]>();
    const resolve = (name: string, stack: string[]): Item[] | string => {
      const done = resolved.get(name);
      if (done) return done;
      if (stack.includes(name)) return `the groups include each other in a cycle (${[...stack, name].join(' -> ')}); uv rejects that`;
      const group = byName.get(name);
      if (!group) return `a group includes \`${name}\`, which is not defined; uv rejects that`;
      const items: Item[] = [];
      for (let index = 0; index < group.list.length; index++) {
        const entry = group.list[index];
        if (typeof entry === 'string') {
          items.push({ text: entry, line: lineOf(pyproject.lines, keyPath('dependency-groups', group.key, index)), marker: TRUE });
        } else if (isTable(entry) && typeof own(entry, 'include-group') === 'string' && Object.keys(entry).length === 1) {
          const included = resolve(normalizeName(own(entry, 'include-group') as string), [...stack, name]);
          if (typeof included === 'string') return included;
          items.push(...included);
        } else {
          return `group \`${name}\` has an entry that is neither a requirement string nor \`{ include-group = "..." }\`; uv rejects it`;
        }
      }
      const python = groupPython.get(name);
      const withPython = python ? items.map((item) => ({ ...item, marker: markerAnd(item.marker, python) })) : items;
      resolved.set(name, withPython);
      return withPython;
    };

    const out = new Map<string, Expected>();
    for (const name of byName.keys()) {
      const items = resolve(name, []);
      if (typeof items === 'string') {
        this.undecidable(label, 'dependency groups', items, file, this.groupLine(pyproject, name));
        return undefined;
      }
      const expected: Expected = { requirements: [], problems: [] };
      for (const item of items) this.lowerInto(expected, item.text, { ...scope, group: name }, { file, line: item.line }, item.marker.kind === 'true' ? undefined : item.marker);
      out.set(name, expected);
    }
    const dev = own(toolUv(pyproject), 'dev-dependencies');
    if (Array.isArray(dev)) {
      const expected = out.get('dev') ?? { requirements: [], problems: [] };
      dev.forEach((text, index) => this.lowerInto(expected, text, { ...scope, group: 'dev' }, { file, line: lineOf(pyproject.lines, keyPath('tool', 'uv', 'dev-dependencies', index)) }));
      out.set('dev', expected);
    }
    return out;
  }

  /** Requirement tables of uv.lock at `<containerPath>.<segments>[i]`, read from the raw document (with their lines). */
  private lockTables(container: unknown, containerPath: string | undefined, segments: string[]): Expected {
    const out: Expected = { requirements: [], problems: [] };
    let node: unknown = container;
    for (const segment of segments) node = own(node, segment);
    if (!Array.isArray(node)) return out;
    const path = containerPath === undefined ? undefined : `${containerPath}.${keyPath(...segments)}`;
    node.forEach((entry, i) => {
      const result = lowerLockTable(entry, this.lock.file, path === undefined ? undefined : this.lockLine(`${path}[${i}]`), this.project.root);
      if (result.ok) out.requirements.push(...result.requirements);
      else out.problems.push(result.problem);
    });
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Set comparison

  private compareSets(
    member: string,
    what: string,
    expected: Expected,
    actual: Expected,
    options: { selfName?: string } = {},
  ): void {
    for (const problem of [...expected.problems, ...actual.problems]) this.problem(member, what, problem);
    if (expected.problems.length || actual.problems.length) return;
    const result = compareRequirementSets(expected.requirements, actual.requirements, this.lockRange, { exactIndexUrls: this.lock.revision >= EXACT_INDEX_URL_REVISION });
    const selfReferencing = options.selfName !== undefined && expected.requirements.some((req) => req.name === options.selfName);
    for (const pair of result.undecidable) {
      this.undecidable(member, what, pair.reason, pair.expected.file, pair.expected.line, pair.expected.display, describeRequirement(pair.actual));
    }
    if ((result.missing.length || result.extra.length) && selfReferencing) {
      // uv also accepts the "flattened" form a build backend may produce for a dynamic-version
      // project whose extras include each other; lockgate does not rebuild it.
      this.undecidable(member, what, 'the project refers to its own extras and has a dynamic version; uv also accepts the flattened form a build backend writes, which lockgate does not reproduce', expected.requirements[0]!.file, expected.requirements.find((req) => req.name === options.selfName)?.line);
      return;
    }
    // By name, in the lock's order: with thousands of differences, scanning the lists for each one
    // was quadratic.
    const extra = new Set(result.extra);
    const actualByName = new Map<string, LoweredRequirement[]>();
    for (const other of actual.requirements) {
      if (!extra.has(other)) continue;
      const list = actualByName.get(other.name);
      if (list) list.push(other);
      else actualByName.set(other.name, [other]);
    }
    const missingNames = new Set(result.missing.map((req) => req.name));
    for (const req of result.missing) {
      const sameName = actualByName.get(req.name) ?? [];
      this.mismatch(member, what, req.display, sameName.length ? sameName.map(describeRequirement).join(' | ') : '(not recorded)', req.file, req.line);
    }
    for (const req of result.extra) {
      if (missingNames.has(req.name)) continue;
      this.mismatch(member, what, '(absent)', describeRequirement(req), req.file, req.line);
    }
  }

  // -------------------------------------------------------------------------------------------
  // [manifest]

  private checkManifest(): void {
    const root = this.project.rootPyproject;
    const uv = toolUv(root);
    const rootScope: LoweringScope = { projectRelDir: '.', projectSources: new Map(), projectIndexes: [] };
    const manifest = own(this.lock.raw, 'manifest');

    // requirements: always empty for a workspace (only PEP 723 scripts have them).
    this.compareSets(WORKSPACE, 'manifest requirements', { requirements: [], problems: [] }, this.lockTables(manifest, 'manifest', ['requirements']));

    for (const [key, manifestKey, what] of [
      ['constraint-dependencies', 'constraints', 'constraints (`constraint-dependencies`)'],
      ['override-dependencies', 'overrides', 'overrides (`override-dependencies`)'],
      ['build-constraint-dependencies', 'build-constraints', 'build constraints (`build-constraint-dependencies`)'],
    ] as const) {
      const list = own(uv, key);
      const expected: Expected = { requirements: [], problems: [] };
      if (list !== undefined && !Array.isArray(list)) {
        this.undecidable(WORKSPACE, what, `\`${key}\` is not a list`, root.file, this.rootToolLine(key));
        continue;
      }
      let scoped = false;
      (list ?? []).forEach((text: unknown, index: number) => {
        if (typeof text !== 'string') {
          scoped = true;
          return;
        }
        // Root lists are lowered with the root's sources.
        this.lowerInto(expected, text, rootScope, { file: root.file, line: lineOf(root.lines, keyPath('tool', 'uv', key, index)) });
      });
      if (scoped) {
        this.undecidable(WORKSPACE, what, `\`${key}\` has scoped (table) entries, which lockgate does not compare`, root.file, this.rootToolLine(key));
        continue;
      }
      const actual = this.lockTables(manifest, 'manifest', [manifestKey]);
      this.compareSets(WORKSPACE, what, expected, actual);
    }

    // Excludes: names.
    const excludes = own(uv, 'exclude-dependencies');
    const lockExcludes = own(manifest, 'excludes');
    if (excludes !== undefined || lockExcludes !== undefined) {
      const expected = Array.isArray(excludes) ? excludes : [];
      const locked = Array.isArray(lockExcludes) ? lockExcludes : [];
      if ([...expected, ...locked].some((item) => typeof item !== 'string')) {
        this.undecidable(WORKSPACE, 'excludes (`exclude-dependencies`)', 'scoped exclusions are not compared by lockgate', root.file, this.rootToolLine('exclude-dependencies'));
      } else {
        const a = [...new Set(expected.map((item) => normalizeName(item as string)))].sort();
        const b = [...new Set(locked.map((item) => normalizeName(item as string)))].sort();
        if (a.join(',') !== b.join(',')) this.mismatch(WORKSPACE, 'excludes (`exclude-dependencies`)', a.join(', ') || '(none)', b.join(', ') || '(none)', root.file, this.rootToolLine('exclude-dependencies'));
      }
    }

    // Dependency groups of a workspace root without [project].
    const lockGroups = own(manifest, 'dependency-groups');
    if (!root.hasProjectTable) {
      const groups = this.expectedGroups(root, rootScope, WORKSPACE);
      if (groups) {
        const names = new Set<string>();
        for (const [name, expected] of groups) if (expected.requirements.length || expected.problems.length) names.add(name);
        const lockKeys = new Map<string, string>();
        for (const [key, list] of entriesOf(lockGroups)) if (Array.isArray(list) && list.length) lockKeys.set(normalizeName(key), key);
        for (const name of lockKeys.keys()) names.add(name);
        for (const name of [...names].sort()) {
          const key = lockKeys.get(name);
          const actual = key === undefined ? { requirements: [], problems: [] } : this.lockTables(manifest, 'manifest', ['dependency-groups', key]);
          this.compareSets(WORKSPACE, `dependency group \`${name}\``, groups.get(name) ?? { requirements: [], problems: [] }, actual);
        }
      }
    } else if (entriesOf(lockGroups).some(([, list]) => Array.isArray(list) && list.length)) {
      this.mismatch(WORKSPACE, 'workspace dependency groups', '(the root has [project]: its groups belong to the project)', 'recorded in [manifest.dependency-groups]', this.lock.file, this.lockLine('manifest.dependency-groups'));
    }

    this.checkDependencyMetadata(manifest);
  }

  private checkDependencyMetadata(manifest: unknown): void {
    const configured = own(this.settings.table, 'dependency-metadata');
    const locked = own(manifest, 'dependency-metadata');
    const a = Array.isArray(configured) ? configured : [];
    const b = Array.isArray(locked) ? locked : [];
    if (a.length === 0 && b.length === 0) return;
    const keys = (list: unknown[]): (string | undefined)[] => list.map(staticMetadataKey);
    const ka = keys(a);
    const kb = keys(b);
    const line = this.settingLine('dependency-metadata');
    if (ka.includes(undefined) || kb.includes(undefined)) {
      this.undecidable(WORKSPACE, '`dependency-metadata`', 'lockgate cannot read every entry', this.settings.file, line);
      return;
    }
    const sa = [...new Set(ka as string[])].sort();
    const sb = [...new Set(kb as string[])].sort();
    if (sa.join('\n') !== sb.join('\n')) {
      const missing = sa.filter((key) => !sb.includes(key));
      const extra = sb.filter((key) => !sa.includes(key));
      this.mismatch(WORKSPACE, '`dependency-metadata`', missing.join('; ') || '(matching entries)', extra.join('; ') || '(matching entries)', this.settings.file, line);
    }
  }

  // -------------------------------------------------------------------------------------------
  // The walk from the members: registries against the configured indexes, other source trees

  private walkPackages(): void {
    const byName = new Map<string, LockPackage[]>();
    for (const pkg of this.lock.packages) {
      const list = byName.get(pkg.name);
      if (list) list.push(pkg);
      else byName.set(pkg.name, [pkg]);
    }
    const locked = new LockedCandidates(byName);
    const resolve = (dep: LockDependency): LockPackage | undefined => {
      const candidates = byName.get(dep.name) ?? [];
      if (candidates.length === 1) return candidates[0];
      return locked.matching(dep.name, dep.version, dep.source)[0];
    };

    const indexes = this.configuredIndexes();
    const queue: LockPackage[] = [];
    const seen = new Set<LockPackage>();
    for (const name of this.members.keys()) {
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
          if (slashTwin && this.lock.revision >= EXACT_INDEX_URL_REVISION) {
            this.mismatch(
              WORKSPACE,
              'package index',
              [...indexes.remote].find((other) => other.replace(/\/+$/, '') === bareUrl(url).replace(/\/+$/, '')) ?? '',
              `${pkg.name} ${pkg.version ?? ''} from ${url}`.replace('  ', ' '),
              this.lock.file,
              pkg.line,
              'the index URLs differ by a trailing slash, which uv (since 0.7.20) compares as written (uv: MissingRemoteIndex)',
            );
          } else if (slashTwin) {
            this.undecidable(WORKSPACE, 'package index', `uv.lock takes \`${pkg.name}\` from \`${url}\`, configured with a different trailing slash; whether uv treats them as one index depends on its version`, this.lock.file, pkg.line);
          } else {
            this.mismatch(
              WORKSPACE,
              'package index',
              [...indexes.remote, ...indexes.local].join(', ') || '(no index)',
              `${pkg.name} ${pkg.version ?? ''} from ${url}`.replace('  ', ' '),
              this.lock.file,
              pkg.line,
              'uv.lock takes a package from an index the configuration no longer lists (uv: MissingRemoteIndex); if CI adds it through UV_INDEX or --index, the committed configuration does not say so',
            );
          }
        }
      }
      if (pkg.source.kind === 'registry' || pkg.source.kind === 'git') continue;
      if (indexes) for (const table of pkg.metadata?.requiresDist ?? []) if (table.index) indexes.remote.add(bareUrl(table.index));
      if (!this.members.has(pkg.name)) this.checkOtherPackage(pkg);
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
  private configuredIndexes(): { remote: Set<string>; local: Set<string> } | undefined {
    const settings = this.settings.table;
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
  private checkOtherPackage(pkg: LockPackage): void {
    const source = pkg.source;
    if (source.kind === 'url') return; // Pinned by URL and hash; uv fetches it only online.
    if (source.kind === 'path') {
      this.undecidable(pkg.name, 'metadata', `uv reads the metadata of the archive \`${source.path}\` to check this package; lockgate does not open archives`, this.lock.file, pkg.line);
      return;
    }
    if (source.kind !== 'directory' && source.kind !== 'editable' && source.kind !== 'virtual') return;
    const rel = canonicalPath(this.project.root, source.path);
    if (leavesRepository(this.project.root, rel)) {
      this.undecidable(pkg.name, 'metadata', `uv re-reads \`${rel}\` (outside the repository) to check this package's metadata; lockgate cannot see it`, this.lock.file, pkg.line);
      return;
    }
    const pyproject = this.workspace.pyprojectsByDir.get(repoDir(this.project.root, rel));
    if (!pyproject) {
      this.undecidable(pkg.name, 'metadata', `uv reads \`${rel}\` to check this package's metadata; lockgate has no pyproject.toml there (a setup.py project, or not loaded)`, this.lock.file, pkg.line);
      return;
    }
    if (!pyproject.hasProjectTable || !pyproject.name) {
      this.undecidable(pkg.name, 'metadata', `\`${rel}/pyproject.toml\` has no [project] table; uv would build it to learn its metadata`, pyproject.file, pyproject.lines.get('project'));
      return;
    }
    const name = normalizeName(pyproject.name);
    const problems: LoweringProblem[] = [];
    const scope: LoweringScope = { projectName: name, projectRelDir: rel, projectSources: readSources(pyproject, problems), projectIndexes: readNamedIndexes(toolUv(pyproject)) };
    for (const problem of problems) this.problem(pkg.name, '`[tool.uv.sources]`', problem);
    const ownWorkspace = this.ownWorkspaceOf(pyproject, name);
    if (ownWorkspace === 'unknown') {
      this.undecidable(pkg.name, 'metadata', `uv lowers the requirements of \`${rel}\` in a workspace of its own, which lockgate does not model`, pyproject.file, pyproject.lines.get('project'));
      return;
    }
    if (ownWorkspace) scope.ownWorkspace = ownWorkspace;
    this.checkSourceTree(pkg, pyproject, scope, pkg.name);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * `no-sources = true` (every package) or `no-sources-package = [...]` (uv-configuration
 * `NoSources::from_args`: `no-sources` set either way wins over the package list).
 */
function noSourcesOf(settings: Table): true | Set<string> | undefined {
  const all = own(settings, 'no-sources');
  if (all === true) return true;
  if (all === false) return undefined;
  const packages = asStringArray(own(settings, 'no-sources-package'));
  return packages && packages.length ? new Set(packages.map(normalizeName)) : undefined;
}

/** An unquoted TOML date-time arrives as a Date; uv reads it as the same text. */
function tomlValue(value: unknown): unknown {
  return value instanceof Date ? asString(value) : value;
}


function originalKey(table: unknown, normalized: string): string {
  for (const key of Object.keys(isTable(table) ? table : {})) if (normalizeName(key) === normalized) return key;
  return normalized;
}

function conflictItem(item: unknown, defaultPackage: string | undefined): string | undefined {
  if (!isTable(item)) return undefined;
  const pkg = asString(own(item, 'package')) ?? defaultPackage;
  if (pkg === undefined) return undefined;
  const extra = asString(own(item, 'extra'));
  const group = asString(own(item, 'group'));
  if (extra !== undefined && group !== undefined) return undefined;
  const name = normalizeName(pkg);
  return extra !== undefined ? `${name}[${normalizeName(extra)}]` : group !== undefined ? `${name}:${normalizeName(group)}` : name;
}

function conflictSetKey(items: string[]): string {
  return `{${[...new Set(items)].sort().join(', ')}}`;
}

/** A `dependency-metadata` entry as a comparable key (uv compares the parsed entries as a set). */
function staticMetadataKey(entry: unknown): string | undefined {
  if (!isTable(entry)) return undefined;
  const name = asString(own(entry, 'name'));
  if (!name) return undefined;
  const parts = [normalizeName(name)];
  const version = asString(own(entry, 'version'));
  parts.push(version === undefined ? '' : `version ${version.replace(/(\.0+)+$/, '')}`);
  const requiresDist = own(entry, 'requires-dist');
  if (requiresDist !== undefined) {
    if (!Array.isArray(requiresDist)) return undefined;
    const reqs: string[] = [];
    for (const text of requiresDist) {
      const parsed = parseRequirement(text);
      if (!parsed.ok) return undefined;
      const r = parsed.value;
      reqs.push(`${r.normalizedName}[${r.extras.join(',')}]${r.url ? `@${r.url}` : specifierListKey(r.specifiers)};${formatMarker(r.marker)}`);
    }
    parts.push(`requires-dist ${reqs.join(' | ')}`);
  } else parts.push('');
  const requiresPython = asString(own(entry, 'requires-python'));
  if (requiresPython !== undefined) {
    const specs = parseSpecifiers(requiresPython);
    if (!specs.ok) return undefined;
    parts.push(`requires-python ${specifierListKey(specs.value)}`);
  } else parts.push('');
  const extras = asStringArray(own(entry, 'provides-extras')) ?? [];
  parts.push(extras.length ? `provides-extras ${extras.map(normalizeName).join(',')}` : '');
  return parts.filter(Boolean).join(' ');
}

/** The marker uv adds for a group's requires-python (`RequiresPython::to_marker_tree`: the range). */
function rangeMarker(range: ReleaseRange): Marker {
  const items: Marker[] = [];
  const spec = (operator: Specifier['operator'], release: bigint[]): Marker => ({
    kind: 'version',
    variable: 'python_full_version',
    spec: { operator, star: false, text: release.join('.'), version: { epoch: 0n, release } },
  });
  if (range.empty) return { kind: 'false' };
  if (range.lower) items.push(spec(range.lower.inclusive ? '>=' : '>', range.lower.release));
  if (range.upper) items.push(spec(range.upper.inclusive ? '<=' : '<', range.upper.release));
  return markerAnd(...items);
}

// ---------------------------------------------------------------------------------------------
// Requirement sets

export interface SetComparison {
  /** In pyproject.toml, not in uv.lock. */
  missing: LoweredRequirement[];
  /** In uv.lock, not in pyproject.toml. */
  extra: LoweredRequirement[];
  undecidable: { expected: LoweredRequirement; actual: LoweredRequirement; reason: string }[];
}

/**
 * Two requirement sets as uv compares them (`BTreeSet` equality after normalization): order and
 * duplicates do not matter, markers are compared by meaning within the lock's requires-python.
 */
/**
 * `exactIndexUrls`: the lock has revision 2 or later (written by uv 0.6.15 or later), and lockgate
 * follows uv since 0.7.20, which compares index URLs as written: uv-resolver `lock/mod.rs`, `Package::satisfies`
 * compares the lowered `Requirement`s, whose `IndexUrl` keeps its trailing slash since uv 0.7.20
 * (#14511).
 */
export function compareRequirementSets(expected: LoweredRequirement[], actual: LoweredRequirement[], domain: ReleaseRange | undefined, options: { exactIndexUrls?: boolean } = {}): SetComparison {
  const result: SetComparison = { missing: [], extra: [], undecidable: [] };
  const group = (list: LoweredRequirement[]): Map<string, LoweredRequirement[]> => {
    const map = new Map<string, LoweredRequirement[]>();
    for (const req of list) {
      const key = requirementKey(req);
      const bucket = map.get(key);
      if (bucket) bucket.push(req);
      else map.set(key, [req]);
    }
    return map;
  };
  const expectedGroups = group(expected);
  const actualGroups = group(actual);
  const leftoverExpected: LoweredRequirement[] = [];
  const leftoverActual: LoweredRequirement[] = [];
  const keys = new Set([...expectedGroups.keys(), ...actualGroups.keys()]);
  for (const key of keys) {
    const rawA = expectedGroups.get(key) ?? [];
    const rawB = actualGroups.get(key) ?? [];
    if (rawA.length > MAX_SAME_KEY || rawB.length > MAX_SAME_KEY) {
      // Hundreds of entries for one requirement differing only by marker are not a real project;
      // comparing them pairwise would cost too much.
      if (rawA[0] && rawB[0]) result.undecidable.push({ expected: rawA[0], actual: rawB[0], reason: `more than ${MAX_SAME_KEY} entries for one requirement differ only by their markers` });
      else (rawA[0] ? result.missing : result.extra).push((rawA[0] ?? rawB[0])!);
      continue;
    }
    const a = dedupe(rawA, domain);
    const b = dedupe(rawB, domain);
    const usedB = new Set<number>();
    const unmatchedA: LoweredRequirement[] = [];
    for (const req of a) {
      const index = b.findIndex((other, i) => !usedB.has(i) && compareSources(req.source, other.source) === 'equal' && compareMarkers(req.marker, other.marker, domain) === 'equal');
      if (index === -1) unmatchedA.push(req);
      else usedB.add(index);
    }
    leftoverExpected.push(...unmatchedA);
    b.forEach((req, i) => {
      if (!usedB.has(i)) leftoverActual.push(req);
    });
  }
  // What is left: pairs that might still be equal (three-valued comparisons), else real differences.
  const usedActual = new Set<LoweredRequirement>();
  const actualByName = new Map<string, LoweredRequirement[]>();
  for (const req of leftoverActual) {
    const list = actualByName.get(req.name);
    if (list) list.push(req);
    else actualByName.set(req.name, [req]);
  }
  for (const req of leftoverExpected) {
    let undecidedWith: LoweredRequirement | undefined;
    let reason = '';
    for (const other of actualByName.get(req.name) ?? []) {
      if (usedActual.has(other) || other.name !== req.name || other.extras.join(',') !== req.extras.join(',') || other.groups.join(',') !== req.groups.join(',')) continue;
      const source = compareSources(req.source, other.source, options.exactIndexUrls);
      if (source === 'different') continue;
      const marker = compareMarkers(req.marker, other.marker, domain);
      if (marker === 'different') continue;
      if (source === 'equal' && marker === 'equal') {
        undecidedWith = undefined;
        usedActual.add(other);
        reason = 'matched';
        break;
      }
      undecidedWith = other;
      reason = source === 'undecidable' ? 'the version specifiers or index URLs differ only in a way whose meaning to uv depends on its version' : 'the markers differ in a way lockgate cannot compare by meaning';
      break;
    }
    if (reason === 'matched') continue;
    if (undecidedWith) {
      usedActual.add(undecidedWith);
      result.undecidable.push({ expected: req, actual: undecidedWith, reason });
    } else result.missing.push(req);
  }
  for (const req of leftoverActual) if (!usedActual.has(req)) result.extra.push(req);
  return result;
}

const MAX_SAME_KEY = 256;

function dedupe(list: LoweredRequirement[], domain: ReleaseRange | undefined): LoweredRequirement[] {
  const out: LoweredRequirement[] = [];
  for (const req of list) {
    if (!out.some((other) => compareSources(req.source, other.source) === 'equal' && compareMarkers(req.marker, other.marker, domain) === 'equal')) out.push(req);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// exclude-newer

type LockedValue = { kind: 'none' } | { kind: 'span'; iso: string } | { kind: 'timestamp'; instant: Instant } | { kind: 'invalid'; text: string };

interface Instant {
  ms: number;
  /** Nanoseconds below the millisecond, so `...13.484567446Z` differs from `...13.484Z` as in uv. */
  subMs: number;
}

function instantOf(text: string): Instant | undefined {
  const ms = parseTimestamp(text);
  if (ms === null) return undefined;
  const fraction = /[.,](\d+)/.exec(text.split(/[Tt ]/)[1] ?? '')?.[1] ?? '';
  const subMs = Number(fraction.padEnd(9, '0').slice(3, 9));
  return { ms, subMs };
}

function lockedValue(timestamp: string | undefined, span: string | undefined): LockedValue {
  if (span !== undefined && span !== '') {
    const parsed = parseSpan(span);
    return parsed.ok ? { kind: 'span', iso: parsed.value.iso } : { kind: 'invalid', text: span };
  }
  if (timestamp === undefined || timestamp === '') return { kind: 'none' };
  const instant = instantOf(timestamp);
  return instant ? { kind: 'timestamp', instant } : { kind: 'invalid', text: timestamp };
}

type ExcludeNewerChange = { kind: 'same' } | { kind: 'changed'; reason: string } | { kind: 'undecidable'; reason: string };

type ConfiguredValue = ReturnType<typeof parseExcludeNewer> extends { ok: true; value: infer V } | { ok: false; error: string } ? V : never;

/** uv's `ExcludeNewer::compare`: a changed span, a span added or removed, a changed absolute timestamp. */
function compareExcludeNewer(configured: ConfiguredValue, locked: LockedValue): ExcludeNewerChange {
  if (locked.kind === 'invalid') return { kind: 'undecidable', reason: `lockgate cannot read uv.lock's value \`${locked.text}\`` };
  if (configured.kind === 'disabled') return locked.kind === 'none' ? { kind: 'same' } : { kind: 'changed', reason: 'the setting was removed' };
  if (locked.kind === 'none') return { kind: 'changed', reason: 'the setting was added' };
  if (configured.kind === 'span') {
    if (locked.kind !== 'span') return { kind: 'changed', reason: 'a relative value replaced an absolute one' };
    // jiff compares spans field by field: "7 days" (P7D) is not "1 week" (P1W).
    return configured.span.iso === locked.iso ? { kind: 'same' } : { kind: 'changed', reason: `uv compares spans field by field, and ${configured.span.iso} is not ${locked.iso}` };
  }
  if (locked.kind === 'span') return { kind: 'changed', reason: 'an absolute value replaced a relative one' };
  if (configured.kind === 'timestamp') {
    const instant = instantOf(configured.text);
    if (!instant) return { kind: 'undecidable', reason: 'lockgate cannot read the configured timestamp' };
    return instant.ms === locked.instant.ms && instant.subMs === locked.instant.subMs ? { kind: 'same' } : { kind: 'changed', reason: 'the timestamp changed' };
  }
  // A plain date: the end of that day in the time zone of whoever runs uv.
  if (locked.instant.ms < configured.earliestMs || locked.instant.ms > configured.latestMs) return { kind: 'changed', reason: 'the date does not end at the recorded cutoff in any time zone' };
  return { kind: 'undecidable', reason: 'a plain date means the end of that day in the time zone of the machine running uv; the recorded cutoff matches it in some time zones' };
}

function describeConfigured(raw: unknown): string {
  if (raw === undefined) return '(absent)';
  if (raw === false) return 'false';
  if (typeof raw === 'string') return `"${raw}"`;
  if (raw instanceof Date) return raw.toISOString();
  return JSON.stringify(raw) ?? String(raw);
}

function describeLocked(timestamp: string | undefined, span: string | undefined): string {
  if (span) return `span ${span}`;
  if (timestamp) return `"${timestamp}"`;
  return '(absent)';
}

