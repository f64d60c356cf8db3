/** What every part of the lock-sync check reads and writes: the project, the lock, the workspace model and the issues found so far. */
import type { Lock, LockPackage, Pyproject, UvProject } from '../model.js';
import { normalizeName } from '../names.js';
import { parseSpecifiers, releaseRange, type ReleaseRange } from '../specifiers.js';
import { globMatcher } from '../load.js';
import { keyPath, lineOf } from '../toml.js';
import { uvSettingsOf, type UvSettingsSource } from '../uv-config.js';
import { asStringArray, isTable, own, type Table } from '../values.js';
import {
  readNamedIndexes,
  readSources,
  relativeToRoot,
  toolUv,
  type LoweringProblem,
  type LoweringScope,
  type LoweringWorkspace,
  type WorkspaceMember,
} from '../lowering.js';
import type { SyncIssue, SyncOptions } from './index.js';

export const WORKSPACE = 'workspace';

/**
 * From this lock revision on (uv 0.6.15+, `upload-time`), index URLs that differ by a trailing slash
 * are a mismatch, as uv since 0.7.20 has them (#14511); uv 0.7.16 to 0.7.19 stripped the slash
 * (#14245). Older locks keep a notice.
 */
export const EXACT_INDEX_URL_REVISION = 2;

export interface MemberInfo extends WorkspaceMember {
  /** Lowering scope for this member's own requirements. */
  scope: LoweringScope;
}

export class SyncState {
  readonly issues: SyncIssue[] = [];
  readonly settings: UvSettingsSource;
  readonly workspace: LoweringWorkspace;
  readonly members = new Map<string, MemberInfo>();
  readonly lockRange: ReleaseRange | undefined;
  readonly packageIndex = new Map<LockPackage, number>();
  readonly packageKey: string;

  constructor(
    readonly project: UvProject,
    readonly lock: Lock,
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
        this.undecidable(
          WORKSPACE,
          'workspace members',
          `${pyproject.file} has no \`project.name\`; uv refuses such a member`,
          pyproject.file,
          pyproject.lines.get('project'),
        );
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
  ownWorkspaceOf(pyproject: Pyproject, name: string): LoweringWorkspace | 'unknown' | undefined {
    let dir = pyproject.dir;
    let ancestor: Pyproject | undefined;
    while (dir !== '' && !ancestor) {
      dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
      ancestor = this.workspace.pyprojectsByDir.get(dir);
    }
    const workspaceTable = ancestor ? own(toolUv(ancestor), 'workspace') : undefined;
    if (ancestor && isTable(workspaceTable)) {
      const matches = (key: string) =>
        (asStringArray(own(workspaceTable, key)) ?? []).some((pattern) => globMatcher(ancestor.dir, pattern)?.(pyproject.dir) === true);
      if (matches('members') && !matches('exclude')) return ancestor === this.project.rootPyproject ? undefined : 'unknown';
    }
    // A project of its own; one that declares a workspace of its own is not modelled.
    if (isTable(own(toolUv(pyproject), 'workspace'))) return 'unknown';
    const problems: LoweringProblem[] = [];
    const self: WorkspaceMember = { name, pyproject, relDir: relativeToRoot(this.project.root, pyproject.dir) };
    return {
      ...this.workspace,
      members: new Map([[name, self]]),
      requiredMembers: new Map(),
      rootSources: readSources(pyproject, problems),
      rootIndexes: readNamedIndexes(toolUv(pyproject)),
    };
  }

  private scopeNestedMember(member: MemberInfo): void {
    if (member.pyproject === this.project.rootPyproject) return;
    const own = this.ownWorkspaceOf(member.pyproject, member.name);
    if (own === 'unknown') {
      this.undecidable(
        member.name,
        'requires-dist',
        "uv lowers this member's requirements in another workspace around it, which lockgate does not model",
        member.pyproject.file,
        member.pyproject.lines.get('project'),
      );
    } else if (own) {
      member.scope.ownWorkspace = own;
    }
  }
  // -------------------------------------------------------------------------------------------
  // Reporting helpers

  mismatch(
    member: string,
    what: string,
    inPyproject: string | undefined,
    inLock: string | undefined,
    file: string,
    line: number | undefined,
    detail?: string,
  ): SyncIssue {
    const issue: SyncIssue = { kind: 'mismatch', member, what, file };
    if (inPyproject !== undefined) issue.inPyproject = inPyproject;
    if (inLock !== undefined) issue.inLock = inLock;
    if (detail !== undefined) issue.detail = detail;
    if (line !== undefined) issue.line = line;
    this.issues.push(issue);
    return issue;
  }

  undecidable(member: string, what: string, detail: string, file: string, line: number | undefined, inPyproject?: string, inLock?: string): SyncIssue {
    const issue: SyncIssue = { kind: 'undecidable', member, what, detail, file };
    if (line !== undefined) issue.line = line;
    if (inPyproject !== undefined) issue.inPyproject = inPyproject;
    if (inLock !== undefined) issue.inLock = inLock;
    this.issues.push(issue);
    return issue;
  }

  problem(member: string, what: string, problem: LoweringProblem): void {
    // A configuration uv itself rejects fails `--locked` too, but for a reason lockgate reports as
    // undecidable: the message says what uv will say.
    const detail = problem.kind === 'error' ? `${problem.message}, so \`uv lock --check\` fails before comparing anything` : problem.message;
    this.undecidable(member, what, detail, problem.file, problem.line, problem.requirement);
  }

  lockLine(path: string): number | undefined {
    return this.lock.lines ? lineOf(this.lock.lines, path) : undefined;
  }

  settingLine(key: string): number | undefined {
    const path = this.settings.prefix === '' ? keyPath(key) : keyPath('tool', 'uv', key);
    return lineOf(this.settings.lines, path) ?? (this.settings.kind === 'pyproject' ? this.settings.lines.get('tool.uv') : undefined);
  }

  rootToolLine(key: string): number | undefined {
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
  // Lock lookups

  findPackages(name: string): LockPackage[] {
    return this.lock.packages.filter((pkg) => pkg.name === name);
  }

  rawPackage(index: number | undefined): unknown {
    if (index === undefined) return undefined;
    const list = own(this.lock.raw, this.packageKey);
    return Array.isArray(list) ? list[index] : undefined;
  }
}

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
