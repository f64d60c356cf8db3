/**
 * uv.lock -> Lock. Reads every lock format uv has written (no `revision` before 0.6, `upload_time`
 * in 0.6.15-0.6.x, the `[[distribution]]` and `dependency-groups` aliases) and rejects, as an
 * `invalid-file` problem at its line, what uv itself refuses to read: a broken TOML document, an
 * unsupported `version`, a package without name or source, a registry package without version, the
 * same package twice, a git source without its commit, a dependency edge to a package the lock does
 * not have (or an ambiguous short edge). See research/uv-lock.md (a) and LockErrorKind in uv.
 */
import type {
  ExcludeNewerPackageValue,
  Lock,
  LockArtifact,
  LockDependency,
  LockManifest,
  LockOptions,
  LockPackage,
  LockSource,
  RequirementTable,
} from './model.js';
import type { Limits } from '../settings/types.js';
import { PositionIndex, parseToml, keyPath, keySegment, lineOf, type TableElementLines } from './toml.js';
import { normalizeName } from './names.js';
import { versionKey, versionsEqual } from './version.js';
import { asNumber, asString, asStringArray, asTable, entriesOf, inheritsNothing, isTable, own, type Table } from './values.js';

export interface LockProblem {
  line: number;
  column?: number;
  message: string;
}

export type ReadLockResult =
  | {
      lock: Lock;
      /** Set when the lock has more packages than `limits.maxPackagesPerLock`: the rest was skipped. */
      truncated?: LockProblem;
    }
  | { error: LockProblem };

/** The schema major version uv reads (`const VERSION: u32 = 1`). */
const SUPPORTED_VERSION = 1;

const HEX_COMMIT_RE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Thrown inside the reader and turned into the `{ error }` result; never escapes readLock. */
class LockReadError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export function readLock(file: string, text: string, limits: Pick<Limits, 'maxPackagesPerLock'>): ReadLockResult {
  const parsed = parseToml(file, text, { compact: true });
  if (!parsed.ok) return { error: { line: parsed.line, column: parsed.column, message: `is not valid TOML: ${parsed.message}` } };
  return lockFromParsed(file, parsed.value, parsed.lines, limits);
}

/** The Lock of an already parsed uv.lock document (with its position index). */
export function lockFromParsed(
  file: string,
  doc: Record<string, unknown>,
  lines: Map<string, number>,
  limits: Pick<Limits, 'maxPackagesPerLock'>,
): ReadLockResult {
  try {
    return buildLock(file, doc, lines, limits);
  } catch (error) {
    if (error instanceof LockReadError) return { error: { line: lineOf(lines, error.path) ?? 1, message: error.message } };
    // A bug here must not take the run down; the file is reported, with what went wrong.
    return { error: { line: 1, message: `could not be read: ${error instanceof Error ? error.message : String(error)}` } };
  }
}

