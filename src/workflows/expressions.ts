/**
 * GitHub Actions expressions: finding `${{ … }}` in text, parsing their body, and working out which
 * context paths can flow into the value an expression expands to.
 *
 * Context paths are returned in dotted form, with every numeric, `*` or computed index written as `*`:
 * `github.event.commits[0].message` and `github.event.commits.*.message` both become
 * `github.event.commits.*.message`, and `github.event['pull_request'].title` becomes
 * `github.event.pull_request.title`. Segments keep the case they were written in (for messages and
 * variable names); contexts are case-insensitive, so compare them with `normalizePath`.
 */

/** One `${{ … }}` occurrence in a text. */
export interface ExpressionSpan {
  /** Offset of the `$`. */
  start: number;
  /** Offset just after the closing `}}`. */
  end: number;
  /** The text between `${{` and `}}`, untrimmed. */
  body: string;
}

/**
 * Every `${{ … }}` in `text`, in order. A `}}` inside a single-quoted string literal does not close the
 * expression (GitHub reads `${{ format('}}') }}` as one expression). An unclosed `${{` ends the scan:
 * GitHub rejects such a workflow, and nothing after it is an expression.
 */
export function findExpressions(text: string): ExpressionSpan[] {
  const spans: ExpressionSpan[] = [];
  let from = 0;
  while (from < text.length) {
    const start = text.indexOf('${{', from);
    if (start < 0) break;
    let i = start + 3;
    let inString = false;
    let close = -1;
    while (i < text.length) {
      const c = text[i];
      if (inString) {
        if (c === "'") {
          if (text[i + 1] === "'")
            i += 2; // '' is an escaped quote inside a string literal
          else {
            inString = false;
            i++;
          }
        } else i++;
        continue;
      }
      if (c === "'") {
        inString = true;
        i++;
        continue;
      }
      if (c === '}' && text[i + 1] === '}') {
        close = i;
        break;
      }
      i++;
    }
    if (close < 0) break;
    spans.push({ start, end: close + 2, body: text.slice(start + 3, close) });
    from = close + 2;
  }
  return spans;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** The expression syntax tree, reduced to what dataflow needs. */
export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null }
  /**
   * A context access (`github.event.issue.title`, `steps.x.outputs['y']`, `secrets[matrix.name]`).
   * `indices[i]` says how segment i was reached: undefined for the root and for `.name`, null for
   * `.*` or `[*]`, else the index expression written in brackets (a literal or a computed one).
   */
  | { kind: 'context'; path: string[]; indices: (Expr | null | undefined)[] }
  /** A property or index access on something that is not a plain context (a call result). */
  | { kind: 'access'; target: Expr; index: Expr | null }
  /** `name` is lower-cased for matching (functions are case-insensitive); `spelled` is as written. */
  | { kind: 'call'; name: string; spelled: string; args: Expr[] }
  | { kind: 'not'; operand: Expr }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'compare'; op: string; left: Expr; right: Expr };

type Token = { t: 'ident'; v: string } | { t: 'string'; v: string } | { t: 'number'; v: number } | { t: 'punct'; v: string };

const PUNCT = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', '.', ',', '*'];

