/**
 * PEP 508 environment markers, compared by meaning the way uv compares them.
 *
 * uv keeps markers as a canonical decision diagram (`MarkerTree`), simplified against the lock's
 * `requires-python`, so two markers are equal for `uv lock --check` when they accept the same
 * environments whose Python version lies in the requires-python range. It also rewrites
 * `python_version` to `python_full_version` (`python_version < '3.11'` is written
 * `python_full_version < '3.11'`; `python_version == '3.8'` is `python_full_version == '3.8.*'`).
 *
 * Here a marker is parsed to a small tree and two markers are compared by evaluating both on every
 * cell of a finite partition of the environment space: Python versions split at every version the
 * markers (and the range) mention, each string variable into the values mentioned plus "anything
 * else", each extra (and each `in` test, which uv also treats as its own variable) true or false.
 * That decides equality exactly for what uv models the same way. Comparisons this module does not
 * model (a pre-release bound, `===`, ordering on strings) are kept as opaque variables: markers that
 * agree with them as free variables are equal; markers that then differ are "undecidable", never
 * "different".
 */
import { normalizeName } from './names.js';
import {
  bump,
  formatVersion,
  isReleaseOnly,
  parseSpecifier,
  rangeContains,
  releaseBoundaries,
  releaseCells,
  releaseMatches,
  type Comparison,
  type ReleaseRange,
  type Result,
  type Specifier,
} from './specifiers.js';

export type Marker =
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'and'; items: Marker[] }
  | { kind: 'or'; items: Marker[] }
  | { kind: 'not'; item: Marker }
  | Atom;

export type Atom =
  /** A release-only comparison on a version variable. */
  | { kind: 'version'; variable: VersionVariable; spec: Specifier }
  /** `sys_platform == 'linux'`, `platform_machine != 'x86_64'`. */
  | { kind: 'string'; variable: string; operator: '==' | '!='; value: string }
  /** `extra == 'name'` (uv: one boolean variable per extra). */
  | { kind: 'extra'; name: string; negated: boolean }
  /**
   * Any other test, as its own boolean variable keyed by `key`: `'x' in sys_platform` (uv models it
   * so too), or an opaque comparison this module does not reason about.
   */
  | { kind: 'bool'; key: string; text: string; negated: boolean; opaque: boolean };

export type VersionVariable = 'python_full_version' | 'python_version' | 'implementation_version';

export const TRUE: Marker = { kind: 'true' };
export const FALSE: Marker = { kind: 'false' };

const VERSION_VARIABLES = new Set<string>(['python_full_version', 'python_version', 'implementation_version']);
const STRING_VARIABLES = new Set<string>([
  'os_name',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform_machine',
  'platform_python_implementation',
  'implementation_name',
]);
/** Old spellings uv still reads (with a warning). */
const ALIASES: Record<string, string> = {
  'os.name': 'os_name',
  'sys.platform': 'sys_platform',
  'platform.version': 'platform_version',
  'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation',
  python_implementation: 'platform_python_implementation',
};
/** PEP 751 set-valued variables: only `'x' in extras` / `'x' not in extras` make sense. */
const SET_VARIABLES = new Set<string>(['extras', 'dependency_groups']);

/**
 * `platform_system` values uv rewrites to the `sys_platform` value that means exactly the same
 * (uv-pep508 src/marker/algebra.rs, `InternerGuard::expression`): `platform_system == 'Windows'` is
 * `sys_platform == 'win32'` for uv, and written so in the lock. Other values (FreeBSD, ...) stay.
 */
const PLATFORM_SYSTEM_AS_SYS_PLATFORM: Record<string, string> = {
  Windows: 'win32',
  Darwin: 'darwin',
  Linux: 'linux',
  AIX: 'aix',
  Emscripten: 'emscripten',
  Android: 'android',
};

/**
 * Pairs of `variable == value` tests that uv knows cannot both hold (uv-pep508
 * src/marker/algebra.rs, `InternerGuard::exclusions`): a conjunction inside them is FALSE for uv,
 * so environments where both hold are not considered when markers are compared.
 */
