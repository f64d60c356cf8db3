/**
 * TOML reading for pyproject.toml, uv.toml and uv.lock: values from smol-toml, plus a position
 * index (key path -> 1-based line) from one linear lexical pass over the same text, because
 * smol-toml gives values and no positions.
 *
 * Key paths: segments joined with `.`, array indexes as `[n]`: `project.dependencies[3]`,
 * `tool.uv.sources.foo`, `package[12]`, `package[12].wheels[0]`, `tool.uv.index[1].url`.
 * A segment that is not a plain bare key (letters, digits, `-`, `_`) is written JSON-quoted
 * (`tool.uv.sources."zope.interface"`), so a quoted key with a dot never collides with a dotted
 * key. Build lookups with `keyPath()` and read them with `lineOf()`, which falls back to the nearest
 * indexed ancestor.
 *
 * What is indexed: every table header, every key, every array element. Keys inside an inline table
 * that is itself an array element (a wheel `{ url = …, hash = … }`, a dependency `{ name = … }`) are
 * not indexed one by one: they sit on the element's line, which `lineOf` returns for them. This keeps
 * the index small on large locks (one entry a wheel, not five).
 */
import { parse, TomlError } from 'smol-toml';
import { speedupEnabled } from '../core/speedups.js';
import { readUvLockToml, readUvLockTomlWithPositions } from './lock-toml.js';
import { DocumentSink, MAX_INDEXED_PREFIXES, PositionIndex, type Sink, type TableElementLines, TableElementSink } from './positions.js';

export { PositionIndex, type TableElementLines } from './positions.js';

export type TomlParseResult =
  | { ok: true; value: Record<string, unknown>; lines: Map<string, number> }
  | { ok: false; line: number; column?: number; message: string };

const BARE_KEY_RE = /^[A-Za-z0-9_-]+$/;

/** One path segment as the index spells it. */
export function keySegment(key: string): string {
  return BARE_KEY_RE.test(key) ? key : JSON.stringify(key);
}

/** Build an index key path: strings are keys, numbers array indexes. `keyPath('package', 3, 'wheels', 0)` → `package[3].wheels[0]`. */
export function keyPath(...segments: (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out = out === '' ? keySegment(segment) : `${out}.${keySegment(segment)}`;
  }
  return out;
}

/** Line of a key path, or of its nearest indexed ancestor (an element's line for keys inside it). */
export function lineOf(lines: Map<string, number>, path: string): number | undefined {
  let current = path;
  for (;;) {
    const line = lines.get(current);
    if (line !== undefined) return line;
    const cut = lastSegmentStart(current);
    if (cut <= 0) return undefined;
    current = current.slice(0, cut);
  }
}

/** Start offset of the last segment of a path (the `.` or `[` before it), ignoring quoted segments' content. */
function lastSegmentStart(path: string): number {
  let cut = -1;
  let inQuote = false;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (inQuote) {
      if (c === BACKSLASH) i++;
      else if (c === DQUOTE) inQuote = false;
    } else if (c === DQUOTE) inQuote = true;
    else if (c === DOT || c === LBRACKET) cut = i;
  }
  return cut;
}

export interface ParseTomlOptions {
  /**
   * Do not index keys inside inline tables (`source = { registry = … }`: `source` is indexed, not
   * `source.registry`). They sit on the key's line, which `lineOf` returns for them. For uv.lock,
   * where this halves the index; pyproject and uv.toml keep every key.
   */
  compact?: boolean;
}

/** Parse TOML text; never throws. A syntax error comes back with the parser's line and column. */
export function parseToml(file: string, text: string, options: ParseTomlOptions = {}): TomlParseResult {
  // uv.lock: uv's regular TOML in one quick pass (src/uv/lock-toml.ts), values and positions together;
  // anything else, and every error, is the scanner's and smol-toml's below.
  const quickLock = options.compact === true && speedupEnabled('lock-reader');
  const quickPositions = quickLock && speedupEnabled('lock-positions');
  if (quickPositions) {
    const quick = readUvLockTomlWithPositions(text);
    if (quick !== null) return { ok: true, value: quick.value, lines: quick.lines };
  }
  // The position scan runs first, while nothing large is alive: run after the value parse, its
  // allocations would make the garbage collector copy the whole parsed document again.
  let lines: Map<string, number> | undefined;
  try {
    // A leading BOM (the source layer strips it, but readers take any text) is not part of the
    // first key; dropping it moves no line.
    lines = indexPositions(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, options);
  } catch {
    // Either the text is not valid TOML (the parse below says where), or a construct trips the
    // scanner: positions then degrade (findings without lines) rather than the file being lost.
  }
  let value: Record<string, unknown>;
  // With LOCKGATE_SLOW=lock-positions, the quick reader for the values only, after the scan.
  const quick = quickLock && !quickPositions ? readUvLockToml(text) : null;
  if (quick !== null) return { ok: true, value: quick, lines: lines ?? new Map() };
  try {
    value = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      return { ok: false, line: error.line || 1, column: error.column || undefined, message: firstLine(error.message) };
    }
    // smol-toml's own depth limit or a RangeError on absurd nesting: still a file the user must fix.
    return { ok: false, line: 1, message: firstLine(error instanceof Error ? error.message : String(error)) };
  }
  void file;
  return { ok: true, value, lines: lines ?? new Map() };
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? message;
  return line.replace(/^Invalid TOML document:\s*/, '').trim() || 'invalid TOML';
}

