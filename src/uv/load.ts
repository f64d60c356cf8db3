/**
 * Discovery of the uv projects of one revision, and reading them into the model. Nothing here
 * throws: a file that cannot be read or parsed becomes a load problem at the line the parser names
 * (the `invalid-file` rule reports each), and discovery carries on with the rest.
 *
 * A project is a workspace root: a pyproject.toml that is not a member of another workspace. Its
 * members come from `[tool.uv.workspace] members` minus `exclude` (globs relative to the root, `*`
 * within one directory, `**` across directories). A root is a uv project when it has a uv.lock
 * beside it (not an empty one beside another tool's project), or had one at the base revision.
 */
import { isFileSizeLimitReason, LIMIT_KEYS } from '../settings/limits.js';
import type { Limits } from '../settings/types.js';
import { ParseCache } from '../source/parse-cache.js';
import type { SourceFiles } from '../source/types.js';
import type { IndexConfig, Pyproject, UvProject } from './model.js';
import { readLock } from './lock.js';
import { repoDir } from './lowering.js';
import { dirOf, pyprojectFromParsed } from './pyproject.js';
import { keyPath, lineOf, parseToml } from './toml.js';
import { asBoolean, asString, asStringArray, isTable, own } from './values.js';

/**
 * A uv file, or a part of one, that lockgate could not use: what `invalid-file` reports. `line` is
 * one the file has (1 when the problem is the whole file); `column` only where the parser named one
 * on that line. `message` says what is wrong and what lockgate therefore did not check.
 */
export type UvLoadProblem = { file: string; line: number; column?: number; message: string } & UvLoadProblemKind;

/** What kind of problem a UvLoadProblem is. */
type UvLoadProblemKind =
  /** Over limits.max-file-bytes: not checked. */
  | { kind: 'too-large'; bytes: number }
  /** Not readable as text (a symlink out of the repository, a directory, bad bytes). */
  | { kind: 'unreadable' }
  /**
   * A pyproject.toml or uv.toml that is not valid TOML. `unused`: a pyproject.toml no uv project
   * reads (see `readByUv`), such as a cookiecutter or Jinja template shipped as package data.
   */
  | { kind: 'toml-syntax'; unused?: true }
  /** A uv.lock that is not valid TOML. */
  | { kind: 'lock-syntax' }
  /** A uv.lock that parses but that uv refuses (a structure or version it does not accept). */
  | { kind: 'lock-structure' }
  /** A uv.lock with more packages than limits.max-packages-per-lock: the rest go unchecked. */
  | { kind: 'too-many-packages'; packages: number }
  /**
   * A `[tool.uv.workspace]` members or exclude glob that lockgate cannot apply: `invalid` (uv stops
   * on it too), or `outside` (a members glob that leaves the repository, where lockgate sees no
   * files). Either way the members it would name are not checked as members.
   */
  | { kind: 'workspace-glob'; list: 'members' | 'exclude'; problem: 'invalid' | 'outside'; pattern: string };

/** A load problem before its place in the file is settled (see `lineWithText`). */
type Unplaced<P> = P extends UvLoadProblem ? Omit<P, 'line' | 'column'> : never;

export interface LoadedUvProjects {
  /** One entry a workspace root, sorted by root path. */
  projects: UvProject[];
  /** The uv files (or parts) that could not be read, parsed or applied, for `invalid-file`. */
  problems: UvLoadProblem[];
}

export interface LoadOptions {
  /** Shared by the base and head loads of a run, so a file unchanged between them is parsed once. */
  cache?: ParseCache;
  /**
   * Roots that had a uv.lock at the base revision: still uv projects at head without one, so a
   * change that deletes a lock is reported (lock-missing) rather than turning the project silent.
   */
  lockedAtBase?: ReadonlySet<string>;
}