const INCOMPATIBLE: [string, string, string, string][] = (() => {
  const pairs: [string, string, string, string][] = [
    ['os_name', 'nt', 'sys_platform', 'linux'],
    ['os_name', 'nt', 'sys_platform', 'darwin'],
    ['os_name', 'nt', 'sys_platform', 'ios'],
    ['os_name', 'posix', 'sys_platform', 'win32'],
  ];
  for (const system of ['FreeBSD', 'NetBSD', 'OpenBSD', 'SunOS', 'iOS', 'iPadOS']) {
    for (const platform of ['aix', 'android', 'emscripten', 'ios', 'linux', 'darwin', 'win32', 'cygwin', 'wasi']) {
      if (platform === 'ios' && (system === 'iOS' || system === 'iPadOS')) continue;
      pairs.push(['platform_system', system, 'sys_platform', platform]);
    }
  }
  return pairs;
})();

function isImpossible(env: Environment): boolean {
  for (const [a, aValue, b, bValue] of INCOMPATIBLE) {
    if (env.strings.get(a) === aValue && env.strings.get(b) === bValue) return true;
  }
  return false;
}

const MAX_MARKER_LENGTH = 8192;
const MAX_DEPTH = 64;

// ---------------------------------------------------------------------------------------------
// Parsing

type Token =
  | { type: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'in' }
  | { type: 'op'; value: string }
  | { type: 'string'; value: string }
  | { type: 'ident'; value: string };

function tokenize(text: string): Result<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'lparen' : 'rparen' });
      i++;
    } else if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end === -1) return { ok: false, error: `unterminated string starting at column ${i + 1}` };
      tokens.push({ type: 'string', value: text.slice(i + 1, end) });
      i = end + 1;
    } else {
      const op = /^(===|==|!=|<=|>=|~=|<|>)/.exec(text.slice(i, i + 3));
      if (op) {
        tokens.push({ type: 'op', value: op[1]! });
        i += op[1]!.length;
        continue;
      }
      const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
      if (!word) return { ok: false, error: `unexpected character \`${c}\` at column ${i + 1}` };
      const value = word[0];
      if (value === 'and' || value === 'or' || value === 'not' || value === 'in') tokens.push({ type: value });
      else tokens.push({ type: 'ident', value });
      i += value.length;
    }
  }
  return { ok: true, value: tokens };
}

class MarkerSyntaxError extends Error {}

