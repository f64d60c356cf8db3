/**
 * A fast reader for the regular TOML uv writes into uv.lock (issue 18 item 4): one pass, no
 * tokens, for the subset uv's writer produces: `[a.b]` and `[[a.b]]` headers of bare keys, `key = value`
 * lines with a single space around `=`, basic strings without escapes, decimal integers, booleans,
 * arrays (one line or one element a line, trailing comma allowed) and one-line inline tables
 * (`{ name = "x", marker = "…" }`), LF line ends, no comments, no tabs.
 *
 * It gives exactly the document smol-toml gives (values, key order, arrays, tables that inherit
 * nothing: smol-toml's have a null prototype, ours BARE_TABLE, which V8 keeps in fast mode) for every
 * text it accepts, and it accepts only text smol-toml reads without error. Anything else, valid TOML
 * or not, makes it return null, and the caller parses the text with smol-toml as before: the error a
 * malformed lock gets (its message, line and column) is always smol-toml's. Held to this by
 * __tests__/uv-lock-toml.test.ts (every corpus lock, hand-made hostile shapes, random mutations).
 *
 * With positions (readUvLockTomlWithPositions), it also builds the position index the scanner of
 * src/uv/toml.ts builds for the same text with `{ compact: true }` (indexPositions): the same calls on
 * a PositionIndex (src/uv/positions.ts), in the same order, at the same lines, so parseToml reads
 * such a lock in one pass instead of two. Held to this by __tests__/uv-lock-positions.test.ts.
 *
 * TOML's table rules within the subset: a header's prefixes are created as implicit tables (or
 * walked into the last table of an array of tables); a table is defined once (an implicit one may be
 * defined later); a key is set once per table; inline tables and arrays of values are never reopened.
 */

import { DocumentSink, MAX_INDEXED_PREFIXES, PositionIndex, type Sink, TableElementSink } from './positions.js';
import { newTable } from './values.js';

/** Nesting of arrays and inline tables beyond this is left to smol-toml (and its depth limit). */
const MAX_DEPTH = 64;

/** Longest decimal integer read here (smol-toml refuses what is not a safe integer). */
const MAX_INTEGER_DIGITS = 15;

const LF = 10;
const SPACE = 32;
const DQUOTE = 34;
const HASH = 35;
const COMMA = 44;
const EQUALS = 61;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;

/** What a string's content must not hold to be taken as written: escapes, control characters, surrogates. */
const UNSAFE_STRING_CONTENT = /[\u0000-\u001f\u007f\\\ud800-\udfff]/;

/**
 * The same, but for the whole text and without the line feed: a text without any of these can hold
 * only a line feed in a string, which string() finds with the next line feed instead of the pattern.
 */
const UNSAFE_TEXT_CONTENT = /[\u0000-\u0009\u000b-\u001f\u007f\\\ud800-\udfff]/;

/** What a comment must not hold: control characters (tab included, to stay simple). */
const UNSAFE_COMMENT_CONTENT = /[\u0000-\u001f\u007f]/;

type Table = Record<string, unknown>;

/** Thrown to leave the subset; caught in readUvLockToml only. */
class OutsideSubset extends Error {}

function outside(): never {
  throw new OutsideSubset();
}

function isBareKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The document smol-toml would give for `text`, or null when the text is outside uv's regular subset. */
export function readUvLockToml(text: string): Record<string, unknown> | null {
  try {
    return new Reader(text, null).document();
  } catch (error) {
    // RangeError: a stack overflow on absurd nesting, which smol-toml reports in its own way.
    if (error instanceof OutsideSubset || error instanceof RangeError) return null;
    throw error;
  }
}

/**
 * The document and the position index `indexPositions(text, { compact: true })` gives, or null when the
 * text is outside uv's regular subset.
 */
export function readUvLockTomlWithPositions(text: string): { value: Record<string, unknown>; lines: PositionIndex } | null {
  const lines = new PositionIndex();
  try {
    return { value: new Reader(text, lines).document(), lines };
  } catch (error) {
    if (error instanceof OutsideSubset || error instanceof RangeError) return null;
    throw error;
  }
}

class Reader {
  private pos = 0;
  /** 1-based line of `pos` (line breaks occur only between lines and inside multi-line arrays). */
  private line = 1;
  private readonly root: Table = newTable();
  /** Tables made by headers: `false` while only implied by a longer header, `true` once defined. */
  private readonly headerTables = new Map<Table, boolean>();
  /** Arrays made by `[[…]]` headers. */
  private readonly tableArrays = new Set<unknown[]>();
  /** Where keys are recorded (the scanner's `sink` and `table`): the document, or the current `[[x]]` table's lines. */
  private readonly documentSink: DocumentSink | null;
  private sink: Sink | null;
  private prefix = '';
  /** How many `[[x]]` headers each array-of-tables path (resolved, with indexes) has seen, as the scanner counts. */
  private readonly tableArrayCounts = new Map<string, number>();
  /** Whether the text holds nothing UNSAFE_TEXT_CONTENT matches (one scan of the text instead of one a string). */
  private readonly plainText: boolean;
  /** The first line feed at or after the last string's start (-1: none left): strings come in order, so the scan is linear. */
  private nextLineFeed = -2;