const PYPROJECT = 'pyproject.toml';
const UV_LOCK = 'uv.lock';
const UV_TOML = 'uv.toml';

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function loadUvProjects(files: SourceFiles, limits: Limits, options: LoadOptions = {}): LoadedUvProjects {
  const problems: UvLoadProblem[] = [];
  const cache = options.cache ?? new ParseCache();
  const paths = new Set<string>();
  for (const path of files.paths ?? []) paths.add(path);
  for (const path of files.texts?.keys() ?? []) paths.add(path);
  for (const path of files.unreadable?.keys() ?? []) paths.add(path);

  /** A problem at a line the file has (see lineWithText), with the parser's column when that line stands. */
  const problem = (found: Unplaced<UvLoadProblem>, line: number, column?: number): UvLoadProblem => {
    const at = lineWithText(files.texts?.get(found.file), line);
    const entry = { ...found, line: at } as UvLoadProblem;
    if (at === line && column !== undefined) entry.column = column;
    problems.push(entry);
    return entry;
  };

  /** Text of a uv file, or undefined after reporting why it cannot be used. */
  const textOf = (path: string): string | undefined => {
    const reason = files.unreadable?.get(path);
    const text = files.texts?.get(path);
    if (reason !== undefined || typeof text !== 'string') {
      if (isFileSizeLimitReason(reason)) {
        const size = Number(/^(\d+) bytes/.exec(reason!)?.[1] ?? limits.maxFileBytes);
        problem(
          {
            kind: 'too-large',
            bytes: size,
            file: path,
            message: `${path} is ${size} bytes, over limits.${LIMIT_KEYS.maxFileBytes} (${limits.maxFileBytes}), so lockgate did not read or check it.`,
          },
          1,
        );
      } else {
        problem({ kind: 'unreadable', file: path, message: `${path} could not be read (${reason ?? 'no text was loaded'}), so lockgate did not check it.` }, 1);
      }
      return undefined;
    }
    // A UTF-16 unit is 1 to 3 UTF-8 bytes: count exactly only when the length alone cannot decide.
    if (text.length > limits.maxFileBytes || (text.length * 3 > limits.maxFileBytes && Buffer.byteLength(text, 'utf8') > limits.maxFileBytes)) {
      const size = Buffer.byteLength(text, 'utf8');
      problem(
        {
          kind: 'too-large',
          bytes: size,
          file: path,
          message: `${path} is ${size} bytes, over limits.${LIMIT_KEYS.maxFileBytes} (${limits.maxFileBytes}), so lockgate did not check it.`,
        },
        1,
      );
      return undefined;
    }
    return text;
  };

  // 1. Every readable pyproject.toml, by directory.
  const pyprojects = new Map<string, Pyproject>();
  /** The pyproject.toml files that are not TOML, by folder, with the reason, until step 4 grades them. */
  const unparsed = new Map<string, { entry: Extract<UvLoadProblem, { kind: 'toml-syntax' }>; reason: string }>();
  const sortedPaths = [...paths].sort();
  for (const path of sortedPaths) {
    if (baseName(path) !== PYPROJECT) continue;
    const text = textOf(path);
    if (text === undefined) continue;
    const parsed = cache.get('toml', path, text, () => parseToml(path, text));
    if (!parsed.ok) {
      const entry = problem(
        {
          kind: 'toml-syntax',
          file: path,
          message: `${path} is not valid TOML (${parsed.message}); uv cannot read it and lockgate did not check it.`,
        },
        parsed.line,
        parsed.column,
      ) as Extract<UvLoadProblem, { kind: 'toml-syntax' }>;
      unparsed.set(dirOf(path), { entry, reason: parsed.message });
      continue;
    }
    pyprojects.set(dirOf(path), pyprojectFromParsed(path, parsed.value, parsed.lines));
  }

  // 2. Workspaces, shallowest root first, so an outer workspace claims its members before a
  //    member's own (unsupported, nested) workspace table is considered.
  const memberOf = new Map<string, string>();
  const membersByRoot = new Map<string, Pyproject[]>();
  const workspaceGlobs: WorkspaceGlobs[] = [];
  const dirs = [...pyprojects.keys()].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const rootDir of dirs) {
    if (memberOf.has(rootDir)) continue;
    const root = pyprojects.get(rootDir)!;
    const workspace = own(own(own(root.raw, 'tool'), 'uv'), 'workspace');
    if (!isTable(workspace)) continue;
    // A glob lockgate cannot apply is reported, never dropped: the members it names would otherwise
    // go unchecked (or, for an exclude, be checked as members) without a word.
    const globs = (list: 'members' | 'exclude'): ((dir: string) => boolean)[] =>
      (asStringArray(own(workspace, list)) ?? []).flatMap((pattern, index) => {
        const glob = workspaceGlob(rootDir, pattern);
        if ('matches' in glob) return [glob.matches];
        // A pattern outside the repository excludes nothing lockgate sees: only members matter there.
        if (glob.problem === 'outside' && list === 'exclude') return [];
        const field = `tool.uv.workspace.${list}`;
        const message =
          glob.problem === 'outside'
            ? `${root.file}: the ${field} glob ${JSON.stringify(pattern)} leaves the repository, where lockgate sees no files, so the workspace members it names (if any) are not checked.`
            : `${root.file}: lockgate cannot apply the ${field} glob ${JSON.stringify(pattern)} (${glob.reason}), so the directories it names are ${list === 'members' ? 'not checked as workspace members' : 'not excluded: lockgate checks them as members'}.`;
        problem(
          { kind: 'workspace-glob', list, problem: glob.problem, pattern, file: root.file, message },
          lineOf(root.lines, keyPath('tool', 'uv', 'workspace', list, index)) ?? 1,
        );
        return [];
      });
    const include = globs('members');
    const exclude = globs('exclude');
    workspaceGlobs.push({ rootDir, include, exclude });
    const members: Pyproject[] = [];
    for (const dir of dirs) {
      if (dir === rootDir || memberOf.has(dir)) continue;
      if (!include.some((matches) => matches(dir)) || exclude.some((matches) => matches(dir))) continue;
      memberOf.set(dir, rootDir);
      members.push(pyprojects.get(dir)!);
    }
    members.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
    membersByRoot.set(rootDir, members);
  }

  /**
   * The nearest ancestor of `rootDir` (in the repository) with a uv.toml, or a pyproject.toml
   * with `[tool.uv]`: where uv-settings `FilesystemOptions::find` stops. A uv.toml that does not
   * parse makes uv stop with an error, so nothing is inherited (its own project reports it).
   */
  const inheritedSettings = (rootDir: string): UvProject['inheritedSettings'] => {
    let dir = rootDir;
    while (dir !== '') {
      dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
      const uvToml = join(dir, UV_TOML);
      if (paths.has(uvToml)) {
        const text = files.texts?.get(uvToml);
        if (typeof text !== 'string') return undefined;
        const parsed = cache.get('toml', uvToml, text, () => parseToml(uvToml, text));
        return parsed.ok ? { file: uvToml, kind: 'uv.toml', raw: parsed.value, lines: parsed.lines } : undefined;
      }
      const pyproject = pyprojects.get(dir);
      if (pyproject?.hasToolUv) return { file: pyproject.file, kind: 'pyproject', raw: pyproject.raw, lines: pyproject.lines };
    }
    return undefined;
  };

  // 3. Roots that are uv projects.
  const projects: UvProject[] = [];
  for (const rootDir of [...pyprojects.keys()].sort()) {
    if (memberOf.has(rootDir)) continue;
    const root = pyprojects.get(rootDir)!;
    const lockFile = join(rootDir, UV_LOCK);
    const uvTomlFile = join(rootDir, UV_TOML);
    const hasLock = paths.has(lockFile);
    const hasUvToml = paths.has(uvTomlFile);
    // What uv itself would use: a project is a uv project when it has a uv.lock (members come with
    // their workspace root). `[tool.uv]` or a workflow step alone does not make one: a library may
    // choose not to commit a lock, and a path in `uv run pytest tests/x` is not a project. An empty
    // uv.lock beside another tool's project (Poetry, PDM, ...) is a stray file, not a uv lock.
    const lockText = hasLock ? files.texts?.get(lockFile) : undefined;
    const strayLock = typeof lockText === 'string' && lockText.trim() === '' && usesOtherTool(root, rootDir, paths);
    const isUv = (hasLock && !strayLock) || (options.lockedAtBase?.has(rootDir) ?? false);
    if (!isUv) continue;

    const project: UvProject = {
      root: rootDir,
      rootPyproject: root,
      members: membersByRoot.get(rootDir) ?? [],
      // Every other pyproject of the repo: uv re-reads an in-repo path dependency's metadata,
      // so lock-out-of-sync looks them up by folder (only the ones a source names are used).
      pathProjects: [...pyprojects.values()].filter((p) => p !== root && !(membersByRoot.get(rootDir) ?? []).includes(p)),
      lock: null,
      lockFile,
      lockState: 'missing',
      indexes: [],
    };

    if (hasUvToml) {
      const text = textOf(uvTomlFile);
      if (text !== undefined) {
        const parsed = cache.get('toml', uvTomlFile, text, () => parseToml(uvTomlFile, text));
        if (parsed.ok) project.uvToml = { file: uvTomlFile, raw: parsed.value, lines: parsed.lines };
        else
          problem(
            {
              kind: 'toml-syntax',
              file: uvTomlFile,
              message: `${uvTomlFile} is not valid TOML (${parsed.message}); uv cannot read it and lockgate did not check it.`,
            },
            parsed.line,
            parsed.column,
          );
      }
    }

    if (hasLock) {
      project.lockState = 'invalid';
      const text = textOf(lockFile);
      if (text !== undefined) {
        const result = cache.get('lock', lockFile, text, () => readLock(lockFile, text, limits));
        if ('error' in result) {
          const syntax = result.error.message.startsWith('is not valid TOML');
          problem(
            {
              kind: syntax ? 'lock-syntax' : 'lock-structure',
              file: lockFile,
              message: `${lockFile} ${result.error.message}; uv ${syntax ? 'cannot read it' : 'refuses such a lock'}, and lockgate did not check its packages.`,
            },
            result.error.line,
            result.error.column,
          );
        } else {
          project.lock = result.lock;
          project.lockState = 'ok';
          if (result.truncated) {
            // As it stands (no lineWithText): the line of the first package past the limit.
            problems.push({
              kind: 'too-many-packages',
              packages: packageCount(result.lock.raw) ?? limits.maxPackagesPerLock + 1,
              file: lockFile,
              line: result.truncated.line,
              message: `${lockFile} ${result.truncated.message}.`,
            });
          }
        }
      }
    }

    if (!hasUvToml && !root.hasToolUv) {
      const inherited = inheritedSettings(rootDir);
      if (inherited) project.inheritedSettings = inherited;
    }

    project.indexes = collectIndexes(project);
    projects.push(project);
  }

  // 4. A pyproject.toml that is not TOML fails the check where uv would read it. Elsewhere (a
  //    template shipped as package data, a fixture) no uv command run in this repository reads it:
  //    it is reported, as a notice.
  if (unparsed.size > 0) {
    const readByUv = pyprojectsReadByUv(projects, workspaceGlobs, paths, options.lockedAtBase);
    for (const [dir, { entry, reason }] of unparsed) {
      if (readByUv(dir)) continue;
      entry.unused = true;
      entry.message =
        `${entry.file} is not valid TOML (${reason}). No uv project of this repository reads it ` +
        '(no uv.lock beside it; not a workspace member, a path source or a folder above a uv project), so it does not fail the check.';
    }
  }
  return { projects, problems };
}