function buildLock(file: string, doc: Table, lines: Map<string, number>, limits: Pick<Limits, 'maxPackagesPerLock'>): ReadLockResult {
  const version = own(doc, 'version');
  if (version === undefined) throw new LockReadError('has no `version` key', '');
  if (version !== SUPPORTED_VERSION) {
    throw new LockReadError(`has unsupported lockfile schema version ${JSON.stringify(version)} (uv reads version ${SUPPORTED_VERSION})`, 'version');
  }
  const revisionValue = own(doc, 'revision');
  const revision = revisionValue === undefined ? 0 : asNumber(revisionValue);
  if (revision === undefined || !Number.isInteger(revision) || revision < 0) {
    throw new LockReadError('has a `revision` that is not a non-negative integer', 'revision');
  }

  // `[[distribution]]` is the pre-0.4 spelling of `[[package]]`; uv still reads it.
  const packageKey = own(doc, 'package') !== undefined ? 'package' : own(doc, 'distribution') !== undefined ? 'distribution' : 'package';
  const rawPackages = own(doc, packageKey) ?? [];
  if (!Array.isArray(rawPackages)) throw new LockReadError(`has a \`${packageKey}\` key that is not an array of tables`, packageKey);

  let truncated: LockProblem | undefined;
  let packageCount = rawPackages.length;
  if (packageCount > limits.maxPackagesPerLock) {
    packageCount = limits.maxPackagesPerLock;
    truncated = {
      line: lineOf(lines, keyPath(packageKey, packageCount)) ?? 1,
      message: `has ${rawPackages.length} packages, more than the limit of ${limits.maxPackagesPerLock}; the rest were not checked`,
    };
  }

  const packages: LockPackage[] = new Array(packageCount);
  // The index keeps each [[package]]'s lines together; other Maps answer by key path.
  const tableLines = lines instanceof PositionIndex ? lines.tableElements(packageKey) : undefined;
  for (let index = 0; index < packageCount; index++) {
    packages[index] = readPackage(rawPackages[index], `${packageKey}[${index}]`, lines, tableLines?.[index]);
  }
  const byName = packagesByName(packages);
  checkDuplicates(packages, byName, packageKey);
  // Edges to skipped packages would look dangling, so the check needs the whole lock.
  if (!truncated) checkDependencies(packages, byName, packageKey);

  const lock: Lock = {
    file,
    version: SUPPORTED_VERSION,
    revision,
    requiresPython: optionalString(doc, 'requires-python', 'requires-python'),
    resolutionMarkers: stringList(own(doc, 'resolution-markers'), 'resolution-markers'),
    supportedMarkers: stringList(own(doc, 'supported-markers'), 'supported-markers'),
    requiredMarkers: stringList(own(doc, 'required-markers'), 'required-markers'),
    conflicts: Array.isArray(own(doc, 'conflicts')) ? (own(doc, 'conflicts') as unknown[]) : [],
    options: readOptions(own(doc, 'options'), lines),
    manifest: readManifest(own(doc, 'manifest'), lines),
    packages,
    raw: doc,
    lines,
  };
  carryIndex(lock, byName);
  return truncated ? { lock, truncated } : { lock };
}

function optionalString(table: unknown, key: string, path: string): string | undefined {
  const value = own(table, key);
  if (value === undefined) return undefined;
  const text = asString(value);
  if (text === undefined) throw new LockReadError(`has a \`${key}\` that is not a string`, path);
  return text;
}

function stringList(value: unknown, path: string, suffix = ''): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((element) => typeof element === 'string')) {
    throw new LockReadError(`has \`${path}${suffix}\` that is not an array of strings`, `${path}${suffix}`);
  }
  return value as string[];
}

function readPackage(raw: unknown, path: string, lines: Map<string, number>, tableLines: TableElementLines | undefined): LockPackage {
  if (!isTable(raw)) throw new LockReadError('has a package entry that is not a table', path);
  // Key paths for error messages are built only when there is an error: this runs for every package.
  const table = ownFields(raw);
  const rawName = table.name;
  if (typeof rawName !== 'string' || rawName === '') throw new LockReadError('has a package without a `name`', path);
  const name = normalizeName(rawName);
  const version = table.version;
  if (version !== undefined && typeof version !== 'string')
    throw new LockReadError(`has package \`${name}\` whose \`version\` is not a string`, `${path}.version`);
  const rawSource = table.source;
  if (rawSource === undefined) throw new LockReadError(`has package \`${name}\` without a \`source\``, path);
  const source = readSource(rawSource, () => `${path}.source`, name);
  if (version === undefined && (source.kind === 'registry' || source.kind === 'git' || source.kind === 'url' || source.kind === 'path')) {
    // uv: MissingPackageVersion; only source trees (directory, editable, virtual) may have a dynamic version.
    throw new LockReadError(`has ${source.kind} package \`${name}\` without a \`version\``, path);
  }
  // Written as `dev-dependencies`; `dependency-groups` is accepted on read.
  const devKey = table['dev-dependencies'] !== undefined ? 'dev-dependencies' : 'dependency-groups';

  const pkg: LockPackage = {
    name,
    version,
    source,
    dependencies: readDependencies(table.dependencies, path, '.dependencies'),
    optionalDependencies: readDependencyGroups(table['optional-dependencies'], path, 'optional-dependencies'),
    devDependencies: readDependencyGroups(table[devKey], path, devKey),
    resolutionMarkers: stringList(table['resolution-markers'], path, '.resolution-markers'),
    sdist: undefined,
    wheels: [],
    metadata: undefined,
    line: tableLines ? tableLines.line : lines.get(path),
  };

  const sdist = table.sdist;
  if (sdist !== undefined) {
    pkg.sdist = readArtifact(sdist, 'sdist', path, -1, tableLines ? tableLines.keys.get('sdist') : lines.get(`${path}.sdist`));
  }
  const wheels = table.wheels;
  if (wheels !== undefined) {
    if (!Array.isArray(wheels)) throw new LockReadError(`has package \`${name}\` whose \`wheels\` is not an array`, `${path}.wheels`);
    const wheelLines = tableLines?.arrays.get('wheels');
    const read: LockArtifact[] = new Array(wheels.length);
    for (let index = 0; index < wheels.length; index++) {
      read[index] = readArtifact(wheels[index], 'wheel', path, index, wheelLines ? wheelLines[index] : lines.get(`${path}.wheels[${index}]`));
    }
    pkg.wheels = read;
    if (version !== undefined) checkWheelVersions(name, version, read, path);
  }
  const metadata = table.metadata;
  if (metadata !== undefined) pkg.metadata = readMetadata(metadata, `${path}.metadata`);
  return pkg;
}