// Character codes the scanner dispatches on.
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const DQUOTE = 34;
const HASH = 35;
const SQUOTE = 39;
const COMMA = 44;
const DOT = 46;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;

/**
 * Map every key path of a valid TOML document to its line. One forward pass; strings are skipped with
 * indexOf, so the cost is linear in the text and small next to the value parse.
 */
export function indexPositions(text: string, options: ParseTomlOptions = {}): PositionIndex {
  return new PositionScanner(text, options.compact === true).run();
}

class PositionScanner {
  private pos = 0;
  private line = 1;
  private readonly lines = new PositionIndex();
  private readonly document = new DocumentSink(this.lines);
  /** How many `[[x]]` headers each array-of-tables path (resolved, with indexes) has seen. */
  private readonly tableArrays = new Map<string, number>();

  constructor(
    private readonly text: string,
    private readonly compact: boolean,
  ) {}

  run(): PositionIndex {
    const text = this.text;
    // Keys go to `sink` under `table` (relative to the sink).
    let sink: Sink = this.document;
    let table = '';
    while (this.pos < text.length) {
      this.skipBlank(true);
      if (this.pos >= text.length) break;
      const c = text.charCodeAt(this.pos);
      if (c === LBRACKET) {
        const header = this.header();
        if (header.element) {
          sink = new TableElementSink(header.element);
          table = '';
        } else {
          sink = this.document;
          table = header.path;
        }
      } else {
        this.keyValue(sink, table, true);
      }
      // Rest of the line: trailing whitespace and comment.
      this.skipBlank(false);
    }
    return this.lines;
  }

  private setIfAbsent(path: string, line: number): void {
    if (!this.lines.has(path)) this.lines.set(path, line);
  }