/** A workspace root's member globs, as discovery applied them. */
interface WorkspaceGlobs {
  rootDir: string;
  include: ((dir: string) => boolean)[];
  exclude: ((dir: string) => boolean)[];
}

/**
 * Whether uv reads the pyproject.toml of a folder when it works on the repository's uv projects: a
 * folder with a uv.lock (or one at base), a workspace member by the globs of a workspace root, a
 * folder above a project or member (uv looks for settings upwards), or a path, directory or editable
 * source of a lock. Anything else is read by no `uv lock` or `uv sync` of this repository.
 */
function pyprojectsReadByUv(
  projects: readonly UvProject[],
  workspaceGlobs: readonly WorkspaceGlobs[],
  paths: ReadonlySet<string>,
  lockedAtBase: ReadonlySet<string> | undefined,
): (dir: string) => boolean {
  const projectDirs = projects.flatMap((project) => [project.root, ...project.members.map((member) => member.dir)]);
  const sourceDirs = new Set<string>();
  for (const project of projects) {
    for (const pkg of project.lock?.packages ?? []) {
      const { source } = pkg;
      if (source.kind !== 'path' && source.kind !== 'directory' && source.kind !== 'editable' && source.kind !== 'virtual') continue;
      sourceDirs.add(repoDir(project.root, source.path));
    }
  }
  return (dir) =>
    paths.has(join(dir, UV_LOCK)) ||
    (lockedAtBase?.has(dir) ?? false) ||
    sourceDirs.has(dir) ||
    projectDirs.some((projectDir) => (dir === '' ? projectDir !== '' : projectDir.startsWith(`${dir}/`))) ||
    workspaceGlobs.some(
      ({ rootDir, include, exclude }) => dir !== rootDir && include.some((matches) => matches(dir)) && !exclude.some((matches) => matches(dir)),
    );
}