/** The one-key `source` inline table. */
function readSource(raw: unknown, where: () => string, name: string): LockSource {
  // `where` gives the key path of the source (a package's `source`, or a dependency edge) for errors.
  if (!isTable(raw)) throw new LockReadError(`has package \`${name}\` whose \`source\` is not a table`, where());
  const registry = own(raw, 'registry');
  if (typeof registry === 'string') return { kind: 'registry', url: registry };
  const git = own(raw, 'git');
  if (typeof git === 'string') return parseGitSource(git, where(), name);
  const url = own(raw, 'url');
  if (typeof url === 'string') {
    const subdirectory = asString(own(raw, 'subdirectory'));
    return subdirectory === undefined ? { kind: 'url', url } : { kind: 'url', url, subdirectory };
  }
  for (const kind of ['path', 'directory', 'editable', 'virtual'] as const) {
    const value = own(raw, kind);
    if (typeof value === 'string') return { kind, path: value };
  }
  throw new LockReadError(
    `has package \`${name}\` with a \`source\` uv does not know (expected registry, git, url, path, directory, editable or virtual)`,
    where(),
  );
}

/**
 * `https://github.com/o/r?rev=v1&subdirectory=x#<commit>`: the query carries the requested reference
 * and subdirectory, the fragment the resolved commit, which uv requires (InvalidGitSourceUrl).
 */
export function parseGitSource(value: string, path: string, name: string): Extract<LockSource, { kind: 'git' }> {
  const hashAt = value.indexOf('#');
  const commit = hashAt === -1 ? '' : value.slice(hashAt + 1);
  const beforeFragment = hashAt === -1 ? value : value.slice(0, hashAt);
  if (!HEX_COMMIT_RE.test(commit)) {
    throw new LockReadError(`has git package \`${name}\` whose source does not end in the full commit hash (\`#<sha>\`)`, path);
  }
  const queryAt = beforeFragment.indexOf('?');
  const url = queryAt === -1 ? beforeFragment : beforeFragment.slice(0, queryAt);
  const params = new URLSearchParams(queryAt === -1 ? '' : beforeFragment.slice(queryAt + 1));
  let reference: { type: 'branch' | 'tag' | 'rev'; value: string } | null = null;
  for (const type of ['branch', 'tag', 'rev'] as const) {
    const refValue = params.get(type);
    if (refValue !== null) {
      reference = { type, value: refValue };
      break;
    }
  }
  if (reference?.type === 'rev' && /^[0-9a-fA-F]{40}$/.test(reference.value) && reference.value.toLowerCase() !== commit) {
    throw new LockReadError(`has git package \`${name}\` locked at commit ${commit} although it asks for revision ${reference.value}`, path);
  }
  const source: Extract<LockSource, { kind: 'git' }> = { kind: 'git', url, commit, reference };
  const subdirectory = params.get('subdirectory');
  if (subdirectory !== null) source.subdirectory = subdirectory;
  return source;
}

