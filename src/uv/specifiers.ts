/**
 * PEP 440 versions and version specifiers, as uv compares them when it checks a lock.
 *
 * uv stores a requirement's specifiers sorted by version, then operator
 * (uv-pep440 version_specifier.rs: `VersionSpecifiers::from_iter`), joined with "," and no space,
 * and compares them as that sorted list, each specifier by operator and PEP 440 version equality
 * (`1.0 == 1.0.0`). So `>=1.0,<2` in pyproject.toml and `<2,>=1.0` in uv.lock are the same
 * requirement, and `==1.0` equals `==1.0.0`.
 *
 * Everything here reads hostile text: parse functions return an error, never throw.
 */

export interface Version {
  epoch: bigint;
  /** Release segments as written (trailing zeros kept; comparisons ignore them). */
  release: bigint[];
  pre?: { kind: 'a' | 'b' | 'rc'; number: bigint };
  post?: bigint;
  dev?: bigint;
  /** Local segments, lower-cased; numeric ones as bigint. */
  local?: (bigint | string)[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

// PEP 440 Appendix B, the permissive form packaging and uv accept (case-insensitive, `v` prefix,
// `-`, `_`, `.` separators, implicit post releases `1.0-1`).
const VERSION_RE = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?' +
    '(?<post>(?:-(?<postN1>[0-9]+))|(?:[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

/** Versions longer than this are not versions anyone publishes; refusing them bounds the work. */
const MAX_VERSION_LENGTH = 256;

export function parseVersion(text: string): Version | null {
  if (typeof text !== 'string' || text.length > MAX_VERSION_LENGTH) return null;
  const m = VERSION_RE.exec(text);
  if (!m?.groups) return null;
  const g = m.groups;
  const version: Version = {
    epoch: g.epoch ? BigInt(g.epoch) : 0n,
    release: g.release!.split('.').map((part) => BigInt(part)),
  };
  if (g.preL) {
    const letter = g.preL.toLowerCase();
    const kind = letter === 'alpha' || letter === 'a' ? 'a' : letter === 'beta' || letter === 'b' ? 'b' : 'rc';
    version.pre = { kind, number: g.preN ? BigInt(g.preN) : 0n };
  }
  if (g.postN1 !== undefined) version.post = BigInt(g.postN1);
  else if (g.postL) version.post = g.postN2 ? BigInt(g.postN2) : 0n;
  if (g.devL) version.dev = g.devN ? BigInt(g.devN) : 0n;
  if (g.local) {
    version.local = g.local
      .toLowerCase()
      .split(/[-_.]/)
      .map((part) => (/^[0-9]+$/.test(part) ? BigInt(part) : part));
  }
  return version;
}

/** The canonical spelling (`1.0.0-Alpha.1` -> `1.0.0a1`), as uv prints a version. */
export function formatVersion(version: Version): string {
  let out = version.epoch !== 0n ? `${version.epoch}!` : '';
  out += version.release.join('.');
  if (version.pre) out += `${version.pre.kind}${version.pre.number}`;
  if (version.post !== undefined) out += `.post${version.post}`;
  if (version.dev !== undefined) out += `.dev${version.dev}`;
  if (version.local) out += `+${version.local.join('.')}`;
  return out;
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Release tuples compare as if padded with zeros (`1.0 == 1.0.0`). */
export function compareRelease(a: readonly bigint[], b: readonly bigint[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const c = cmpBig(a[i] ?? 0n, b[i] ?? 0n);
    if (c !== 0) return c;
  }
  return 0;
}

const PRE_ORDER = { a: 0, b: 1, rc: 2 } as const;

/** PEP 440 ordering (packaging's `_cmpkey`, which uv follows). */
export function compareVersion(a: Version, b: Version): number {
  let c = cmpBig(a.epoch, b.epoch);
  if (c !== 0) return c;
  c = compareRelease(a.release, b.release);
  if (c !== 0) return c;
  c = preKey(a) - preKey(b);
  if (c !== 0) return Math.sign(c);
  if (a.pre && b.pre) {
    c = cmpBig(a.pre.number, b.pre.number);
    if (c !== 0) return c;
  }
  // No post release sorts before any post release.
  if (a.post === undefined || b.post === undefined) {
    if (a.post !== b.post) return a.post === undefined ? -1 : 1;
  } else {
    c = cmpBig(a.post, b.post);
    if (c !== 0) return c;
  }
  // No dev release sorts after any dev release.
  if (a.dev === undefined || b.dev === undefined) {
    if (a.dev !== b.dev) return a.dev === undefined ? 1 : -1;
  } else {
    c = cmpBig(a.dev, b.dev);
    if (c !== 0) return c;
  }
  return compareLocal(a.local, b.local);
}

/** A dev release of a final version sorts before its pre-releases; a final version after them. */
function preKey(version: Version): number {
  if (version.pre) return PRE_ORDER[version.pre.kind];
  if (version.post === undefined && version.dev !== undefined) return -1;
  return 3;
}

function compareLocal(a: Version['local'], b: Version['local']): number {
  if (!a || !b) return a === b ? 0 : a ? 1 : -1;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (typeof x === 'bigint' && typeof y === 'bigint') {
      const c = cmpBig(x, y);
      if (c !== 0) return c;
    } else if (typeof x === 'bigint' || typeof y === 'bigint') {
      // A numeric segment sorts after an alphanumeric one.
      return typeof x === 'bigint' ? 1 : -1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

export function isReleaseOnly(version: Version): boolean {
  return version.epoch === 0n && !version.pre && version.post === undefined && version.dev === undefined && !version.local;
}

// ---------------------------------------------------------------------------------------------
// Specifiers

/** The operators in uv's order (`Operator` in uv-pep440), which breaks ties between equal versions. */
export const OPERATORS = ['==', '===', '!=', '~=', '<', '<=', '>', '>='] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Specifier {
  operator: Operator;
  /** `==1.2.*` / `!=1.2.*`. */
  star: boolean;
  /** The version text as written (for `===`, the arbitrary string). */
  text: string;
  /** Absent only for `===`, which compares strings. */
  version?: Version;
}

const OPERATOR_RE = /^(===|~=|==|!=|<=|>=|<|>)/;
/** uv's tie-break order for equal versions (`==`, `==*`, `===`, `!=`, `!=*`, `~=`, `<`, `<=`, `>`, `>=`). */
const OPERATOR_RANK: Record<string, number> = { '==': 0, '==*': 1, '===': 2, '!=': 3, '!=*': 4, '~=': 5, '<': 6, '<=': 7, '>': 8, '>=': 9 };

function operatorRank(spec: Specifier): number {
  return OPERATOR_RANK[spec.star ? `${spec.operator}*` : spec.operator] ?? 10;
}

/** One specifier (`>= 1.0`, `==1.2.*`, `~=2.2`). */
export function parseSpecifier(text: string): Result<Specifier> {
  const trimmed = text.trim();
  const m = OPERATOR_RE.exec(trimmed);
  if (!m) return { ok: false, error: `\`${trimmed}\` has no comparison operator (==, !=, <, <=, >, >=, ~=, ===)` };
  const operator = m[1] as Operator;
  const rest = trimmed.slice(operator.length).trim();
  if (rest === '') return { ok: false, error: `\`${trimmed}\` has no version after \`${operator}\`` };
  if (operator === '===') {
    if (/\s/.test(rest)) return { ok: false, error: `\`${trimmed}\` has whitespace in its version` };
    return { ok: true, value: { operator, star: false, text: rest } };
  }
  let versionText = rest;
  let star = false;
  if (rest.endsWith('.*')) {
    if (operator !== '==' && operator !== '!=') {
      return { ok: false, error: `\`${trimmed}\`: a \`.*\` version is only allowed with == and !=` };
    }
    star = true;
    versionText = rest.slice(0, -2);
  }
  const version = parseVersion(versionText);
  if (!version || /\s/.test(versionText.trim())) return { ok: false, error: `\`${trimmed}\` does not have a valid PEP 440 version` };
  if (star && (version.pre || version.post !== undefined || version.dev !== undefined || version.local)) {
    return { ok: false, error: `\`${trimmed}\`: a \`.*\` version must be a plain release` };
  }
  if (version.local && operator !== '==' && operator !== '!=') {
    return { ok: false, error: `\`${trimmed}\`: a local version (+...) is only allowed with == and !=` };
  }
  if (operator === '~=' && version.release.length < 2) {
    return { ok: false, error: `\`${trimmed}\`: ~= needs at least two release segments (e.g. ~=1.4)` };
  }
  return { ok: true, value: { operator, star, text: versionText.trim(), version } };
}

/** Longer specifier lists than this are not real; refusing them bounds the work on hostile input. */
const MAX_SPECIFIERS = 64;

/** A comma-separated list; the empty string is the empty list (any version). Sorted as uv sorts it. */
export function parseSpecifiers(text: string): Result<Specifier[]> {
  if (typeof text !== 'string') return { ok: false, error: 'the version specifier is not a string' };
  if (text.trim() === '') return { ok: true, value: [] };
  const parts = text.split(',');
  if (parts.length > MAX_SPECIFIERS) return { ok: false, error: `more than ${MAX_SPECIFIERS} version specifiers` };
  const specs: Specifier[] = [];
  for (const part of parts) {
    if (part.trim() === '') return { ok: false, error: `\`${text.trim()}\` has an empty specifier between commas` };
    const parsed = parseSpecifier(part);
    if (!parsed.ok) return parsed;
    specs.push(parsed.value);
  }
  return { ok: true, value: sortSpecifiers(specs) };
}

export function sortSpecifiers(specs: readonly Specifier[]): Specifier[] {
  return [...specs].sort(compareSpecifier);
}

function compareSpecifier(a: Specifier, b: Specifier): number {
  if (a.version && b.version) {
    const c = compareVersion(a.version, b.version);
    if (c !== 0) return c;
  } else if (a.version || b.version) {
    return a.version ? -1 : 1;
  } else if (a.text !== b.text) {
    return a.text < b.text ? -1 : 1;
  }
  return operatorRank(a) - operatorRank(b);
}

export function formatSpecifier(spec: Specifier): string {
  if (!spec.version) return `${spec.operator}${spec.text}`;
  return `${spec.operator}${formatVersion(spec.version)}${spec.star ? '.*' : ''}`;
}

/** uv's spelling in requirement tables: sorted, joined with "," (requires-python uses ", "). */
export function formatSpecifiers(specs: readonly Specifier[], separator = ','): string {
  return sortSpecifiers(specs).map(formatSpecifier).join(separator);
}

export type Comparison = 'equal' | 'different' | 'undecidable';

/**
 * Whether uv sees two specifiers as the same. uv compares the operator and the PEP 440 version
 * (`1.0 == 1.0.0`). For `~=` and `.*` the number of release segments changes the meaning
 * (`~=1.0` is not `~=1.0.0`); whether uv's equality notices depends on its version, so a difference
 * only in trailing zeros there is left undecided rather than called a mismatch.
 */
export function compareSpecifier3(a: Specifier, b: Specifier): Comparison {
  if (a.operator !== b.operator || a.star !== b.star) return 'different';
  if (!a.version || !b.version) return a.text === b.text ? 'equal' : 'different';
  if (compareVersion(a.version, b.version) !== 0) return 'different';
  if ((a.operator === '~=' || a.star) && a.version.release.length !== b.version.release.length) return 'undecidable';
  return 'equal';
}

/** Two specifier lists as uv compares them: element-wise after sorting. */
export function compareSpecifierLists(a: readonly Specifier[], b: readonly Specifier[]): Comparison {
  if (a.length !== b.length) return 'different';
  const x = sortSpecifiers(a);
  const y = sortSpecifiers(b);
  let result: Comparison = 'equal';
  for (let i = 0; i < x.length; i++) {
    const c = compareSpecifier3(x[i]!, y[i]!);
    if (c === 'different') return 'different';
    if (c === 'undecidable') result = 'undecidable';
  }
  return result;
}

/** A key that is equal for specifier lists uv sees as equal (trailing release zeros stripped). */
export function specifierListKey(specs: readonly Specifier[]): string {
  return sortSpecifiers(specs)
    .map((spec) => {
      if (!spec.version) return `${spec.operator}${spec.text}`;
      const v = spec.version;
      const release = [...v.release];
      if (!(spec.operator === '~=' || spec.star)) while (release.length > 1 && release[release.length - 1] === 0n) release.pop();
      return `${spec.operator}${spec.star ? '*' : ''}${formatVersion({ ...v, release })}`;
    })
    .join(',');
}

// ---------------------------------------------------------------------------------------------
// Release-only evaluation, for Python versions in markers and requires-python

/** Whether a plain release `x` satisfies a specifier whose version is a plain release. */
export function releaseMatches(spec: Specifier, x: readonly bigint[]): boolean {
  const v = spec.version!.release;
  switch (spec.operator) {
    case '==':
      return spec.star ? prefixEquals(x, v) : compareRelease(x, v) === 0;
    case '!=':
      return spec.star ? !prefixEquals(x, v) : compareRelease(x, v) !== 0;
    case '<':
      return compareRelease(x, v) < 0;
    case '<=':
      return compareRelease(x, v) <= 0;
    case '>':
      return compareRelease(x, v) > 0;
    case '>=':
      return compareRelease(x, v) >= 0;
    case '~=':
      return compareRelease(x, v) >= 0 && prefixEquals(x, v.slice(0, -1));
    default:
      return false;
  }
}

/** `x` padded with zeros starts with `prefix`. */
function prefixEquals(x: readonly bigint[], prefix: readonly bigint[]): boolean {
  for (let i = 0; i < prefix.length; i++) if ((x[i] ?? 0n) !== prefix[i]) return false;
  return true;
}

/** The versions where a release-only specifier can change its answer (`==3.8.*` -> 3.8 and 3.9). */
export function releaseBoundaries(spec: Specifier): bigint[][] {
  const v = spec.version!.release;
  if (spec.star) return [v, bump(v)];
  if (spec.operator === '~=') return [v, bump(v.slice(0, -1))];
  return [v];
}

/** The next prefix: [3, 8] -> [3, 9]. */
export function bump(release: readonly bigint[]): bigint[] {
  const out = [...release];
  out[out.length - 1] = (out[out.length - 1] ?? 0n) + 1n;
  return out;
}

export function stripZeros(release: readonly bigint[]): bigint[] {
  const out = [...release];
  while (out.length > 1 && out[out.length - 1] === 0n) out.pop();
  return out;
}

export function formatRelease(release: readonly bigint[]): string {
  return release.join('.');
}

/** A bound of a Python version range: inclusive or exclusive, or none (unbounded). */
export interface Bound {
  release: bigint[];
  inclusive: boolean;
}

/** The hull [lower, upper) of the versions a requires-python allows, as uv's RequiresPython range. */
export interface ReleaseRange {
  lower?: Bound;
  upper?: Bound;
  /** No version satisfies it. */
  empty?: boolean;
}

/**
 * Release cells between boundaries: each boundary itself and one representative strictly between
 * neighbours (plus one below the first and one above the last). Every release-only specifier over
 * these boundaries has a constant answer on each cell, so checking the representatives decides it.
 */
export interface Cell {
  /** A release inside the cell. */
  point: bigint[];
  /** The boundary itself (`exact`), or the open interval above boundary `index` (-1: below all). */
  exact: boolean;
  index: number;
}

export function releaseCells(boundaries: readonly (readonly bigint[])[]): { sorted: bigint[][]; cells: Cell[] } {
  const unique: bigint[][] = [];
  for (const b of [...boundaries].map(stripZeros).sort(compareRelease)) {
    if (unique.length === 0 || compareRelease(unique[unique.length - 1]!, b) !== 0) unique.push(b);
  }
  const cells: Cell[] = [];
  // Below the first boundary: release 0 is the smallest there is.
  if (unique.length === 0) return { sorted: unique, cells: [{ point: [0n], exact: false, index: -1 }] };
  if (compareRelease([0n], unique[0]!) < 0) cells.push({ point: [0n], exact: false, index: -1 });
  unique.forEach((b, i) => {
    cells.push({ point: b, exact: true, index: i });
    const next = unique[i + 1];
    cells.push({ point: next ? between(b, next) : [(b[0] ?? 0n) + 1n], exact: false, index: i });
  });
  return { sorted: unique, cells };
}

/** A release strictly between a < b: a, then zeros up to b's length, then 1. */
function between(a: readonly bigint[], b: readonly bigint[]): bigint[] {
  const zeros = Math.max(0, b.length - a.length);
  return [...a, ...new Array<bigint>(zeros).fill(0n), 1n];
}

/**
 * The hull of the releases satisfying every specifier (uv's `RequiresPython` range, which keeps
 * the bounding range of `release_specifiers_to_ranges`). Undefined when a specifier is not a
 * plain-release one (pre-releases, local versions, `===`): then the range is not computed here.
 */
export function releaseRange(specs: readonly Specifier[]): ReleaseRange | undefined {
  if (specs.some((spec) => !spec.version || !isReleaseOnly(spec.version))) return undefined;
  const { sorted, cells } = releaseCells(specs.flatMap(releaseBoundaries));
  const inside = cells.filter((cell) => specs.every((spec) => releaseMatches(spec, cell.point)));
  if (inside.length === 0) return { empty: true };
  const first = inside[0]!;
  const last = inside[inside.length - 1]!;
  const range: ReleaseRange = {};
  if (first.index >= 0) range.lower = { release: sorted[first.index]!, inclusive: first.exact };
  if (!(last.index === sorted.length - 1 && !last.exact)) {
    range.upper = last.exact ? { release: sorted[last.index]!, inclusive: true } : { release: sorted[last.index + 1]!, inclusive: false };
  }
  return range;
}

export function rangesEqual(a: ReleaseRange, b: ReleaseRange): boolean {
  if (a.empty || b.empty) return !!a.empty === !!b.empty;
  return boundsEqual(a.lower, b.lower) && boundsEqual(a.upper, b.upper);
}

function boundsEqual(a: Bound | undefined, b: Bound | undefined): boolean {
  if (!a || !b) return a === b;
  return a.inclusive === b.inclusive && compareRelease(a.release, b.release) === 0;
}

/** Intersection of two hulls (uv intersects the members' requires-python). */
export function intersectRanges(a: ReleaseRange, b: ReleaseRange): ReleaseRange {
  if (a.empty || b.empty) return { empty: true };
  const lower = maxLower(a.lower, b.lower);
  const upper = minUpper(a.upper, b.upper);
  const range: ReleaseRange = {};
  if (lower) range.lower = lower;
  if (upper) range.upper = upper;
  if (lower && upper) {
    const c = compareRelease(lower.release, upper.release);
    if (c > 0 || (c === 0 && !(lower.inclusive && upper.inclusive))) return { empty: true };
  }
  return range;
}

function maxLower(a?: Bound, b?: Bound): Bound | undefined {
  if (!a || !b) return a ?? b;
  const c = compareRelease(a.release, b.release);
  if (c !== 0) return c > 0 ? a : b;
  return a.inclusive ? b : a;
}

function minUpper(a?: Bound, b?: Bound): Bound | undefined {
  if (!a || !b) return a ?? b;
  const c = compareRelease(a.release, b.release);
  if (c !== 0) return c < 0 ? a : b;
  return a.inclusive ? b : a;
}

export function formatRange(range: ReleaseRange): string {
  if (range.empty) return '(no Python version)';
  const parts: string[] = [];
  if (range.lower) parts.push(`${range.lower.inclusive ? '>=' : '>'}${formatRelease(range.lower.release)}`);
  if (range.upper) parts.push(`${range.upper.inclusive ? '<=' : '<'}${formatRelease(range.upper.release)}`);
  return parts.length ? parts.join(', ') : '(any Python version)';
}

/** Whether a release lies inside a range. */
export function rangeContains(range: ReleaseRange, x: readonly bigint[]): boolean {
  if (range.empty) return false;
  if (range.lower) {
    const c = compareRelease(x, range.lower.release);
    if (c < 0 || (c === 0 && !range.lower.inclusive)) return false;
  }
  if (range.upper) {
    const c = compareRelease(x, range.upper.release);
    if (c > 0 || (c === 0 && !range.upper.inclusive)) return false;
  }
  return true;
}