/**
 * The line a finding about `text` should point at: smol-toml reports an unclosed array, table or
 * string at the end of the input, which is the empty line after the final newline (or beyond); an
 * annotation there lands outside the file, so it moves to the last line that has text.
 */
function lineWithText(text: string | undefined, line: number): number {
  if (typeof text !== 'string' || !Number.isInteger(line) || line < 1) return 1;
  let lines = 1;
  let lastWithText = 1;
  let lineHasText = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (lineHasText) lastWithText = lines;
      if (lines >= line) return line;
      lines++;
      lineHasText = false;
    } else if (c !== 13 && c !== 32 && c !== 9) lineHasText = true;
  }
  if (lineHasText) lastWithText = lines;
  return line <= lines && lineHasText ? line : Math.min(line, lastWithText);
}

/** Entries of a lock's package array as written (the Lock keeps only the first max-packages-per-lock). */
function packageCount(raw: unknown): number | undefined {
  const list = own(raw, 'package') ?? own(raw, 'distribution');
  return Array.isArray(list) ? list.length : undefined;
}

function depth(dir: string): number {
  if (dir === '') return 0;
  let count = 1;
  for (let i = 0; i < dir.length; i++) if (dir.charCodeAt(i) === 47) count++;
  return count;
}

/** A workspace glob as a test over directories, or why lockgate cannot apply it. */
export type WorkspaceGlob = { matches: (dir: string) => boolean } | { problem: 'outside' } | { problem: 'invalid'; reason: string };