function tokenize(body: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === "'") {
      let value = '';
      i++;
      let closed = false;
      while (i < body.length) {
        if (body[i] === "'") {
          if (body[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        value += body[i++];
      }
      if (!closed) return null;
      tokens.push({ t: 'string', v: value });
      continue;
    }
    const number = /^(?:0x[0-9a-f]+|[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)/i.exec(body.slice(i));
    if (number && (/[0-9.]/.test(c) || ((c === '-' || c === '+') && /[0-9.]/.test(body[i + 1] ?? '')))) {
      // A sign only starts a number where an operand is expected (GitHub has no binary minus).
      tokens.push({ t: 'number', v: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(body.slice(i));
    if (ident) {
      tokens.push({ t: 'ident', v: ident[0] });
      i += ident[0].length;
      continue;
    }
    const punct = PUNCT.find((p) => body.startsWith(p, i));
    if (!punct) return null;
    tokens.push({ t: 'punct', v: punct });
    i += punct.length;
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Expr | null {
    const expr = this.or();
    return expr && this.pos === this.tokens.length ? expr : null;
  }

  private peekPunct(v: string): boolean {
    const token = this.tokens[this.pos];
    return token !== undefined && token.t === 'punct' && token.v === v;
  }

  private eat(v: string): boolean {
    if (this.peekPunct(v)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private or(): Expr | null {
    let left = this.and();
    while (left && this.eat('||')) {
      const right = this.and();
      if (!right) return null;
      left = { kind: 'or', left, right };
    }
    return left;
  }

  private and(): Expr | null {
    let left = this.equality();
    while (left && this.eat('&&')) {
      const right = this.equality();
      if (!right) return null;
      left = { kind: 'and', left, right };
    }
    return left;
  }

  private equality(): Expr | null {
    let left = this.comparison();
    while (left) {
      const op = ['==', '!='].find((o) => this.peekPunct(o));
      if (!op) break;
      this.pos++;
      const right = this.comparison();
      if (!right) return null;
      left = { kind: 'compare', op, left, right };
    }
    return left;
  }

  private comparison(): Expr | null {
    let left = this.unary();
    while (left) {
      const op = ['<=', '>=', '<', '>'].find((o) => this.peekPunct(o));
      if (!op) break;
      this.pos++;
      const right = this.unary();
      if (!right) return null;
      left = { kind: 'compare', op, left, right };
    }
    return left;
  }

  private unary(): Expr | null {
    if (this.eat('!')) {
      const operand = this.unary();
      return operand ? { kind: 'not', operand } : null;
    }
    return this.postfix();
  }

  private postfix(): Expr | null {
    let expr = this.primary();
    while (expr) {
      if (this.eat('.')) {
        const token = this.tokens[this.pos];
        if (token?.t === 'ident') {
          this.pos++;
          expr = extend(expr, token.v, undefined);
        } else if (this.eat('*')) {
          expr = extend(expr, '*', null);
        } else return null;
      } else if (this.eat('[')) {
        let index: Expr | null;
        if (this.eat('*')) index = null;
        else {
          index = this.or();
          if (!index) return null;
        }
        if (!this.eat(']')) return null;
        const segment = index === null ? '*' : index.kind === 'literal' && typeof index.value === 'string' ? index.value : '*';
        expr = extend(expr, segment, index);
      } else break;
    }
    return expr;
  }

  private primary(): Expr | null {
    const token = this.tokens[this.pos];
    if (!token) return null;
    if (token.t === 'string' || token.t === 'number') {
      this.pos++;
      return { kind: 'literal', value: token.v };
    }
    if (token.t === 'ident') {
      this.pos++;
      const lower = token.v.toLowerCase();
      if (this.eat('(')) {
        const args: Expr[] = [];
        if (!this.eat(')')) {
          for (;;) {
            const arg = this.or();
            if (!arg) return null;
            args.push(arg);
            if (this.eat(')')) break;
            if (!this.eat(',')) return null;
          }
        }
        return { kind: 'call', name: lower, spelled: token.v, args };
      }
      if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true' };
      if (lower === 'null') return { kind: 'literal', value: null };
      if (lower === 'nan' || lower === 'infinity') return { kind: 'literal', value: Number.NaN };
      return { kind: 'context', path: [token.v], indices: [undefined] };
    }
    if (this.eat('(')) {
      const inner = this.or();
      if (!inner || !this.eat(')')) return null;
      return inner;
    }
    return null;
  }
}

/**
 * Member or index access: stays a context path when the target is one, else an opaque access.
 * `index` is undefined for `.name`, null for `*`, else the bracketed expression.
 */
function extend(target: Expr, segment: string, index: Expr | null | undefined): Expr {
  if (target.kind === 'context') return { kind: 'context', path: [...target.path, segment], indices: [...target.indices, index] };
  return { kind: 'access', target, index: index === undefined ? { kind: 'literal', value: segment } : index };
}

/** Parses an expression body (the text inside `${{ }}`, or an `if:` condition); null when it is not valid syntax. */
export function parseExpression(body: string): Expr | null {
  if (body.length > 20_000) return null; // nobody writes that; the fallback scan handles it linearly
  // The same few bodies recur across a repository's files (`secrets.GITHUB_TOKEN`, `github.event_name == 'push'`),
  // and several rules parse each: an Expr holds no position and is never changed, so one parse serves all.
  if (body.length > MAX_MEMO_BODY) return parseUncached(body);
  const known = parsedBodies.get(body);
  if (known !== undefined) return known;
  if (parsedBodies.size >= MAX_PARSED_BODIES) parsedBodies.clear();
  const parsed = parseUncached(body);
  parsedBodies.set(body, parsed);
  return parsed;
}

const parsedBodies = new Map<string, Expr | null>();
/** Bounds the memo (a hostile file of a million distinct expressions must not hold them all). */
const MAX_PARSED_BODIES = 20_000;
/** Long bodies are rare and not worth holding (20,000 of them at the cap would be megabytes). */
const MAX_MEMO_BODY = 500;

function parseUncached(body: string): Expr | null {
  const tokens = tokenize(body);
  if (!tokens || tokens.length === 0) return null;
  try {
    return new Parser(tokens).parse();
  } catch {
    // Only a pathological nesting depth can get here (stack overflow); treat as unparsable.
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Dataflow

/** Functions whose result never carries their arguments' text: booleans, and hashFiles' hex digest. */
const OPAQUE_FUNCTIONS = new Set(['contains', 'startswith', 'endswith', 'success', 'always', 'failure', 'cancelled', 'hashfiles']);

const CONTEXT_ROOTS = ['github', 'env', 'inputs', 'steps', 'needs', 'matrix', 'secrets', 'vars', 'runner', 'job', 'jobs', 'strategy'];

/**
 * The context paths whose text can end up in the value of the expression `body`, deduplicated in
 * order of appearance. Comparisons, `!`, `contains()`/`startsWith()`/`endsWith()` and the status
 * functions yield booleans, so the contexts they read do not flow. `a && b` yields `b`, or `a` only
 * when `a` is falsy (an empty string at most), so only `b` flows. Anything else (format, join,
 * toJSON, fromJSON, unknown functions, `||`) passes its operands through.
 *
 * When the body does not parse, every context-looking path in it (outside string literals) is
 * returned: an unparsable expression is treated as the worst case, never as safe.
 */
export function dataflowContexts(body: string): string[] {
  const parsed = parseExpression(body);
  const paths = parsed ? flows(parsed) : scanContextPaths(body);
  const seen = new Set<string>();
  return paths.filter((path) => {
    const key = normalizePath(path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The comparison form of a context path: contexts are case-insensitive. */
export function normalizePath(path: string): string {
  return path.toLowerCase();
}

function flows(expr: Expr): string[] {
  switch (expr.kind) {
    case 'literal':
      return [];
    case 'context':
      return [expr.path.join('.')];
    case 'access':
      return flows(expr.target);
    case 'call':
      return OPAQUE_FUNCTIONS.has(expr.name) ? [] : expr.args.flatMap(flows);
    case 'not':
    case 'compare':
      return [];
    case 'and':
      return flows(expr.right);
    case 'or':
      return [...flows(expr.left), ...flows(expr.right)];
  }
}

/** Context-looking paths in an expression that did not parse, outside single-quoted strings. */
export function scanContextPaths(body: string): string[] {
  const unquoted = body.replace(/'(?:[^']|'')*'?/g, "''");
  const re = new RegExp(`(?<![A-Za-z0-9_.-])(${CONTEXT_ROOTS.join('|')})((?:\\s*\\.\\s*(?:[A-Za-z_][A-Za-z0-9_-]*|\\*)|\\s*\\[[^\\]]*\\])*)`, 'gi');
  const out: string[] = [];
  for (const match of unquoted.matchAll(re)) {
    const segments = [match[1]];
    for (const part of match[2].matchAll(/\.\s*([A-Za-z_][A-Za-z0-9_-]*|\*)|\[([^\]]*)\]/g)) {
      segments.push(part[1] !== undefined ? part[1] : '*');
    }
    out.push(segments.join('.'));
  }
  return out;
}

/** The context path when the whole expression is one plain context access, else null. */
export function soleContextPath(body: string): string | null {
  const parsed = parseExpression(body);
  return parsed?.kind === 'context' ? parsed.path.join('.') : null;
}

/** True when `text` contains a `${{` (so its value is only known at run time). */
export function hasExpression(text: string): boolean {
  return text.includes('${{');
}

// ---------------------------------------------------------------------------------------------
// Structure: sub-expressions, printing, constant reduction, computed indices

/** The direct sub-expressions of a node, in source order (a context's bracketed indices included). */
export function childrenOf(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'literal':
      return [];
    case 'context':
      return expr.indices.filter((index): index is Expr => index !== undefined && index !== null);
    case 'access':
      return expr.index ? [expr.target, expr.index] : [expr.target];
    case 'call':
      return expr.args;
    case 'not':
      return [expr.operand];
    case 'and':
    case 'or':
    case 'compare':
      return [expr.left, expr.right];
  }
}

const IDENTIFIER_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The expression written back as text, normalised (single spaces, parentheses around nested operators), for messages. */
export function exprText(expr: Expr): string {
  const operand = (e: Expr): string => (e.kind === 'and' || e.kind === 'or' || e.kind === 'compare' ? `(${exprText(e)})` : exprText(e));
  switch (expr.kind) {
    case 'literal':
      return literalText(expr.value);
    case 'context':
      return expr.path
        .map((segment, i) => {
          if (i === 0) return segment;
          const index = expr.indices[i];
          if (index === undefined) return `.${segment}`;
          if (index === null) return '.*';
          return `[${exprText(index)}]`;
        })
        .join('');
    case 'access': {
      const target =
        expr.target.kind === 'call' || expr.target.kind === 'context' || expr.target.kind === 'access' ? exprText(expr.target) : `(${exprText(expr.target)})`;
      if (expr.index === null) return `${target}.*`;
      if (expr.index.kind === 'literal' && typeof expr.index.value === 'string' && IDENTIFIER_RE.test(expr.index.value)) return `${target}.${expr.index.value}`;
      return `${target}[${exprText(expr.index)}]`;
    }
    case 'call':
      return `${expr.spelled}(${expr.args.map(exprText).join(', ')})`;
    case 'not':
      return `!${operand(expr.operand)}`;
    case 'and':
      return `${operand(expr.left)} && ${operand(expr.right)}`;
    case 'or':
      return `${operand(expr.left)} || ${operand(expr.right)}`;
    case 'compare':
      return `${operand(expr.left)} ${expr.op} ${operand(expr.right)}`;
  }
}

function literalText(value: string | number | boolean | null): string {
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (value === null) return 'null';
  return String(value);
}

/** Functions whose result is fixed when their arguments are (zizmor's list; fromJSON is left out, as there). */
const REDUCIBLE_FUNCTIONS = new Set(['contains', 'startswith', 'endswith', 'format', 'tojson', 'join']);

/**
 * Whether the expression's value is fixed by its text alone: a literal, an operator over fixed
 * operands, or one of format/contains/startsWith/endsWith/toJSON/join over fixed arguments
 * (zizmor's "constant reducible"). Such an expression can be replaced by its value.
 */
export function isConstantReducible(expr: Expr): boolean {
  switch (expr.kind) {
    case 'literal':
      return true;
    case 'not':
      return isConstantReducible(expr.operand);
    case 'and':
    case 'or':
    case 'compare':
      return isConstantReducible(expr.left) && isConstantReducible(expr.right);
    case 'call':
      return REDUCIBLE_FUNCTIONS.has(expr.name) && expr.args.every(isConstantReducible);
    default:
      return false;
  }
}

/**
 * The outermost sub-expressions that are constant-reducible and not plain literals (a literal inside
 * a larger expression is just a value, not something to fold). The expression itself when it is one.
 */
export function constantReducibleParts(expr: Expr): Expr[] {
  if (expr.kind !== 'literal' && isConstantReducible(expr)) return [expr];
  return childrenOf(expr).flatMap(constantReducibleParts);
}

/** Every `fromJSON(toJSON(x))` in the expression: a round trip whose value is `x` itself (outermost first). */
export function jsonRoundTrips(expr: Expr): Extract<Expr, { kind: 'call' }>[] {
  const out: Extract<Expr, { kind: 'call' }>[] = [];
  const visit = (e: Expr): void => {
    if (e.kind === 'call' && e.name === 'fromjson' && e.args.length === 1) {
      const [inner] = e.args;
      if (inner.kind === 'call' && inner.name === 'tojson' && inner.args.length === 1) out.push(e);
    }
    for (const child of childrenOf(e)) visit(child);
  };
  visit(expr);
  return out;
}

/** An index in brackets that is neither a literal nor `*`: the segment it selects is only known at run time. */
export interface ComputedIndex {
  /** The context or access the index belongs to. */
  container: Expr;
  index: Expr;
}

/** Every computed index (`secrets[matrix.name]`, `github.event[inputs.field]`), outermost first. */
export function computedIndices(expr: Expr): ComputedIndex[] {
  const out: ComputedIndex[] = [];
  const visit = (e: Expr): void => {
    const indices = e.kind === 'context' ? e.indices : e.kind === 'access' ? [e.index] : [];
    for (const index of indices) if (index && index.kind !== 'literal') out.push({ container: e, index });
    for (const child of childrenOf(e)) visit(child);
  };
  visit(expr);
  return out;
}

/** A value of GitHub's expression language that a constant expression can have. */
export type ConstantValue = string | number | boolean | null;

/**
 * The value of a constant-reducible expression, following GitHub's rules (truthiness, loose and
 * case-insensitive equality, `format` placeholders); undefined when it is not constant or a case is
 * not modelled (then say "its value" rather than guess).
 */
export function evaluateConstant(expr: Expr): ConstantValue | undefined {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'not': {
      const operand = evaluateConstant(expr.operand);
      return operand === undefined ? undefined : !truthy(operand);
    }
    case 'and':
    case 'or': {
      const left = evaluateConstant(expr.left);
      if (left === undefined) return undefined;
      if (expr.kind === 'and' ? !truthy(left) : truthy(left)) return left;
      return evaluateConstant(expr.right);
    }
    case 'compare': {
      const left = evaluateConstant(expr.left);
      const right = evaluateConstant(expr.right);
      if (left === undefined || right === undefined) return undefined;
      return compareValues(expr.op, left, right);
    }
    case 'call': {
      if (!REDUCIBLE_FUNCTIONS.has(expr.name)) return undefined;
      const args = expr.args.map(evaluateConstant);
      if (args.some((arg) => arg === undefined)) return undefined;
      return callConstant(expr.name, args as ConstantValue[]);
    }
    default:
      return undefined;
  }
}

/**
 * The values an expression is known to be able to have when only some of its parts are known: the
 * pseudo-ternary `cond && 'redis' || ''` can only be `'redis'` or `''`, whatever `cond` is.
 * `anyFalsy` says it can also be some falsy value lockgate does not know (a context that is false,
 * empty or null); `anyUnknown` that it can also be a truthy value the text does not hold (a context,
 * a call): `inputs.image || 'redis:7'` can be `'redis:7'`, or whatever the input is.
 */
export function knownValues(expr: Expr): { values: ConstantValue[]; anyFalsy: boolean; anyUnknown: boolean } {
  switch (expr.kind) {
    case 'literal':
      return { values: [expr.value], anyFalsy: false, anyUnknown: false };
    case 'not':
    case 'compare':
      return { values: [true, false], anyFalsy: false, anyUnknown: false };
    case 'and': {
      // The left side when it is falsy, else the right side.
      const left = knownValues(expr.left);
      const right = knownValues(expr.right);
      const falsyLeft = left.values.filter((value) => !truthy(value));
      return { values: [...falsyLeft, ...right.values], anyFalsy: left.anyFalsy || left.anyUnknown || right.anyFalsy, anyUnknown: right.anyUnknown };
    }
    case 'or': {
      // The left side when it is truthy, else the right side.
      const left = knownValues(expr.left);
      const truthyLeft = left.values.filter(truthy);
      if (!left.anyFalsy && !left.anyUnknown && truthyLeft.length === left.values.length) return { values: truthyLeft, anyFalsy: false, anyUnknown: false };
      const right = knownValues(expr.right);
      return { values: [...truthyLeft, ...right.values], anyFalsy: right.anyFalsy, anyUnknown: left.anyUnknown || right.anyUnknown };
    }
    default: {
      const constant = evaluateConstant(expr);
      return constant === undefined ? { values: [], anyFalsy: true, anyUnknown: true } : { values: [constant], anyFalsy: false, anyUnknown: false };
    }
  }
}

/** GitHub's truthiness: false, 0, NaN, '' and null are falsy. */
export function truthy(value: ConstantValue): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  return value !== '';
}

function toNumber(value: ConstantValue): number {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  const text = value.trim();
  if (text === '') return 0;
  return /^(?:0x[0-9a-f]+|[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)$/i.test(text) ? Number(text) : Number.NaN;
}

/** String form as GitHub's `format()` and string functions see a value. */
export function constantText(value: ConstantValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

function compareValues(op: string, left: ConstantValue, right: ConstantValue): boolean | undefined {
  if (typeof left === 'string' && typeof right === 'string') {
    const a = left.toUpperCase();
    const b = right.toUpperCase();
    const order = a < b ? -1 : a > b ? 1 : 0;
    return compareOrder(op, order);
  }
  if (left === null && right === null) return compareOrder(op, 0);
  const a = toNumber(left);
  const b = toNumber(right);
  if (Number.isNaN(a) || Number.isNaN(b)) return op === '!=';
  return compareOrder(op, a < b ? -1 : a > b ? 1 : 0);
}

function compareOrder(op: string, order: number): boolean | undefined {
  switch (op) {
    case '==':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    default:
      return undefined;
  }
}

function callConstant(name: string, args: ConstantValue[]): ConstantValue | undefined {
  const [first, second] = args;
  switch (name) {
    case 'contains':
    case 'startswith':
    case 'endswith': {
      if (args.length !== 2) return undefined;
      const haystack = constantText(first).toUpperCase();
      const needle = constantText(second).toUpperCase();
      if (name === 'contains') return haystack.includes(needle);
      return name === 'startswith' ? haystack.startsWith(needle) : haystack.endsWith(needle);
    }
    case 'format':
      return args.length >= 1 && typeof first === 'string' ? formatConstant(first, args.slice(1)) : undefined;
    case 'tojson':
      return args.length === 1 ? JSON.stringify(first) : undefined;
    case 'join':
      // A scalar joins to its own text; only arrays (never constant here) have separators.
      return args.length >= 1 && args.length <= 2 ? constantText(first) : undefined;
    default:
      return undefined;
  }
}

/** `format('{0} {{x}}', a)`: `{N}` placeholders, `{{`/`}}` escapes; anything else malformed is undefined. */
function formatConstant(template: string, args: ConstantValue[]): string | undefined {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '{' && template[i + 1] === '{') {
      out += '{';
      i++;
    } else if (c === '}' && template[i + 1] === '}') {
      out += '}';
      i++;
    } else if (c === '{') {
      const match = /^\{(\d+)\}/.exec(template.slice(i));
      if (!match) return undefined;
      const n = Number(match[1]);
      if (n >= args.length) return undefined;
      out += constantText(args[n]);
      i += match[0].length - 1;
    } else if (c === '}') return undefined;
    else out += c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Conditions (`if:`)

/**
 * How an `if:` value is read. GitHub evaluates a value without `${{` as an expression (`bare`), and a
 * value that is exactly one `${{ … }}` as that expression (`fenced`). Anything else (text or a
 * newline outside the braces, several `${{ }}`) is a string template (`template`): its value is a
 * non-empty string, which is always true.
 */
export type ConditionForm = { form: 'bare'; body: string } | { form: 'fenced'; body: string } | { form: 'template'; spans: ExpressionSpan[] };

export function conditionForm(value: string): ConditionForm {
  const spans = findExpressions(value);
  if (spans.length === 0) {
    // An unclosed `${{` is no expression at all; GitHub rejects the file. Read the rest as bare text.
    return { form: 'bare', body: value };
  }
  if (spans.length === 1 && spans[0].start === 0 && spans[0].end === value.length) return { form: 'fenced', body: spans[0].body };
  return { form: 'template', spans };
}