  constructor(
    private readonly text: string,
    /** The index to build, or null for values only. */
    private readonly lines: PositionIndex | null,
  ) {
    this.documentSink = lines === null ? null : new DocumentSink(lines);
    this.sink = this.documentSink;
    this.plainText = !UNSAFE_TEXT_CONTENT.test(text);
  }

  document(): Table {
    const text = this.text;
    let table = this.root;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === LF) {
        this.pos++;
        this.line++;
        continue;
      }
      if (c === HASH) {
        this.comment();
        continue;
      }
      if (c === LBRACKET) table = this.header();
      else this.keyValue(table);
      // A line ends right after its content, or after one space and a comment (uv writes one after exclude-newer).
      if (text.charCodeAt(this.pos) === SPACE && text.charCodeAt(this.pos + 1) === HASH) {
        this.pos++;
        this.comment();
      }
      if (this.pos < text.length) {
        if (text.charCodeAt(this.pos) !== LF) outside();
        this.pos++;
        this.line++;
      }
    }
    return this.root;
  }

  /** `# …` to the end of the line (left at the line break); a control character in it leaves the subset (smol-toml refuses most). */
  private comment(): void {
    const text = this.text;
    let end = text.indexOf('\n', this.pos);
    if (end === -1) end = text.length;
    if (UNSAFE_COMMENT_CONTENT.test(text.slice(this.pos, end))) outside();
    this.pos = end;
  }

  /** A bare key; stops at the first other character. */
  private bareKey(): string {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    while (pos < text.length && isBareKeyChar(text.charCodeAt(pos))) pos++;
    if (pos === start) outside();
    this.pos = pos;
    const key = text.slice(start, pos);
    // smol-toml stores this one with defineProperty; not worth copying here.
    if (key === '__proto__') outside();
    return key;
  }

  /** `[a.b]` or `[[a.b]]`: the table the following keys go to. */
  private header(): Table {
    const text = this.text;
    this.pos++;
    const isArray = text.charCodeAt(this.pos) === LBRACKET;
    if (isArray) this.pos++;
    const segments = [this.bareKey()];
    while (text.charCodeAt(this.pos) === 46 /* . */) {
      this.pos++;
      segments.push(this.bareKey());
    }
    if (text.charCodeAt(this.pos) !== RBRACKET) outside();
    this.pos++;
    if (isArray) {
      if (text.charCodeAt(this.pos) !== RBRACKET) outside();
      this.pos++;
    }
    if (this.lines !== null) this.recordHeader(segments, isArray);
    let table = this.root;
    const last = segments.length - 1;
    for (let i = 0; i < last; i++) {
      const key = segments[i]!;
      if (!Object.hasOwn(table, key)) {
        const implied = newTable();
        table[key] = implied;
        this.headerTables.set(implied, false);
        table = implied;
        continue;
      }
      const value = table[key];
      if (Array.isArray(value) && this.tableArrays.has(value)) table = value[value.length - 1] as Table;
      else if (this.headerTables.has(value as Table)) table = value as Table;
      else outside();
    }
    const key = segments[last]!;
    if (isArray) {
      const element = newTable();
      this.headerTables.set(element, true);
      if (!Object.hasOwn(table, key)) {
        const list: unknown[] = [element];
        this.tableArrays.add(list);
        table[key] = list;
        return element;
      }
      const list = table[key];
      if (!Array.isArray(list) || !this.tableArrays.has(list)) outside();
      list.push(element);
      return element;
    }
    if (!Object.hasOwn(table, key)) {
      const defined = newTable();
      this.headerTables.set(defined, true);
      table[key] = defined;
      return defined;
    }
    const existing = table[key] as Table;
    if (this.headerTables.get(existing) !== false) outside();
    this.headerTables.set(existing, true);
    return existing;
  }

  /**
   * The scanner's header(): the header's line under its resolved path (prefixes walked into the last
   * table of an array of tables), and where the keys that follow are recorded.
   */
  private recordHeader(segments: string[], isArray: boolean): void {
    const lines = this.lines!;
    const line = this.line;
    let resolved = '';
    for (let i = 0; i < segments.length; i++) {
      resolved = resolved === '' ? segments[i]! : `${resolved}.${segments[i]!}`;
      const last = i === segments.length - 1;
      if (last && isArray) {
        const count = this.tableArrayCounts.get(resolved) ?? 0;
        this.tableArrayCounts.set(resolved, count + 1);
        if (!lines.has(resolved)) lines.set(resolved, line);
        this.sink = new TableElementSink(lines.addTableElement(resolved, line));
        this.prefix = '';
        return;
      }
      if (last) {
        lines.set(resolved, line);
      } else if (i < MAX_INDEXED_PREFIXES) {
        if (!lines.has(resolved)) lines.set(resolved, line);
        const count = this.tableArrayCounts.get(resolved);
        if (count !== undefined) resolved = `${resolved}[${count - 1}]`;
      }
    }
    this.sink = this.documentSink;
    this.prefix = resolved;
  }

  /** `key = value` into `table` (a key already there is outside the subset: smol-toml refuses it). */
  private keyValue(table: Table): void {
    const line = this.line;
    const key = this.bareKey();
    const text = this.text;
    if (text.charCodeAt(this.pos) !== SPACE || text.charCodeAt(this.pos + 1) !== EQUALS || text.charCodeAt(this.pos + 2) !== SPACE) outside();
    this.pos += 3;
    if (Object.hasOwn(table, key)) outside();
    let path: string | undefined;
    if (this.sink !== null) {
      path = this.prefix === '' ? key : `${this.prefix}.${key}`;
      this.sink.set(path, line);
    }
    table[key] = this.value(0, true, path);
  }

  /** One value; `path` (when positions are built) is where an array's elements are recorded. */
  private value(depth: number, newlines: boolean, path: string | undefined): unknown {
    if (depth > MAX_DEPTH) outside();
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if (c === DQUOTE) return this.string();
    if (c === LBRACKET) return this.array(depth, newlines, path);
    if (c === LBRACE) return this.inlineTable(depth);
    if (isDigit(c)) return this.integer();
    if (text.startsWith('true', this.pos)) {
      this.pos += 4;
      this.delimiter();
      return true;
    }
    if (text.startsWith('false', this.pos)) {
      this.pos += 5;
      this.delimiter();
      return false;
    }
    return outside();
  }

  /** After a number or boolean: only what may follow a value (so `1979-05-27`, `1.5`, `truex` leave the subset). */
  private delimiter(): void {
    const c = this.text.charCodeAt(this.pos);
    if (!(c === COMMA || c === SPACE || c === LF || c === RBRACKET || c === RBRACE || Number.isNaN(c))) outside();
  }

  private string(): string {
    const text = this.text;
    const start = this.pos + 1;
    const end = text.indexOf('"', start);
    if (end === -1) outside();
    // `"""` opens a multi-line string.
    if (end === start && text.charCodeAt(end + 1) === DQUOTE) outside();
    const content = text.slice(start, end);
    if (this.plainText) {
      if (this.nextLineFeed !== -1 && this.nextLineFeed < start) this.nextLineFeed = text.indexOf('\n', start);
      if (this.nextLineFeed !== -1 && this.nextLineFeed < end) outside();
    } else if (UNSAFE_STRING_CONTENT.test(content)) outside();
    this.pos = end + 1;
    return content;
  }

  private integer(): number {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    while (isDigit(text.charCodeAt(pos))) pos++;
    const digits = pos - start;
    if (digits > MAX_INTEGER_DIGITS || (digits > 1 && text.charCodeAt(start) === 48)) outside();
    this.pos = pos;
    this.delimiter();
    return Number(text.slice(start, pos));
  }

  /** Spaces, and line breaks where the array may hold them. */
  private skipSpace(newlines: boolean): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === SPACE) this.pos++;
      else if (newlines && c === LF) {
        this.pos++;
        this.line++;
      } else return;
    }
  }

  /**
   * `[…]`; with `path`, each element's line is recorded as the scanner does: the list made at the
   * first element, a nested array's elements under `path[i]`, nothing inside an inline table.
   */
  private array(depth: number, newlines: boolean, path: string | undefined): unknown[] {
    const text = this.text;
    this.pos++;
    const list: unknown[] = [];
    let elementLines: number[] | undefined;
    for (;;) {
      this.skipSpace(newlines);
      const c = text.charCodeAt(this.pos);
      if (c === RBRACKET) {
        this.pos++;
        return list;
      }
      if (path === undefined) list.push(this.value(depth + 1, newlines, undefined));
      else {
        elementLines ??= this.sink!.elementLinesOf(path);
        elementLines.push(this.line);
        list.push(this.value(depth + 1, newlines, c === LBRACKET ? `${path}[${list.length}]` : undefined));
      }
      this.skipSpace(newlines);
      const next = text.charCodeAt(this.pos);
      if (next === COMMA) this.pos++;
      else if (next !== RBRACKET) outside();
    }
  }

  /** `{ a = 1, b = "x" }` or `{}` on one line; no trailing comma (TOML 1.0). */
  private inlineTable(depth: number): Table {
    const text = this.text;
    this.pos++;
    const table = newTable();
    if (text.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      return table;
    }
    if (text.charCodeAt(this.pos) !== SPACE) outside();
    this.pos++;
    for (;;) {
      const key = this.bareKey();
      if (text.charCodeAt(this.pos) !== SPACE || text.charCodeAt(this.pos + 1) !== EQUALS || text.charCodeAt(this.pos + 2) !== SPACE) outside();
      this.pos += 3;
      if (Object.hasOwn(table, key)) outside();
      table[key] = this.value(depth + 1, false, undefined);
      const c = text.charCodeAt(this.pos);
      if (c === COMMA && text.charCodeAt(this.pos + 1) === SPACE) {
        this.pos += 2;
        continue;
      }
      if (c === SPACE && text.charCodeAt(this.pos + 1) === RBRACE) {
        this.pos += 2;
        return table;
      }
      outside();
    }
  }
}