/**
 * A workspace glob, relative to the root, as a test over repo-relative directories. `*` and `?`
 * stay within one directory, `**` spans any number of them (uv uses the `glob` crate). `..` and `.`
 * segments are resolved; a pattern that leaves the repository is `outside`, and one that makes no
 * pattern (a character range out of order, `[z-a]`) is `invalid`, with the reason.
 */
export function workspaceGlob(rootDir: string, pattern: string): WorkspaceGlob {
  const segments: string[] = rootDir === '' ? [] : rootDir.split('/');
  for (const segment of pattern.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return { problem: 'outside' };
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  // Matched against "/" + dir, so each segment brings its own leading slash and `**` can be empty.
  let source = '';
  for (const segment of segments) source += segment === '**' ? '(?:/[^/]+)*' : `/${segmentToRegExp(segment)}`;
  let re: RegExp;
  try {
    re = new RegExp(`^${source}$`);
  } catch (error) {
    // The pattern's own fault (the segments are escaped, so only a bad `[...]` class gets here):
    // the caller reports it as a load problem naming the pattern.
    return { problem: 'invalid', reason: error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/: /, '') : String(error) };
  }
  return { matches: (dir: string) => re.test(dir === '' ? '' : `/${dir}`) };
}

/** `workspaceGlob` as a test, or undefined when it cannot be applied (for callers that only match). */
export function globMatcher(rootDir: string, pattern: string): ((dir: string) => boolean) | undefined {
  const glob = workspaceGlob(rootDir, pattern);
  return 'matches' in glob ? glob.matches : undefined;
}