/** Dependency edges at `${path}${suffix}` (the path is built only for an error). */
function readDependencies(raw: unknown, path: string, suffix: string): LockDependency[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new LockReadError('has `dependencies` that is not an array', `${path}${suffix}`);
  const out: LockDependency[] = new Array(raw.length);
  for (let index = 0; index < raw.length; index++) {
    const entry = raw[index];
    const entryPath = (): string => `${path}${suffix}[${index}]`;
    if (!isTable(entry)) throw new LockReadError('has a dependency that is not a table', entryPath());
    const fields = ownFields(entry);
    const name = fields.name;
    if (typeof name !== 'string' || name === '') throw new LockReadError('has a dependency without a `name`', entryPath());
    const dependency: LockDependency = { name: normalizeName(name), extras: [] };
    const version = fields.version;
    if (version !== undefined) {
      if (typeof version !== 'string') throw new LockReadError(`has a dependency on \`${name}\` whose \`version\` is not a string`, entryPath());
      dependency.version = version;
    }
    const source = fields.source;
    if (source !== undefined) dependency.source = readSource(source, entryPath, dependency.name);
    const extras = fields.extra;
    if (extras !== undefined) {
      const list = asStringArray(extras);
      if (list === undefined) throw new LockReadError(`has a dependency on \`${name}\` whose \`extra\` is not an array`, entryPath());
      dependency.extras = list.map(normalizeName);
    }
    const marker = fields.marker;
    if (marker !== undefined) {
      if (typeof marker !== 'string') throw new LockReadError(`has a dependency on \`${name}\` whose \`marker\` is not a string`, entryPath());
      dependency.marker = marker;
    }
    out[index] = dependency;
  }
  return out;
}

/** Shared by every package without groups (most of them); frozen, so no reader can add to it. */
const NO_GROUPS: Record<string, LockDependency[]> = Object.freeze(Object.create(null) as Record<string, LockDependency[]>);

function readDependencyGroups(raw: unknown, path: string, key: string): Record<string, LockDependency[]> {
  if (raw === undefined) return NO_GROUPS;
  const out: Record<string, LockDependency[]> = Object.create(null) as Record<string, LockDependency[]>;
  if (!isTable(raw)) throw new LockReadError(`has \`${key}\` that is not a table`, `${path}.${key}`);
  for (const [group, list] of Object.entries(raw)) out[normalizeName(group)] = readDependencies(list, path, `.${key}.${keySegment(group)}`);
  return out;
}

/**
 * Every wheel of an entry carries the entry's version in its file name (the version itself, or
 * with its local part dropped): uv refuses a lock where one does not (lock/mod.rs
 * `PackageWire::unwire`, `LockErrorKind::InconsistentVersions`), as when an entry was edited to
 * point at another release's files.
 */
function checkWheelVersions(name: string, version: string, wheels: LockArtifact[], path: string): void {
  for (let index = 0; index < wheels.length; index++) {
    const filename = wheels[index]!.filename;
    if (filename === undefined || !filename.endsWith('.whl')) continue;
    // `name-version(-build)?-python-abi-platform.whl`: four or five dashes before `.whl` (which has
    // none). Read with indexOf, not split: this runs for every wheel of every lock.
    const first = filename.indexOf('-');
    let second = -1;
    let dashes = 0;
    for (let at = first; at !== -1 && dashes <= 5; at = filename.indexOf('-', at + 1)) {
      if (dashes === 1) second = at;
      dashes++;
    }
    if (dashes < 4 || dashes > 5) {
      throw new LockReadError(`has package \`${name}\` with a wheel whose file name \`${filename}\` is not a wheel file name`, `${path}.wheels[${index}]`);
    }
    // The version as written (nearly always): no copy, no parse.
    if (second - first - 1 === version.length && filename.startsWith(version, first + 1)) continue;
    const wheelVersion = filename.slice(first + 1, second);
    if (versionsEqual(wheelVersion, version)) continue;
    const plus = wheelVersion.indexOf('+');
    if (plus !== -1 && versionsEqual(wheelVersion.slice(0, plus), version)) continue;
    throw new LockReadError(
      `has package \`${name}\` ${version} with the wheel \`${filename}\` of version ${wheelVersion} (a tampered or hand-edited entry)`,
      `${path}.wheels[${index}]`,
    );
  }
}