export function parseMarker(text: string): Result<Marker> {
  if (typeof text !== 'string') return { ok: false, error: 'a marker must be a string' };
  if (text.length > MAX_MARKER_LENGTH) return { ok: false, error: `a marker longer than ${MAX_MARKER_LENGTH} characters` };
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  if (tokens.value.length === 0) return { ok: false, error: 'an empty marker' };
  const parser = new Parser(tokens.value);
  try {
    const marker = parser.parseOr(0);
    if (!parser.done()) throw new MarkerSyntaxError('unexpected text after the marker');
    return { ok: true, value: marker };
  } catch (error) {
    if (error instanceof MarkerSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  done(): boolean {
    return this.index >= this.tokens.length;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index++];
    if (!token) throw new MarkerSyntaxError('the marker ends too early');
    return token;
  }

  parseOr(depth: number): Marker {
    if (depth > MAX_DEPTH) throw new MarkerSyntaxError('the marker nests too deeply');
    const items = [this.parseAnd(depth)];
    while (this.peek()?.type === 'or') {
      this.index++;
      items.push(this.parseAnd(depth));
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private parseAnd(depth: number): Marker {
    const items = [this.parseExpr(depth)];
    while (this.peek()?.type === 'and') {
      this.index++;
      items.push(this.parseExpr(depth));
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private parseExpr(depth: number): Marker {
    const token = this.peek();
    if (token?.type === 'lparen') {
      this.index++;
      const inner = this.parseOr(depth + 1);
      if (this.peek()?.type !== 'rparen') throw new MarkerSyntaxError('`(` without a matching `)`');
      this.index++;
      return inner;
    }
    const left = this.value();
    const operator = this.operator();
    const right = this.value();
    return comparison(left, operator, right);
  }

  private value(): { kind: 'var'; name: string } | { kind: 'str'; value: string } {
    const token = this.next();
    if (token.type === 'string') return { kind: 'str', value: token.value };
    if (token.type === 'ident') {
      const name = ALIASES[token.value] ?? token.value;
      if (!VERSION_VARIABLES.has(name) && !STRING_VARIABLES.has(name) && name !== 'extra' && !SET_VARIABLES.has(name)) {
        throw new MarkerSyntaxError(`unknown marker variable \`${token.value}\``);
      }
      return { kind: 'var', name };
    }
    throw new MarkerSyntaxError('expected a marker variable or a quoted string');
  }

  private operator(): string {
    const token = this.next();
    if (token.type === 'op') return token.value;
    if (token.type === 'in') return 'in';
    if (token.type === 'not' && this.peek()?.type === 'in') {
      this.index++;
      return 'not in';
    }
    throw new MarkerSyntaxError('expected a comparison operator');
  }
}

const FLIPPED: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

type Side = { kind: 'var'; name: string } | { kind: 'str'; value: string };

function comparison(left: Side, operator: string, right: Side): Marker {
  const text = `${sideText(left)} ${operator} ${sideText(right)}`;
  if (left.kind === 'var' && right.kind === 'var') throw new MarkerSyntaxError(`\`${text}\` compares two variables`);
  if (left.kind === 'str' && right.kind === 'str') return opaque(text);

  if (operator === 'in' || operator === 'not in') {
    // `'x' in var` and `var in 'x'` are different tests; uv gives each its own variable.
    const negated = operator === 'not in';
    if (left.kind === 'str' && right.kind === 'var' && SET_VARIABLES.has(right.name)) {
      const name = normalizeName(left.value);
      return { kind: 'bool', key: `${right.name}:${name}`, text: `'${name}' in ${right.name}`, negated, opaque: false };
    }
    const positive = `${sideText(left)} in ${sideText(right)}`;
    return { kind: 'bool', key: `in:${positive}`, text: positive, negated, opaque: false };
  }

  // Put the variable on the left.
  let variable: string;
  let value: string;
  let op = operator;
  if (left.kind === 'var') {
    variable = left.name;
    value = (right as { value: string }).value;
  } else {
    variable = (right as { name: string }).name;
    value = left.value;
    const flipped = FLIPPED[op];
    if (!flipped) return opaque(text);
    op = flipped;
  }

  if (VERSION_VARIABLES.has(variable)) {
    const spec = parseSpecifier(`${op}${value}`);
    if (!spec.ok || !spec.value.version || !isReleaseOnly(spec.value.version)) return opaque(`${variable} ${op} '${value}'`);
    return { kind: 'version', variable: variable as VersionVariable, spec: spec.value };
  }
  if (variable === 'extra') {
    if ((op === '==' || op === '!=') && /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(value)) {
      return { kind: 'extra', name: normalizeName(value), negated: op === '!=' };
    }
    return opaque(`extra ${op} '${value}'`);
  }
  if (SET_VARIABLES.has(variable)) return opaque(`${variable} ${op} '${value}'`);
  const platform = variable === 'platform_system' ? PLATFORM_SYSTEM_AS_SYS_PLATFORM[value] : undefined;
  if (platform !== undefined) {
    variable = 'sys_platform';
    value = platform;
  }
  if (op === '==' || op === '!=') return { kind: 'string', variable, operator: op, value };
  return opaque(`${variable} ${op} '${value}'`);
}

function sideText(side: Side): string {
  return side.kind === 'var' ? side.name : `'${side.value}'`;
}

function opaque(text: string): Atom {
  return { kind: 'bool', key: `opaque:${text}`, text, negated: false, opaque: true };
}

// ---------------------------------------------------------------------------------------------
// Building

export function markerAnd(...items: Marker[]): Marker {
  const flat: Marker[] = [];
  for (const item of items) {
    if (item.kind === 'true') continue;
    if (item.kind === 'false') return FALSE;
    if (item.kind === 'and') flat.push(...item.items);
    else flat.push(item);
  }
  if (flat.length === 0) return TRUE;
  return flat.length === 1 ? flat[0]! : { kind: 'and', items: flat };
}

export function markerOr(...items: Marker[]): Marker {
  const flat: Marker[] = [];
  for (const item of items) {
    if (item.kind === 'false') continue;
    if (item.kind === 'true') return TRUE;
    if (item.kind === 'or') flat.push(...item.items);
    else flat.push(item);
  }
  if (flat.length === 0) return FALSE;
  return flat.length === 1 ? flat[0]! : { kind: 'or', items: flat };
}

export function markerNot(item: Marker): Marker {
  if (item.kind === 'true') return FALSE;
  if (item.kind === 'false') return TRUE;
  if (item.kind === 'not') return item.item;
  return { kind: 'not', item };
}

// ---------------------------------------------------------------------------------------------
// Rendering (for messages; comparison never uses the text of non-opaque atoms)

const NEGATED_OPERATOR: Record<string, string> = { '==': '!=', '!=': '==', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };

export function formatMarker(marker: Marker): string {
  return render(marker, false);
}

/** What a node renders as once a pending negation is pushed into it (De Morgan). */
function effectiveKind(marker: Marker, negated: boolean): 'and' | 'or' | 'leaf' {
  if (marker.kind === 'not') return effectiveKind(marker.item, !negated);
  if (marker.kind === 'and') return negated ? 'or' : 'and';
  if (marker.kind === 'or') return negated ? 'and' : 'or';
  return 'leaf';
}

function render(marker: Marker, negated: boolean): string {
  switch (marker.kind) {
    case 'true':
      return negated ? "python_full_version < '0'" : '';
    case 'false':
      return negated ? '' : "python_full_version < '0'";
    case 'not':
      return render(marker.item, !negated);
    case 'and':
    case 'or': {
      const kind = effectiveKind(marker, negated);
      const parts = marker.items.map((item) => {
        const text = render(item, negated);
        return kind === 'and' && effectiveKind(item, negated) === 'or' ? `(${text})` : text;
      });
      return parts.filter((part) => part !== '').join(kind === 'and' ? ' and ' : ' or ');
    }
    case 'version': {
      const spec = marker.spec;
      let op: string = spec.operator;
      if (negated) {
        const flipped = NEGATED_OPERATOR[op];
        if (!flipped) return `not (${render(marker, false)})`;
        op = flipped;
      }
      return `${marker.variable} ${op} '${spec.version ? formatVersion(spec.version) : spec.text}${spec.star ? '.*' : ''}'`;
    }
    case 'string': {
      const op = negated ? NEGATED_OPERATOR[marker.operator]! : marker.operator;
      return `${marker.variable} ${op} '${marker.value}'`;
    }
    case 'extra':
      return `extra ${marker.negated !== negated ? '!=' : '=='} '${marker.name}'`;
    case 'bool': {
      const isNegated = marker.negated !== negated;
      if (!isNegated) return marker.text;
      if (!marker.opaque && / in /.test(marker.text)) return marker.text.replace(' in ', ' not in ');
      return `not (${marker.text})`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Meaning

interface Environment {
  python: bigint[];
  implementation: bigint[];
  strings: Map<string, string>;
  bools: Map<string, boolean>;
}

function evaluate(marker: Marker, env: Environment): boolean {
  switch (marker.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'not':
      return !evaluate(marker.item, env);
    case 'and':
      return marker.items.every((item) => evaluate(item, env));
    case 'or':
      return marker.items.some((item) => evaluate(item, env));
    case 'version': {
      if (marker.variable === 'implementation_version') return releaseMatches(marker.spec, env.implementation);
      if (marker.variable === 'python_version') return releaseMatches(marker.spec, truncateToMinor(env.python));
      return releaseMatches(marker.spec, env.python);
    }
    case 'string': {
      const equal = env.strings.get(marker.variable) === marker.value;
      return marker.operator === '==' ? equal : !equal;
    }
    case 'extra':
      return (env.bools.get(`extra:${marker.name}`) ?? false) !== marker.negated;
    case 'bool':
      return (env.bools.get(marker.key) ?? false) !== marker.negated;
  }
}

/** `python_version` is the first two components of the full version. */
function truncateToMinor(release: readonly bigint[]): bigint[] {
  return [release[0] ?? 0n, release[1] ?? 0n];
}

interface Variables {
  pythonBoundaries: bigint[][];
  implementationBoundaries: bigint[][];
  usesPython: boolean;
  usesImplementation: boolean;
  strings: Map<string, Set<string>>;
  bools: Set<string>;
  opaque: boolean;
}

function collect(marker: Marker, into: Variables, depth = 0): void {
  if (depth > MAX_DEPTH * 4) return;
  switch (marker.kind) {
    case 'true':
    case 'false':
      return;
    case 'not':
      collect(marker.item, into, depth + 1);
      return;
    case 'and':
    case 'or':
      for (const item of marker.items) collect(item, into, depth + 1);
      return;
    case 'version': {
      const boundaries = releaseBoundaries(marker.spec);
      if (marker.variable === 'implementation_version') {
        into.usesImplementation = true;
        into.implementationBoundaries.push(...boundaries);
      } else if (marker.variable === 'python_version') {
        into.usesPython = true;
        // The answer can only change where the major.minor changes.
        for (const boundary of boundaries) {
          const minor = truncateToMinor(boundary);
          into.pythonBoundaries.push(minor, bump(minor));
        }
      } else {
        into.usesPython = true;
        into.pythonBoundaries.push(...boundaries);
      }
      return;
    }
    case 'string': {
      let values = into.strings.get(marker.variable);
      if (!values) into.strings.set(marker.variable, (values = new Set()));
      values.add(marker.value);
      return;
    }
    case 'extra':
      into.bools.add(`extra:${marker.name}`);
      return;
    case 'bool':
      into.bools.add(marker.key);
      if (marker.opaque) into.opaque = true;
      return;
  }
}

/** Cells evaluated per comparison, at most; beyond it the answer is "undecidable". */
const MAX_CELLS = 65_536;
const OTHER_VALUE = '\u0000other';

/** What a set of markers mentions, before any is read. */
function noVariables(): Variables {
  return {
    pythonBoundaries: [],
    implementationBoundaries: [],
    usesPython: false,
    usesImplementation: false,
    strings: new Map(),
    bools: new Set(),
    opaque: false,
  };
}

/**
 * Evaluate `check` on every cell of the environment space spanned by `markers`, within `domain`
 * (the Python versions considered). Returns false as soon as `check` does, 'too-large' when the
 * space is bigger than MAX_CELLS.
 */
function forEveryEnvironment(markers: Marker[], domain: ReleaseRange | undefined, check: (env: Environment) => boolean): boolean | 'too-large' {
  const vars = noVariables();
  for (const marker of markers) collect(marker, vars);
  if (domain?.lower) vars.pythonBoundaries.push(domain.lower.release);
  if (domain?.upper) vars.pythonBoundaries.push(domain.upper.release);

  let pythonPoints = vars.usesPython || domain ? releaseCells(vars.pythonBoundaries).cells.map((cell) => cell.point) : [[3n]];
  if (domain) pythonPoints = pythonPoints.filter((point) => rangeContains(domain, point));
  if (pythonPoints.length === 0) return true;
  const implementationPoints = vars.usesImplementation ? releaseCells(vars.implementationBoundaries).cells.map((cell) => cell.point) : [[0n]];
  const stringVars = [...vars.strings.entries()].map(([name, values]) => ({ name, values: [...values, OTHER_VALUE] }));
  const boolVars = [...vars.bools];

  let total = pythonPoints.length * implementationPoints.length;
  for (const s of stringVars) total *= s.values.length;
  for (let i = 0; i < boolVars.length && total <= MAX_CELLS; i++) total *= 2;
  if (total > MAX_CELLS) return 'too-large';

  const env: Environment = { python: [], implementation: [], strings: new Map(), bools: new Map() };
  const radices = [pythonPoints.length, implementationPoints.length, ...stringVars.map((s) => s.values.length), ...boolVars.map(() => 2)];
  const digits = new Array<number>(radices.length).fill(0);
  for (;;) {
    env.python = pythonPoints[digits[0]!]!;
    env.implementation = implementationPoints[digits[1]!]!;
    stringVars.forEach((s, i) => env.strings.set(s.name, s.values[digits[2 + i]!]!));
    boolVars.forEach((key, i) => env.bools.set(key, digits[2 + stringVars.length + i] === 1));
    if (!isImpossible(env) && !check(env)) return false;
    let position = 0;
    while (position < radices.length) {
      digits[position]!++;
      if (digits[position]! < radices[position]!) break;
      digits[position] = 0;
      position++;
    }
    if (position === radices.length) return true;
  }
}

function hasOpaque(marker: Marker): boolean {
  const vars = noVariables();
  collect(marker, vars);
  return vars.opaque;
}

/**
 * Whether two markers mean the same for uv, with Python versions limited to `domain` (the lock's
 * requires-python; uv simplifies both sides against it before comparing).
 */
export function compareMarkers(a: Marker, b: Marker, domain?: ReleaseRange): Comparison {
  if (a.kind === 'true' && b.kind === 'true') return 'equal';
  if (formatMarker(a) === formatMarker(b)) return 'equal';
  const result = forEveryEnvironment([a, b], domain, (env) => evaluate(a, env) === evaluate(b, env));
  if (result === 'too-large') return 'undecidable';
  if (result) return 'equal';
  return hasOpaque(a) || hasOpaque(b) ? 'undecidable' : 'different';
}

/** Whether any environment satisfies the marker (uv drops lowered requirements whose marker is FALSE). */
export function isSatisfiable(marker: Marker): boolean | 'unknown' {
  if (marker.kind === 'true') return true;
  if (marker.kind === 'false') return false;
  let found = false;
  const result = forEveryEnvironment([marker], undefined, (env) => {
    if (evaluate(marker, env)) {
      found = true;
      return false;
    }
    return true;
  });
  if (found) return true;
  if (result === 'too-large') return 'unknown';
  // Unsatisfiable with opaque tests as free variables means unsatisfiable, whatever they mean.
  return false;
}

/** Whether a marker tests an extra anywhere (`extra == 'x'`). */
export function mentionsExtra(marker: Marker, depth = 0): boolean {
  if (depth > MAX_DEPTH * 4) return true;
  switch (marker.kind) {
    case 'extra':
      return true;
    case 'not':
      return mentionsExtra(marker.item, depth + 1);
    case 'and':
    case 'or':
      return marker.items.some((item) => mentionsExtra(item, depth + 1));
    case 'bool':
      return marker.opaque && marker.text.startsWith('extra ');
    default:
      return false;
  }
}

/** The extra a marker is scoped to when it has the shape `... and extra == 'x'` (uv's `top_level_extra_name`). */
export function topLevelExtra(marker: Marker): string | undefined {
  if (marker.kind === 'extra' && !marker.negated) return marker.name;
  if (marker.kind === 'and') {
    const extras = marker.items.filter((item): item is Extract<Atom, { kind: 'extra' }> => item.kind === 'extra' && !item.negated);
    if (extras.length === 1) return extras[0]!.name;
  }
  return undefined;
}