function segmentToRegExp(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') {
      // `**` inside a segment (`a**b`) behaves as `*`.
      while (segment[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return out;
}

/** Lock files of other Python tools: a project that has one is theirs unless it shows uv signs. */
const OTHER_TOOL_FILES = ['poetry.lock', 'pdm.lock', 'Pipfile.lock', 'Pipfile', 'pixi.lock'];

function usesOtherTool(root: Pyproject, dir: string, paths: Set<string>): boolean {
  const tool = own(root.raw, 'tool');
  if (isTable(own(tool, 'poetry')) || isTable(own(tool, 'pdm')) || isTable(own(tool, 'pixi'))) return true;
  const backend = asString(own(own(root.raw, 'build-system'), 'build-backend')) ?? '';
  if (backend.startsWith('poetry.') || backend.startsWith('pdm.')) return true;
  return OTHER_TOOL_FILES.some((name) => paths.has(join(dir, name)));
}

/**
 * Index URLs a project's resolution may draw from. A root uv.toml replaces the root's `[tool.uv]`
 * settings (uv ignores `[tool.uv]` then); members' `[[tool.uv.index]]` tables count too, since
 * `{ index = "name" }` sources resolve through them.
 */
function collectIndexes(project: UvProject): IndexConfig[] {
  const out: IndexConfig[] = [];
  const root = project.rootPyproject;
  if (project.uvToml) {
    out.push(...indexesOf(project.uvToml.raw, project.uvToml.lines, project.uvToml.file, []));
  } else {
    out.push(...indexesOf(own(own(root.raw, 'tool'), 'uv'), root.lines, root.file, ['tool', 'uv']));
  }
  for (const member of project.members) {
    out.push(...indexesOf(own(own(member.raw, 'tool'), 'uv'), member.lines, member.file, ['tool', 'uv'], true));
  }
  return out;
}

function indexesOf(settings: unknown, lines: Map<string, number>, file: string, prefix: string[], indexTablesOnly = false): IndexConfig[] {
  const out: IndexConfig[] = [];
  if (!isTable(settings)) return out;
  const at = (...segments: (string | number)[]): number | undefined => lineOf(lines, keyPath(...prefix, ...segments));
  const tables = own(settings, 'index');
  if (Array.isArray(tables)) {
    tables.forEach((entry, index) => {
      const url = asString(own(entry, 'url'));
      if (url === undefined) return;
      const config: IndexConfig = {
        url,
        explicit: asBoolean(own(entry, 'explicit')) ?? false,
        default: asBoolean(own(entry, 'default')) ?? false,
        file,
        declaredAs: 'index',
        line: at('index', index, 'url') ?? at('index', index),
      };
      const name = asString(own(entry, 'name'));
      if (name !== undefined) config.name = name;
      out.push(config);
    });
  }
  if (indexTablesOnly) return out;
  const indexUrl = asString(own(settings, 'index-url'));
  if (indexUrl !== undefined) out.push({ url: indexUrl, explicit: false, default: true, file, declaredAs: 'index-url', line: at('index-url') });
  const extra = own(settings, 'extra-index-url');
  const extras = typeof extra === 'string' ? [extra] : (asStringArray(extra) ?? []);
  extras.forEach((url, index) => {
    out.push({ url, explicit: false, default: false, file, declaredAs: 'extra-index-url', line: at('extra-index-url', index) ?? at('extra-index-url') });
  });
  const findLinks = own(settings, 'find-links');
  const links = typeof findLinks === 'string' ? [findLinks] : (asStringArray(findLinks) ?? []);
  links.forEach((url, index) => {
    out.push({ url, explicit: false, default: false, file, declaredAs: 'find-links', line: at('find-links', index) ?? at('find-links') });
  });
  return out;
}