  /** Skip spaces, tabs and comments; also newlines when `newlines` is set. */
  private skipBlank(newlines: boolean): void {
    const text = this.text;
    let pos = this.pos;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === SPACE || c === TAB || c === CR) pos++;
      else if (c === LF) {
        if (!newlines) break;
        this.line++;
        pos++;
      } else if (c === HASH) {
        const end = text.indexOf('\n', pos);
        pos = end === -1 ? text.length : end;
      } else break;
    }
    this.pos = pos;
  }

  /** `[a.b]` or `[[a.b]]`: the resolved table path, and for `[[a.b]]` the new table's record. */
  private header(): { path: string; element?: TableElementLines } {
    const line = this.line;
    this.pos++;
    const isArray = this.text.charCodeAt(this.pos) === LBRACKET;
    if (isArray) this.pos++;
    const segments = this.keySegments();
    // Closing bracket(s).
    this.skipBlank(false);
    this.pos += isArray ? 2 : 1;
    let resolved = '';
    for (let i = 0; i < segments.length; i++) {
      resolved = resolved === '' ? segments[i]! : `${resolved}.${segments[i]!}`;
      const last = i === segments.length - 1;
      if (last && isArray) {
        const count = this.tableArrays.get(resolved) ?? 0;
        this.tableArrays.set(resolved, count + 1);
        this.setIfAbsent(resolved, line);
        return { path: `${resolved}[${count}]`, element: this.lines.addTableElement(resolved, line) };
      }
      if (last) {
        this.lines.set(resolved, line);
      } else if (i < MAX_INDEXED_PREFIXES) {
        this.setIfAbsent(resolved, line);
        const count = this.tableArrays.get(resolved);
        if (count !== undefined) resolved = `${resolved}[${count - 1}]`;
      }
    }
    return { path: resolved };
  }

  /** Skip a dotted key without reading it; stops before `=`. */
  private skipKey(): void {
    const text = this.text;
    for (;;) {
      this.skipBlank(false);
      const c = text.charCodeAt(this.pos);
      if (c === DQUOTE) this.skipBasicString();
      else if (c === SQUOTE) this.skipLiteralString();
      else {
        const start = this.pos;
        while (this.pos < text.length && isBareKeyChar(text.charCodeAt(this.pos))) this.pos++;
        if (this.pos === start) throw new Error(`unexpected key character at offset ${start}`);
      }
      this.skipBlank(false);
      if (text.charCodeAt(this.pos) !== DOT) return;
      this.pos++;
    }
  }

  /** A dotted key (`a . "b.c" . d`), each segment already in index spelling. Stops before `=` or `]`. */
  private keySegments(): string[] {
    const text = this.text;
    const segments: string[] = [];
    for (;;) {
      this.skipBlank(false);
      const c = text.charCodeAt(this.pos);
      if (c === DQUOTE) segments.push(keySegment(this.basicStringValue()));
      else if (c === SQUOTE) {
        const start = this.pos + 1;
        this.skipLiteralString();
        segments.push(keySegment(text.slice(start, this.pos - 1)));
      } else {
        const start = this.pos;
        let pos = start;
        while (pos < text.length && isBareKeyChar(text.charCodeAt(pos))) pos++;
        if (pos === start) throw new Error(`unexpected key character at offset ${pos}`);
        // Bare keys are already in index spelling (they only hold bare-key characters).
        segments.push(text.slice(start, pos));
        this.pos = pos;
      }
      this.skipBlank(false);
      if (text.charCodeAt(this.pos) === DOT) {
        this.pos++;
        continue;
      }
      return segments;
    }
  }

  /** `key = value` inside the table (or inline table) at `prefix` (relative to `sink`). */
  private keyValue(sink: Sink, prefix: string, record: boolean): void {
    if (!record) {
      this.skipKey();
      this.pos++;
      this.skipBlank(false);
      this.value(sink, prefix, false);
      return;
    }
    const line = this.line;
    const segments = this.keySegments();
    // Now at '='.
    this.pos++;
    let path = prefix;
    for (let i = 0; i < segments.length; i++) {
      path = path === '' ? segments[i]! : `${path}.${segments[i]!}`;
      if (i === segments.length - 1) sink.set(path, line);
      else if (i < MAX_INDEXED_PREFIXES) sink.setIfAbsent(path, line);
    }
    this.skipBlank(false);
    this.value(sink, path, true);
  }

  /** Skip one value; index arrays' elements and inline tables' keys under `path` when `record`. */
  private value(sink: Sink, path: string, record: boolean): void {
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if (c === DQUOTE) {
      if (text.startsWith('"""', this.pos)) this.multilineBasicString();
      else this.skipBasicString();
    } else if (c === SQUOTE) {
      if (text.startsWith("'''", this.pos)) this.multilineLiteralString();
      else this.skipLiteralString();
    } else if (c === LBRACKET || c === LBRACE) {
      if (!record || (c === LBRACE && this.compact)) this.skipComposite();
      else if (c === LBRACKET) this.array(sink, path);
      else this.inlineTable(sink, path);
    } else {
      // Number, boolean, date-time (which may hold one space): runs to a delimiter.
      let pos = this.pos;
      while (pos < text.length) {
        const d = text.charCodeAt(pos);
        if (d === COMMA || d === RBRACKET || d === RBRACE || d === HASH || d === LF || d === CR) break;
        pos++;
      }
      this.pos = pos;
    }
  }

  /** An array whose elements are indexed (a skipped one goes through skipComposite). */
  private array(sink: Sink, path: string): void {
    const text = this.text;
    this.pos++;
    let index = 0;
    let elementLines: number[] | undefined;
    for (;;) {
      this.skipBlank(true);
      const c = text.charCodeAt(this.pos);
      if (c === RBRACKET) {
        this.pos++;
        return;
      }
      if (this.pos >= text.length) throw new Error('unterminated array');
      const before = this.pos;
      elementLines ??= sink.elementLinesOf(path);
      elementLines.push(this.line);
      // An inline table inside an array is indexed as one element (see the module comment); only a
      // nested array needs the element's own path.
      if (c === LBRACKET) this.value(sink, `${path}[${index}]`, true);
      else this.value(sink, path, false);
      index++;
      this.skipBlank(true);
      if (text.charCodeAt(this.pos) === COMMA) this.pos++;
      // Text the value parse would reject (the scan runs first): never loop in place.
      if (this.pos === before) throw new Error(`unexpected character at offset ${before}`);
    }
  }

  private inlineTable(sink: Sink, path: string): void {
    const text = this.text;
    this.pos++;
    for (;;) {
      // TOML 1.1 (which smol-toml accepts) allows newlines and comments inside inline tables.
      this.skipBlank(true);
      const c = text.charCodeAt(this.pos);
      if (c === RBRACE) {
        this.pos++;
        return;
      }
      if (this.pos >= text.length) throw new Error('unterminated inline table');
      const before = this.pos;
      this.keyValue(sink, path, true);
      this.skipBlank(true);
      if (text.charCodeAt(this.pos) === COMMA) this.pos++;
      if (this.pos === before) throw new Error(`unexpected character at offset ${before}`);
    }
  }

  /**
   * Skip an inline table or array that is not indexed (a wheel, a dependency edge): one tight loop
   * over brackets, strings, comments and newlines, with no key reading at all.
   */
  private skipComposite(): void {
    const text = this.text;
    let depth = 0;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === DQUOTE) {
        if (text.startsWith('"""', this.pos)) this.multilineBasicString();
        else this.skipBasicString();
        continue;
      }
      if (c === SQUOTE) {
        if (text.startsWith("'''", this.pos)) this.multilineLiteralString();
        else this.skipLiteralString();
        continue;
      }
      if (c === LBRACE || c === LBRACKET) depth++;
      else if (c === RBRACE || c === RBRACKET) {
        depth--;
        if (depth === 0) {
          this.pos++;
          return;
        }
      } else if (c === LF) this.line++;
      else if (c === HASH) {
        const end = text.indexOf('\n', this.pos);
        this.pos = end === -1 ? text.length : end;
        continue;
      }
      this.pos++;
    }
    throw new Error('unterminated inline table or array');
  }

  /** Skip a one-line literal string starting at its opening quote. */
  private skipLiteralString(): void {
    const end = this.text.indexOf("'", this.pos + 1);
    if (end === -1) throw new Error('unterminated literal string');
    this.pos = end + 1;
  }

  /** Skip a one-line basic string starting at its opening quote. */
  private skipBasicString(): void {
    const text = this.text;
    let from = this.pos + 1;
    for (;;) {
      const end = text.indexOf('"', from);
      if (end === -1) throw new Error('unterminated string');
      let backslashes = 0;
      for (let k = end - 1; k >= from && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
      if (backslashes % 2 === 0) {
        this.pos = end + 1;
        return;
      }
      from = end + 1;
    }
  }

  /** Read a one-line basic string (a quoted key) and decode its escapes. */
  private basicStringValue(): string {
    const start = this.pos + 1;
    this.skipBasicString();
    const raw = this.text.slice(start, this.pos - 1);
    return raw.includes('\\') ? decodeBasicEscapes(raw) : raw;
  }

  private multilineBasicString(): void {
    const text = this.text;
    let pos = this.pos + 3;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === BACKSLASH) {
        if (text.charCodeAt(pos + 1) === LF) this.line++;
        pos += 2;
      } else if (c === LF) {
        this.line++;
        pos++;
      } else if (c === DQUOTE && text.charCodeAt(pos + 1) === DQUOTE && text.charCodeAt(pos + 2) === DQUOTE) {
        pos += 3;
        // Up to two more quotes belong to the content ("""a""""" ends with `a""`).
        for (let extra = 0; extra < 2 && text.charCodeAt(pos) === DQUOTE; extra++) pos++;
        this.pos = pos;
        return;
      } else pos++;
    }
    throw new Error('unterminated multi-line string');
  }

  private multilineLiteralString(): void {
    const text = this.text;
    const end = text.indexOf("'''", this.pos + 3);
    if (end === -1) throw new Error('unterminated multi-line literal string');
    for (let k = this.pos + 3; k < end; k++) if (text.charCodeAt(k) === LF) this.line++;
    let pos = end + 3;
    for (let extra = 0; extra < 2 && text.charCodeAt(pos) === SQUOTE; extra++) pos++;
    this.pos = pos;
  }
}

function isBareKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

/** TOML basic-string escapes (1.0 plus 1.1's \e and \xHH), for quoted keys. */
function decodeBasicEscapes(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = raw[++i];
    switch (e) {
      case 'b':
        out += '\b';
        break;
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'f':
        out += '\f';
        break;
      case 'r':
        out += '\r';
        break;
      case 'e':
        out += '\x1b';
        break;
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case 'x':
        out += String.fromCodePoint(parseInt(raw.slice(i + 1, i + 3), 16));
        i += 2;
        break;
      case 'u':
        out += String.fromCodePoint(parseInt(raw.slice(i + 1, i + 5), 16));
        i += 4;
        break;
      case 'U':
        out += String.fromCodePoint(parseInt(raw.slice(i + 1, i + 9), 16));
        i += 8;
        break;
      default:
        out += e ?? '';
    }
  }
  return out;
}