/**
 * One sdist or wheel. The hot path of reading a lock (a large lock has thousands), so it reads the
 * table's fields directly and builds the object in one shape.
 */
function readArtifact(raw: unknown, kind: 'sdist' | 'wheel', packagePath: string, index: number, line: number | undefined): LockArtifact {
  // Built only for an error message: most artifacts never need their path as a string.
  const pathOf = (): string => (index < 0 ? `${packagePath}.sdist` : `${packagePath}.wheels[${index}]`);
  if (!isTable(raw)) throw new LockReadError(`has a ${kind} that is not a table`, pathOf());
  const table = ownFields(raw);
  const url = table.url;
  const filePath = table.path;
  const filename = table.filename;
  const hash = table.hash;
  if (hash !== undefined && typeof hash !== 'string') throw new LockReadError(`has a ${kind} whose \`hash\` is not a string`, pathOf());
  // `upload_time` is the 0.6.15-0.6.x spelling.
  const uploadTime = table['upload-time'] ?? table.upload_time;
  const location = typeof url === 'string' ? url : typeof filePath === 'string' ? filePath : undefined;
  const artifact: LockArtifact = {
    kind,
    url: typeof url === 'string' ? url : undefined,
    path: typeof filePath === 'string' ? filePath : undefined,
    filename: typeof filename === 'string' ? filename : location !== undefined ? basename(location) : undefined,
    hash,
    size: asNumber(table.size),
    uploadTime: typeof uploadTime === 'string' ? uploadTime : asString(uploadTime),
    line,
  };
  return artifact;
}

/**
 * The table itself when it inherits nothing (smol-toml's null-prototype tables, the quick reader's
 * BARE_TABLE ones), so a plain read sees own keys only; else a prototype-free copy of its own entries.
 */
function ownFields(table: Table): Record<string, unknown> {
  return inheritsNothing(table) ? table : Object.assign(Object.create(null) as Record<string, unknown>, table);
}

const PLAIN_TAIL_RE = /[?#%]/;

/** The last path segment of a URL or path, without query or fragment, percent-decoded when possible. */
function basename(location: string): string {
  // Registry URLs are plain: no query, fragment or escapes in the last segment.
  const tail = location.slice(location.lastIndexOf('/') + 1);
  if (!PLAIN_TAIL_RE.test(tail)) return tail;
  let end = location.length;
  const query = location.indexOf('?');
  if (query !== -1) end = query;
  const fragment = location.indexOf('#');
  if (fragment !== -1 && fragment < end) end = fragment;
  const trimmed = location.slice(0, end);
  const name = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

function readMetadata(raw: unknown, path: string): NonNullable<LockPackage['metadata']> {
  if (!isTable(raw)) throw new LockReadError('has `metadata` that is not a table', path);
  const metadata: NonNullable<LockPackage['metadata']> = {
    requiresDist: readRequirementTables(own(raw, 'requires-dist'), `${path}.requires-dist`),
    requiresDev: Object.create(null) as Record<string, RequirementTable[]>,
  };
  // Written as `requires-dev`; `dependency-groups` is accepted on read.
  const devKey = own(raw, 'requires-dev') !== undefined ? 'requires-dev' : 'dependency-groups';
  const requiresDev = own(raw, devKey);
  if (requiresDev !== undefined) {
    if (!isTable(requiresDev)) throw new LockReadError(`has \`${devKey}\` that is not a table`, `${path}.${devKey}`);
    for (const [group, list] of Object.entries(requiresDev)) {
      metadata.requiresDev[normalizeName(group)] = readRequirementTables(list, `${path}.${devKey}.${keySegment(group)}`);
    }
  }
  const providesExtras = own(raw, 'provides-extras');
  if (providesExtras !== undefined) metadata.providesExtras = stringList(providesExtras, `${path}.provides-extras`);
  return metadata;
}

const REQUIREMENT_STRING_KEYS = ['marker', 'specifier', 'index', 'git', 'url', 'path', 'directory', 'editable', 'virtual', 'subdirectory'] as const;

function readRequirementTables(raw: unknown, path: string): RequirementTable[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new LockReadError('has a requirement list that is not an array', path);
  return raw.map((entry, index) => readRequirementTable(entry, `${path}[${index}]`));
}

function readRequirementTable(raw: unknown, path: string): RequirementTable {
  const name = own(raw, 'name');
  if (typeof name !== 'string' || name === '') throw new LockReadError('has a requirement without a `name`', path);
  const requirement: RequirementTable = { name: normalizeName(name) };
  for (const key of REQUIREMENT_STRING_KEYS) {
    const value = own(raw, key);
    if (value === undefined) continue;
    // uv writes `editable = "."`; very old locks wrote booleans for editable/virtual flags.
    const text = typeof value === 'boolean' ? String(value) : asString(value);
    if (text === undefined) throw new LockReadError(`has a requirement on \`${name}\` whose \`${key}\` is not a string`, path);
    requirement[key] = text;
  }
  for (const key of ['extras', 'groups'] as const) {
    const value = own(raw, key);
    if (value === undefined) continue;
    const list = asStringArray(value);
    if (list === undefined) throw new LockReadError(`has a requirement on \`${name}\` whose \`${key}\` is not an array`, path);
    requirement[key] = list;
  }
  return requirement;
}

/** Manifest lists are read leniently: an entry of another shape (a scoped override) is kept in `raw`, not rejected. */
function lenientRequirementTables(raw: unknown, path: string): RequirementTable[] {
  if (!Array.isArray(raw)) return [];
  const out: RequirementTable[] = [];
  raw.forEach((entry, index) => {
    if (typeof own(entry, 'name') !== 'string') return;
    try {
      out.push(readRequirementTable(entry, `${path}[${index}]`));
    } catch {
      // Kept in Lock.raw for whoever needs the exact shape.
    }
  });
  return out;
}

function readManifest(raw: unknown, lines: Map<string, number>): LockManifest {
  const table = asTable(raw);
  const groups: Record<string, RequirementTable[]> = Object.create(null) as Record<string, RequirementTable[]>;
  for (const [group, list] of entriesOf(own(table, 'dependency-groups'))) {
    groups[normalizeName(group)] = lenientRequirementTables(list, keyPath('manifest', 'dependency-groups', group));
  }
  return {
    members: (asStringArray(own(table, 'members')) ?? []).map(normalizeName),
    requirements: lenientRequirementTables(own(table, 'requirements'), 'manifest.requirements'),
    constraints: lenientRequirementTables(own(table, 'constraints'), 'manifest.constraints'),
    overrides: lenientRequirementTables(own(table, 'overrides'), 'manifest.overrides'),
    excludes: Array.isArray(own(table, 'excludes')) ? (own(table, 'excludes') as unknown[]) : [],
    buildConstraints: lenientRequirementTables(own(table, 'build-constraints'), 'manifest.build-constraints'),
    dependencyGroups: groups,
    dependencyMetadata: Array.isArray(own(table, 'dependency-metadata')) ? (own(table, 'dependency-metadata') as unknown[]) : [],
    line: lines.get('manifest'),
  };
}

function readOptions(raw: unknown, lines: Map<string, number>): LockOptions {
  const table = asTable(raw);
  const options: LockOptions = { excludeNewerPackage: Object.create(null) as Record<string, ExcludeNewerPackageValue>, line: lines.get('options') };
  const resolutionMode = asString(own(table, 'resolution-mode'));
  if (resolutionMode !== undefined) options.resolutionMode = resolutionMode;
  const prereleaseMode = asString(own(table, 'prerelease-mode'));
  if (prereleaseMode !== undefined) options.prereleaseMode = prereleaseMode;
  const forkStrategy = asString(own(table, 'fork-strategy'));
  if (forkStrategy !== undefined) options.forkStrategy = forkStrategy;
  const excludeNewer = asString(own(table, 'exclude-newer'));
  if (excludeNewer !== undefined) options.excludeNewer = excludeNewer;
  const excludeNewerSpan = asString(own(table, 'exclude-newer-span'));
  if (excludeNewerSpan !== undefined) options.excludeNewerSpan = excludeNewerSpan;
  for (const [name, value] of entriesOf(own(table, 'exclude-newer-package'))) {
    const key = normalizeName(name);
    if (value === false) options.excludeNewerPackage[key] = false;
    else if (typeof value === 'string' || value instanceof Date) options.excludeNewerPackage[key] = { timestamp: asString(value) };
    else if (isTable(value)) {
      const entry: { timestamp?: string; span?: string } = {};
      const timestamp = asString(own(value, 'timestamp'));
      if (timestamp !== undefined) entry.timestamp = timestamp;
      const span = asString(own(value, 'span'));
      if (span !== undefined) entry.span = span;
      options.excludeNewerPackage[key] = entry;
    }
  }
  const prereleasePackage: Record<string, string> = Object.create(null) as Record<string, string>;
  let hasPrereleasePackage = false;
  for (const [name, value] of entriesOf(own(table, 'prerelease-package'))) {
    if (typeof value !== 'string') continue;
    prereleasePackage[normalizeName(name)] = value;
    hasPrereleasePackage = true;
  }
  if (hasPrereleasePackage) options.prereleasePackage = prereleasePackage;
  return options;
}

/** A stable identity for a source: kind plus everything that locates it. */
export function sourceKey(source: LockSource): string {
  switch (source.kind) {
    case 'registry':
      return `registry\0${source.url}`;
    case 'git':
      return `git\0${source.url}\0${source.reference ? `${source.reference.type}=${source.reference.value}` : ''}\0${source.subdirectory ?? ''}\0${source.commit ?? ''}`;
    case 'url':
      return `url\0${source.url}\0${source.subdirectory ?? ''}`;
    default:
      return `${source.kind}\0${source.path}`;
  }
}

/** A source as a reviewer reads it: `registry https://pypi.org/simple`, `git https://github.com/o/r@<sha>`. */
export function describeSource(source: LockSource): string {
  switch (source.kind) {
    case 'registry':
      return `registry ${source.url}`;
    case 'git': {
      const subdirectory = source.subdirectory ? ` (subdirectory ${source.subdirectory})` : '';
      return `git ${source.url}@${source.commit ?? '(no commit)'}${subdirectory}`;
    }
    case 'url':
      return `url ${source.url}${source.subdirectory ? ` (subdirectory ${source.subdirectory})` : ''}`;
    default:
      return `${source.kind} ${source.path}`;
  }
}

/** At or below this many entries of one name, a scan is cheaper than an index. */
const SCAN_CANDIDATES = 8;

/**
 * The locked entries a dependency edge names (`{ name, version?, source? }`), in lock order. Names
 * locked many times are answered from indexes built on first use: a lock may hold thousands of
 * entries of one name, and a scan per edge made reading it quadratic (4,000 entries: 37 s).
 */
export class LockedCandidates {
  private readonly indexes = new Map<string, Map<string, LockPackage[]>>();

  constructor(private readonly byName: ReadonlyMap<string, readonly LockPackage[]>) {}

  matching(name: string, version: string | undefined, source: LockSource | undefined): LockPackage[] {
    const all = this.byName.get(name);
    if (!all) return [];
    if (all.length <= SCAN_CANDIDATES) {
      const wantedSource = source === undefined ? undefined : sourceKey(source);
      return all.filter(
        (candidate) =>
          (version === undefined || (candidate.version !== undefined && versionsEqual(candidate.version, version))) &&
          (wantedSource === undefined || sourceKey(candidate.source) === wantedSource),
      );
    }
    if (version === undefined && source === undefined) return [...all];
    const by = version === undefined ? 's' : source === undefined ? 'v' : 'vs';
    const keyOf = (v: string | undefined, s: LockSource | undefined): string | undefined => {
      if (by !== 's' && v === undefined) return undefined; // an entry without a version never matches a versioned edge
      return by === 's' ? sourceKey(s!) : by === 'v' ? versionKey(v!) : `${versionKey(v!)}\0${sourceKey(s!)}`;
    };
    const indexName = `${by}\0${name}`;
    let index = this.indexes.get(indexName);
    if (!index) {
      index = new Map();
      for (const candidate of all) {
        const key = keyOf(candidate.version, candidate.source);
        if (key === undefined) continue;
        const list = index.get(key);
        if (list) list.push(candidate);
        else index.set(key, [candidate]);
      }
      this.indexes.set(indexName, index);
    }
    return [...(index.get(keyOf(version, source)!) ?? [])];
  }
}

/** Packages by normalized name, in lock order (entries without a string name are left out). */
function packagesByName(packages: readonly LockPackage[]): Map<string, LockPackage[]> {
  const byName = new Map<string, LockPackage[]>();
  for (const pkg of packages) {
    if (!pkg || typeof pkg.name !== 'string') continue;
    const key = normalizeName(pkg.name);
    const list = byName.get(key);
    if (list) list.push(pkg);
    else byName.set(key, [pkg]);
  }
  return byName;
}

/**
 * The by-name index each Lock carries: built once when readLock reads it, and answered from there
 * (a scan per name was quadratic on locks of thousands of packages). A lock built or edited by
 * hand (tests do) gets a fresh index when its package list is replaced or grows.
 */
const byNameIndex = new WeakMap<Lock, { packages: readonly LockPackage[]; length: number; index: ReadonlyMap<string, readonly LockPackage[]> }>();

function carryIndex(lock: Lock, index: ReadonlyMap<string, readonly LockPackage[]>): void {
  byNameIndex.set(lock, { packages: lock.packages, length: lock.packages.length, index });
}

/** The lock's entries by normalized name, in lock order. */
export function lockByName(lock: Lock): ReadonlyMap<string, readonly LockPackage[]> {
  const cached = byNameIndex.get(lock);
  if (cached && cached.packages === lock.packages && cached.length === lock.packages.length) return cached.index;
  const index = packagesByName(lock.packages);
  carryIndex(lock, index);
  return index;
}

/** The same name, version and source twice (uv: DuplicatePackage). Only names locked several times need a look. */
function checkDuplicates(packages: LockPackage[], byName: Map<string, LockPackage[]>, packageKey: string): void {
  for (const list of byName.values()) {
    if (list.length < 2) continue;
    const seen = new Set<string>();
    for (const pkg of list) {
      const id = `${pkg.version ?? ''}\0${sourceKey(pkg.source)}`;
      if (seen.has(id)) {
        throw new LockReadError(
          `has package \`${pkg.name}\`${pkg.version ? ` ${pkg.version}` : ''} from the same source twice`,
          keyPath(packageKey, packages.indexOf(pkg)),
        );
      }
      seen.add(id);
    }
  }
}

/** Every edge must name a package the lock has, unambiguously (UnrecognizedDependency, MissingDependencyVersion/Source). */
function checkDependencies(packages: LockPackage[], byName: Map<string, LockPackage[]>, packageKey: string): void {
  const locked = new LockedCandidates(byName);
  packages.forEach((pkg, index) => {
    // The edge's key path is built only for an error.
    const check = (dependency: LockDependency, section: string, group: string | null, j: number): void => {
      const where = (): string => `${keyPath(packageKey, index)}.${section}${group === null ? '' : `.${keySegment(group)}`}[${j}]`;
      const candidates = byName.get(dependency.name);
      if (!candidates) {
        throw new LockReadError(`has package \`${pkg.name}\` depending on \`${dependency.name}\`, which the lock does not contain`, where());
      }
      if (candidates.length === 1 && dependency.version === undefined && dependency.source === undefined) return;
      const matches = locked.matching(dependency.name, dependency.version, dependency.source);
      if (matches.length === 0) {
        throw new LockReadError(
          `has package \`${pkg.name}\` depending on \`${dependency.name}\`${dependency.version ? ` ${dependency.version}` : ''}, which the lock does not contain`,
          where(),
        );
      }
      if (matches.length > 1) {
        throw new LockReadError(
          `has package \`${pkg.name}\` depending on \`${dependency.name}\` without saying which of its ${matches.length} locked entries`,
          where(),
        );
      }
    };
    const dependencies = pkg.dependencies;
    for (let j = 0; j < dependencies.length; j++) check(dependencies[j]!, 'dependencies', null, j);
    for (const group in pkg.optionalDependencies) {
      pkg.optionalDependencies[group]!.forEach((dependency, j) => check(dependency, 'optional-dependencies', group, j));
    }
    for (const group in pkg.devDependencies) {
      pkg.devDependencies[group]!.forEach((dependency, j) => check(dependency, 'dev-dependencies', group, j));
    }
  });
}
