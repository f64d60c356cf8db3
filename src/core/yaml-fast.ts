/**
 * A one-pass reader for workflow YAML in the shapes people write (issues 16 and 18): block mappings
 * and sequences (`- key: value` compact maps included), plain, single- and double-quoted scalars
 * on one line (plain ones may continue on more-indented lines), block scalars (`|`, `>-`, `|+2` …),
 * comments, blank lines, and flow sequences and maps of scalars (`branches: [main]`,
 * `with: { a: b }`, also over several lines broken after a bracket or a comma). For every text it accepts it builds the very document that
 * `parseDocument(text, WORKFLOW_YAML_OPTIONS)` of the `yaml` package gives: yaml's own node classes
 * (`YAMLMap`, `YAMLSeq`, `Pair`, `Scalar`, with the document's schema), the same values (the
 * document schema's own tag resolvers decide `3.10`, `0x1F`, `~`, `True`, `on`), `range`, `source`,
 * `type`, `flow`, `format`, and the Document's own fields (`range`, `errors`, `warnings`,
 * `directives`, `schema`, `options`). It accepts only text yaml reads without error or warning.
 *
 * Anything else returns null and the caller parses the text with yaml as before, so every error
 * (message, line, column) and every rarer construct is yaml's: anchors, aliases, tags, directives,
 * a second document or `...`, explicit `?` keys, multi-line quoted scalars, comments and blank
 * lines inside flow collections, nested flow collections, empty `-` items, tabs outside comments, quoted
 * scalars and block scalar text, CR, a BOM, control characters, nesting deeper than MAX_NESTING.
 *
 * Left out on purpose: the comment fields (`comment`, `commentBefore`, `spaceBefore`) of nodes and of
 * the Document. Nothing in src/ reads them (__tests__/yaml-fast.test.ts fails if something starts
 * to); comments still count where yaml lets them move a range, which this reader follows.
 *
 * How the ranges come about is yaml's lexer and parser (node_modules/yaml/dist/parse): a value's
 * range ends after its line break, or further where the following comment lines are more indented
 * than its collection (yaml adds them to the value's end tokens); a collection's range ends with its
 * last value, or at the next content line when comment lines at or past its indentation trail it
 * (they stay with it when yaml pops it). The functions marked "port" are small pure functions copied
 * from yaml 2 (ISC licence) so that values come out byte for byte the same.
 *
 * Held to all this by __tests__/yaml-fast.test.ts: every fixture, a table of tricky shapes, and
 * seeded random edits of real workflows, each either null or deep-equal to yaml's document.
 */
import { Composer, Document, isScalar, Pair, Scalar, type ScalarTag, type Schema, YAMLMap, YAMLSeq } from 'yaml';

/** The options of every workflow parse (src/workflows/parse.ts passes the same to parseDocument). */
export const WORKFLOW_YAML_OPTIONS = { keepSourceTokens: false, prettyErrors: false, uniqueKeys: false, strict: true } as const;

/** Collections nested deeper than this are left to yaml (parse.ts then applies MAX_YAML_DEPTH). */
const MAX_NESTING = 64;

/** Text this long from the start of a key to its `:` is left to yaml (strict mode refuses implicit keys over 1024 characters). */
const MAX_KEY_SPAN = 1000;

/** Characters that leave the whole text to yaml: CR, control characters other than tab and LF, NEL, LS, PS, BOM. */
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/;

const TAB = 9;
const LF = 10;
const SPACE = 32;
const BANG = 33;
const DQUOTE = 34;
const HASH = 35;
const PERCENT = 37;
const AMPERSAND = 38;
const SQUOTE = 39;
const STAR = 42;
const COMMA = 44;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const GT = 62;
const QUESTION = 63;
const AT = 64;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const BACKTICK = 96;
const LBRACE = 123;
const PIPE = 124;
const RBRACE = 125;

type Range = [number, number, number];
type Node = Scalar | YAMLMap | YAMLSeq;

/** Thrown to leave the subset; caught in readWorkflowYaml only. */
class OutsideSubset extends Error {}

function outside(): never {
  throw new OutsideSubset();
}

/**
 * The document `parseDocument(text, WORKFLOW_YAML_OPTIONS)` gives, or null when the text is outside
 * the subset read here (the caller then asks yaml). Never throws.
 */
export function readWorkflowYaml(text: string): Document.Parsed | null {
  try {
    return readOrThrow(text);
  } catch {
    // OutsideSubset, a RangeError, or a defect here: yaml reads the text as it always did.
    return null;
  }
}

/** readWorkflowYaml, letting a defect (anything but leaving the subset) throw: for the tests. */
export function readWorkflowYamlOrThrow(text: string): Document.Parsed | null {
  try {
    return readOrThrow(text);
  } catch (error) {
    if (error instanceof OutsideSubset) return null;
    throw error;
  }
}

function readOrThrow(text: string): Document.Parsed {
  if (FORBIDDEN.test(text)) outside();
  // The document exactly as composeDoc makes it: the composer's directives, the same options.
  const composer = new Composer(WORKFLOW_YAML_OPTIONS);
  const doc = new Document(undefined, { _directives: composer.streamInfo().directives, ...WORKFLOW_YAML_OPTIONS }) as Document.Parsed;
  const schema = doc.schema;
  if (schema.compat) outside();
  const reader = new Reader(text, schema, doc.options);
  const { root, start, end, explicitStart } = reader.document();
  if (explicitStart) doc.directives.docStart = true;
  doc.contents = root as unknown as Document.Parsed['contents'];
  doc.range = [start, root.range![2], end];
  return doc;
}

/** The tags a plain scalar is tested against, and the string tag, of one schema (the core schema's for every workflow). */
interface Tags {
  readonly list: readonly ScalarTag[];
  readonly string: ScalarTag;
  /** Tag found for a plain value, memoized (keys and values apart, for `default: 'key'` tags). */
  readonly values: Map<string, ScalarTag>;
  readonly keys: Map<string, ScalarTag>;
}

let cachedTags: Tags | null = null;
const MAX_CACHED_VALUES = 4096;
const MAX_CACHED_LENGTH = 64;

/** The schema's scalar tags, reusing the memo while the schema's tag list is the same objects (it is, document after document). */
function tagsOf(schema: Schema): Tags {
  const list = schema.tags as readonly (ScalarTag & { collection?: string })[];
  const string = (schema as unknown as Record<symbol, ScalarTag>)[Symbol.for('yaml.scalar')];
  const cached = cachedTags;
  if (cached && cached.string === string && cached.list.length === list.length && cached.list.every((tag, i) => tag === list[i])) return cached;
  cachedTags = { list: list.slice(), string, values: new Map(), keys: new Map() };
  return cachedTags;
}

/** What composeScalar's findScalarTagByTest picks: the first default tag whose test matches, else the string tag. */
function tagByTest(tags: Tags, value: string, atKey: boolean): ScalarTag {
  const memo = atKey ? tags.keys : tags.values;
  const known = memo.get(value);
  if (known !== undefined) return known;
  let found = tags.string;
  for (const tag of tags.list) {
    if ((tag.default === true || (atKey && tag.default === 'key')) && tag.test?.test(value)) {
      found = tag;
      break;
    }
  }
  if (value.length <= MAX_CACHED_LENGTH) {
    if (memo.size >= MAX_CACHED_VALUES) memo.clear();
    memo.set(value, found);
  }
  return found;
}

function onTagError(): never {
  outside();
}

class Reader {
  /** The first character of the next content line, or text.length at the end. */
  private pos = 0;
  /** Where that line starts. */
  private lineStart = 0;
  /** Its column (the indentation), -1 at the end of the text. */
  private col = 0;
  /**
   * The highest column of the comment lines since the last value that yaml keeps apart (not added to
   * the value's end), -1 if none: where yaml pops a collection, these stay in it (and stretch its
   * range to the next content) when one is at or past its column.
   */
  private trailingComment = -1;
  /** Whether a `---` may start the next content line (only before the document). */
  private markerAllowed = false;
  /** Scratch list for emptyValueEnd: offset, column pairs. */
  private readonly separator: number[] = [];
  /** Whether the last plain scalar read by plainBlock went over several lines. */
  private multiline = false;
  /** Whether the last value read is an empty one (`key:` and nothing). */
  private lastEmpty = false;
  private readonly len: number;
  private readonly tags: Tags;

  constructor(
    private readonly text: string,
    private readonly schema: Schema,
    private readonly options: Document.Parsed['options'],
  ) {
    this.len = text.length;
    this.tags = tagsOf(schema);
  }

  private code(i: number): number {
    return this.text.charCodeAt(i);
  }

  /** Space, line break, tab or the end: what yaml's lexer calls empty. */
  private emptyAt(i: number): boolean {
    if (i >= this.len) return true;
    const c = this.text.charCodeAt(i);
    return c === SPACE || c === LF || c === TAB;
  }

  private atEnd(): boolean {
    return this.col === -1;
  }

  private seqIndicatorAt(i: number): boolean {
    return this.code(i) === DASH && this.emptyAt(i + 1);
  }

  /** The root mapping, where the document starts (its first content line) and ends. */
  document(): { root: YAMLMap; start: number; end: number; explicitStart: boolean } {
    this.markerAllowed = true;
    this.scanLines(null, 0);
    this.markerAllowed = false;
    if (this.col !== 0) outside();
    const start = this.lineStart;
    let explicitStart = false;
    if (this.code(start) === DASH && this.code(start + 1) === DASH) {
      // `---` then nothing but a comment on its line (composeDoc: the document starts at the marker).
      explicitStart = true;
      this.pos = this.lineEndAfter(start + 3);
      this.scanLines(null, 0);
      if (this.col !== 0) outside();
    }
    const root = this.blockMap(0, 1);
    // Anything left is less indented than the root: not YAML this reader knows.
    if (!this.atEnd()) outside();
    // The lines after the last value end the document, unless that value is empty: yaml keeps them in its separator.
    return { root, start, end: this.lastEmpty ? root.range![2] : this.len, explicitStart };
  }

  /**
   * From a line start: skips blank and comment lines up to the next content line (or the end). A
   * comment line more indented than the collection (column `indent`) that follows `value` with only
   * blank lines between joins the value's end, as in yaml's parser; the others are trailing comments.
   */
  private scanLines(value: Node | null, indent: number, lines: number[] | null = null): void {
    const text = this.text;
    const len = this.len;
    let i = this.pos;
    let onlyBlank = true;
    this.trailingComment = -1;
    for (;;) {
      const lineStart = i;
      while (i < len && text.charCodeAt(i) === SPACE) i++;
      if (i >= len) {
        this.pos = len;
        this.lineStart = lineStart;
        this.col = -1;
        return;
      }
      const c = text.charCodeAt(i);
      if (c === LF) {
        if (lines !== null) lines.push(i, -1);
        i++;
        continue;
      }
      if (c === HASH) {
        const col = i - lineStart;
        const nl = text.indexOf('\n', i);
        const end = nl === -1 ? len : nl + 1;
        if (lines !== null) {
          lines.push(i, col);
          if (nl !== -1) lines.push(nl, -1);
        }
        if (onlyBlank && value !== null && col > indent) value.range![2] = end;
        else {
          onlyBlank = false;
          if (col > this.trailingComment) this.trailingComment = col;
        }
        i = end;
        continue;
      }
      if (c === TAB) outside();
      this.pos = i;
      this.lineStart = lineStart;
      this.col = i - lineStart;
      // `---` and `...` at the start of a line are document markers.
      if (this.col === 0 && (c === DASH || c === DOT) && text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c && this.emptyAt(i + 3)) {
        if (!this.markerAllowed || c === DOT) outside();
      }
      return;
    }
  }

  /** Where yaml pops a collection: trailing comments at or past its column stay in it (not at column 0). */
  private pop(node: YAMLMap | YAMLSeq, indent: number): void {
    if (this.trailingComment >= 0 && indent !== 0 && this.trailingComment >= indent) {
      node.range![2] = this.pos;
      this.trailingComment = -1;
    }
  }

  /** A block mapping whose first key is at this.pos, in column `indent`. */
  private blockMap(indent: number, depth: number): YAMLMap {
    if (depth > MAX_NESTING) outside();
    const map = new YAMLMap(this.schema);
    const start = this.pos;
    let last: Node;
    for (;;) {
      const key = this.key();
      last = this.valueAfterColon(indent, depth);
      map.items.push(new Pair(key, last) as never);
      if (this.col !== indent) break;
      // A `- ` at the column of a mapping whose last pair has a value is an error.
      if (this.seqIndicatorAt(this.pos)) outside();
      this.trailingComment = -1;
    }
    return this.closeBlock(map, start, last, indent);
  }

  /** A block sequence whose first `-` is at this.pos, in column `indent`. */
  private blockSeq(indent: number, depth: number): YAMLSeq {
    if (depth > MAX_NESTING) outside();
    const seq = new YAMLSeq(this.schema);
    const start = this.pos;
    let last: Node;
    for (;;) {
      let i = this.pos + 1;
      if (this.code(i) !== SPACE) outside(); // `-` alone: an empty item
      while (this.code(i) === SPACE) i++;
      const c = this.code(i);
      if (i >= this.len || c === LF || c === HASH || c === TAB) outside();
      if ((c === DASH || c === QUESTION || c === COLON) && this.emptyAt(i + 1)) outside(); // `- - x`, `- ? x`, `- : x`
      if (this.keyAt(i)) {
        this.col = i - this.lineStart;
        this.pos = i;
        last = this.blockMap(this.col, depth + 1);
      } else last = this.valueAt(i, indent);
      seq.items.push(last as never);
      if (this.col !== indent || !this.seqIndicatorAt(this.pos)) break;
      this.trailingComment = -1;
    }
    return this.closeBlock(seq, start, last, indent);
  }

  /** Ends a block collection at its last item: nothing may follow deeper, and its range ends with that item. */
  private closeBlock<T extends YAMLMap | YAMLSeq>(block: T, start: number, last: Node, indent: number): T {
    if (this.col > indent) outside();
    const end = last.range![2];
    block.range = [start, end, end];
    this.pop(block, indent);
    return block;
  }

  /** Whether the content at `i` is an implicit key (`key:` then space or line end), without consuming it. */
  private keyAt(i: number): boolean {
    const text = this.text;
    const len = this.len;
    const c = text.charCodeAt(i);
    if (c === SQUOTE || c === DQUOTE) {
      let k = this.quoteEnd(i) + 1;
      while (text.charCodeAt(k) === SPACE) k++;
      return text.charCodeAt(k) === COLON && this.emptyAt(k + 1);
    }
    if (c === LBRACKET || c === LBRACE || c === PIPE || c === GT) return false;
    for (let k = i; k < len; k++) {
      const ch = text.charCodeAt(k);
      if (ch === LF) return false;
      if (ch === COLON && this.emptyAt(k + 1)) return true;
      if (ch === SPACE && text.charCodeAt(k + 1) === HASH) return false;
    }
    return false;
  }

  /** The key at this.pos, up to and with its `:` (this.pos is left after the colon). */
  private key(): Scalar {
    const text = this.text;
    const i = this.pos;
    const c = text.charCodeAt(i);
    if (c === SQUOTE || c === DQUOTE) {
      const close = this.quoteEnd(i);
      const node = this.scalar(this.quotedValue(i, close), c === SQUOTE ? Scalar.QUOTE_SINGLE : Scalar.QUOTE_DOUBLE, [i, close + 1, close + 1], false, true);
      let k = close + 1;
      while (text.charCodeAt(k) === SPACE) k++;
      if (text.charCodeAt(k) !== COLON) outside();
      if (this.code(k + 1) === TAB) outside();
      if (!this.emptyAt(k + 1)) outside();
      if (k - this.lineStart > MAX_KEY_SPAN) outside();
      this.pos = k + 1;
      return node;
    }
    this.plainStart(i, false);
    const len = this.len;
    let end = i;
    let k = i;
    for (;;) {
      if (k >= len) outside();
      const ch = text.charCodeAt(k);
      if (ch === COLON) {
        const next = text.charCodeAt(k + 1);
        if (next === TAB) outside();
        if (k + 1 >= len || next === SPACE || next === LF) break;
        end = k + 1;
      } else if (ch === SPACE) {
        if (text.charCodeAt(k + 1) === HASH) outside();
      } else if (ch === LF || ch === TAB) outside();
      else end = k + 1;
      k++;
    }
    if (k - this.lineStart > MAX_KEY_SPAN) outside();
    this.pos = k + 1;
    return this.scalar(text.slice(i, end), Scalar.PLAIN, [i, end, end], true, true);
  }

  /**
   * What follows a key's `:`: a value on the same line, a nested collection on the next lines, or an
   * empty value. Leaves this at the next content line.
   */
  private valueAfterColon(indent: number, depth: number): Node {
    const text = this.text;
    let i = this.pos;
    while (text.charCodeAt(i) === SPACE) i++;
    const c = text.charCodeAt(i);
    if (c === TAB) outside();
    if (i < this.len && c !== LF && c !== HASH) return this.valueAt(i, indent);
    // Nothing more on the line: yaml puts an empty value right after the colon and its spaces.
    const emptyAt = i;
    const nl = text.indexOf('\n', i);
    // The line breaks (column -1) and comments (their column; -2 on the key's line) up to the next content.
    const lines = this.separator;
    lines.length = 0;
    if (c === HASH) lines.push(i, -2);
    if (nl !== -1) lines.push(nl, -1);
    this.pos = nl === -1 ? this.len : nl + 1;
    this.scanLines(null, indent, lines);
    this.trailingComment = -1;
    const col = this.col;
    if (col > indent) return this.seqIndicatorAt(this.pos) ? this.blockSeq(col, depth + 1) : this.blockMap(col, depth + 1);
    if (col === indent && this.seqIndicatorAt(this.pos)) return this.blockSeq(col, depth + 1);
    this.lastEmpty = true;
    return this.scalar('', Scalar.PLAIN, [emptyAt, emptyAt, this.emptyValueEnd(emptyAt, indent, col === indent)], true, false);
  }

  /**
   * Where yaml ends an empty value: the lines after it are its separator tokens, so a comment among
   * them stretches its range to the separator's end. Before the next key of the same mapping, yaml
   * hands that key the separator from the second line break after the colon or after the last comment
   * more indented than the mapping (blockMap's "newline-separated not indented empty tokens").
   */
  private emptyValueEnd(emptyAt: number, indent: number, beforeKey: boolean): number {
    const lines = this.separator;
    let end = this.pos;
    if (beforeKey) {
      let breaks = 0;
      for (let e = 0; e < lines.length; e += 2) {
        const col = lines[e + 1]!;
        if (col === -1) {
          if (++breaks === 2) end = lines[e]!;
        } else if (col > indent) {
          breaks = 0;
          end = this.pos;
        }
      }
    }
    for (let e = 0; e < lines.length && lines[e]! < end; e += 2) if (lines[e + 1] !== -1) return end;
    return emptyAt;
  }

  /** A value starting at `i` on the current line, in a collection at column `indent`; leaves this at the next content line. */
  private valueAt(i: number, indent: number): Node {
    const text = this.text;
    this.lastEmpty = false;
    const c = text.charCodeAt(i);
    if (c === PIPE || c === GT) {
      const node = this.blockScalar(i, indent);
      this.scanLines(null, indent);
      return node;
    }
    let node: Node;
    let end: number;
    if (c === LBRACKET || c === LBRACE) {
      node = this.flow(i, indent);
      end = node.range![1];
    } else if (c === SQUOTE || c === DQUOTE) {
      const close = this.quoteEnd(i);
      end = close + 1;
      node = this.scalar(this.quotedValue(i, close), c === SQUOTE ? Scalar.QUOTE_SINGLE : Scalar.QUOTE_DOUBLE, [i, end, end], false, false);
    } else {
      this.plainStart(i, false);
      end = this.plainBlock(i, indent + 1);
      const source = text.slice(i, end);
      node = this.scalar(this.multiline ? unfoldLines(source) : source, Scalar.PLAIN, [i, end, end], true, false);
    }
    const lineEnd = this.lineEndAfter(end);
    node.range![2] = lineEnd;
    this.pos = lineEnd;
    this.scanLines(node, indent);
    return node;
  }

  /** After a value ending at `i`: spaces, an optional comment (after a space), then the line break. Returns the next line's start. */
  private lineEndAfter(i: number): number {
    const text = this.text;
    let k = i;
    while (text.charCodeAt(k) === SPACE) k++;
    if (k >= this.len) return this.len;
    const c = text.charCodeAt(k);
    if (c === LF) return k + 1;
    if (c === HASH && k > i) {
      const nl = text.indexOf('\n', k);
      return nl === -1 ? this.len : nl + 1;
    }
    return outside();
  }

  /** Leaves the subset where a plain scalar may not start, or where yaml reads something else (an indicator, an anchor, a tag …). */
  private plainStart(i: number, inFlow: boolean): void {
    const c = this.code(i);
    switch (c) {
      case HASH:
      case COMMA:
      case LBRACKET:
      case RBRACKET:
      case LBRACE:
      case RBRACE:
      case AMPERSAND:
      case STAR:
      case BANG:
      case PIPE:
      case GT:
      case SQUOTE:
      case DQUOTE:
      case PERCENT:
      case AT:
      case BACKTICK:
      case TAB:
      case SPACE:
      case LF:
        outside();
        break;
      case QUESTION:
      case COLON:
        if (inFlow || this.emptyAt(i + 1)) outside();
        break;
      case DASH:
        if (this.emptyAt(i + 1) || (inFlow && isFlowIndicator(this.code(i + 1)))) outside();
        break;
    }
    if (Number.isNaN(c)) outside();
  }

  /**
   * A plain scalar in block context from `i` (yaml's parsePlainScalar): to the last non-space
   * character before ` #`, or before a line that is blank-then-less-indented than `indentNext`
   * (lines at least that indented continue it); returns its end and sets this.multiline. A `: `
   * inside (a mapping where none may start) leaves the subset.
   */
  private plainBlock(i: number, indentNext: number): number {
    const text = this.text;
    const len = this.len;
    let end = i;
    this.multiline = false;
    let k = i;
    while (k < len) {
      const ch = text.charCodeAt(k);
      if (ch === COLON) {
        if (this.emptyAt(k + 1)) outside();
        end = k + 1;
        k++;
      } else if (ch === SPACE) {
        if (text.charCodeAt(k + 1) === HASH) break;
        k++;
      } else if (ch === LF) {
        let j = k + 1;
        while (text.charCodeAt(j) === SPACE) j++;
        if (j >= len) break;
        const next = text.charCodeAt(j);
        if (next === LF) {
          k = j;
          continue;
        }
        if (j - (k + 1) < indentNext || next === HASH) break;
        if (next === TAB) outside();
        this.multiline = true;
        k = j;
      } else if (ch === TAB) outside();
      else {
        end = k + 1;
        k++;
      }
    }
    return end;
  }

  /** The closing quote of the quoted scalar opening at `i` (yaml's lexer), which must be on the same line. */
  private quoteEnd(i: number): number {
    const text = this.text;
    const quote = text.charCodeAt(i) === SQUOTE ? "'" : '"';
    let end = text.indexOf(quote, i + 1);
    if (quote === "'") {
      while (end !== -1 && text.charCodeAt(end + 1) === SQUOTE) end = text.indexOf("'", end + 2);
    } else {
      while (end !== -1) {
        let n = 0;
        while (text.charCodeAt(end - 1 - n) === BACKSLASH) n++;
        if (n % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
    }
    if (end === -1) outside();
    const nl = text.indexOf('\n', i);
    if (nl !== -1 && nl < end) outside();
    return end;
  }

  /** The value of the one-line quoted scalar from `open` to `close` (the quotes). */
  private quotedValue(open: number, close: number): string {
    const source = this.text.slice(open, close + 1);
    if (this.text.charCodeAt(open) === SQUOTE) return source.slice(1, -1).replace(/''/g, "'");
    return source.indexOf('\\') === -1 ? source.slice(1, -1) : doubleQuotedValue(source);
  }

  /**
   * A flow sequence or mapping of scalars at `i`, in a collection at column `indent` (no nesting, no
   * comments, no empty entries). It may break lines where an entry may start (after the bracket or a
   * comma). range[2] is set by the caller.
   */
  private flow(i: number, indent: number): YAMLMap | YAMLSeq {
    const text = this.text;
    const isMap = text.charCodeAt(i) === LBRACE;
    const close = isMap ? RBRACE : RBRACKET;
    const coll = isMap ? new YAMLMap(this.schema) : new YAMLSeq(this.schema);
    coll.flow = true;
    let k = i + 1;
    for (;;) {
      k = this.flowGap(k, indent, close);
      const c = text.charCodeAt(k);
      if (c === close) {
        k++;
        break;
      }
      if (isMap) {
        const key = this.flowScalar(k, true);
        k = key.range![1];
        while (text.charCodeAt(k) === SPACE) k++;
        if (text.charCodeAt(k) !== COLON || text.charCodeAt(k + 1) !== SPACE) outside();
        k += 2;
        while (text.charCodeAt(k) === SPACE) k++;
        const value = this.flowScalar(k, false);
        k = value.range![2];
        (coll as YAMLMap).items.push(new Pair(key, value) as never);
      } else {
        const item = this.flowScalar(k, false);
        k = item.range![2];
        (coll as YAMLSeq).items.push(item as never);
      }
      let after = text.charCodeAt(k);
      if (after === LF) {
        // A line break after the last entry: yaml ends a sequence entry at the bracket, a mapping value after the break.
        const bracket = this.flowGap(k, indent, close);
        if (text.charCodeAt(bracket) !== close) outside();
        const entry = isMap ? (coll as YAMLMap).items.at(-1)!.value : (coll as YAMLSeq).items.at(-1);
        (entry as Scalar).range![2] = isMap ? k + 1 : bracket;
        k = bracket;
        after = close;
      }
      if (after === COMMA) k++;
      else if (after === close) {
        k++;
        break;
      } else outside();
    }
    coll.range = [i, k, k];
    return coll;
  }

  /**
   * The spaces, and line breaks, before an entry or the closing bracket at `k`. yaml's lexer ends the
   * collection (an error) at a line indented less than the collection's (`indent` + 1), except for
   * its closing bracket one column less; blank and comment lines are left to yaml.
   */
  private flowGap(k: number, indent: number, close: number): number {
    const text = this.text;
    for (;;) {
      while (text.charCodeAt(k) === SPACE) k++;
      if (text.charCodeAt(k) !== LF) return k;
      const lineStart = k + 1;
      let j = lineStart;
      while (text.charCodeAt(j) === SPACE) j++;
      const c = text.charCodeAt(j);
      if (j >= this.len || c === LF || c === HASH || c === TAB) outside();
      if (j - lineStart <= indent && !(c === close && j - lineStart === indent)) outside();
      k = j;
    }
  }

  /** A scalar entry of a flow collection at `i`: range[2] takes the spaces after it, except for a key (yaml puts those in the separator). */
  private flowScalar(i: number, atKey: boolean): Scalar {
    const text = this.text;
    const c = text.charCodeAt(i);
    let node: Scalar;
    let end: number;
    if (c === SQUOTE || c === DQUOTE) {
      const close = this.quoteEnd(i);
      end = close + 1;
      node = this.scalar(this.quotedValue(i, close), c === SQUOTE ? Scalar.QUOTE_SINGLE : Scalar.QUOTE_DOUBLE, [i, end, end], false, atKey);
      // After a quoted scalar, yaml reads a `:` as a pair's indicator even without a space.
      let k = end;
      while (text.charCodeAt(k) === SPACE) k++;
      if (text.charCodeAt(k) === COLON && !atKey) outside();
    } else {
      this.plainStart(i, true);
      const len = this.len;
      end = i;
      for (let k = i; k < len; k++) {
        const ch = text.charCodeAt(k);
        if (ch === COLON) {
          if (this.emptyAt(k + 1) || isFlowIndicator(text.charCodeAt(k + 1))) break;
          end = k + 1;
        } else if (ch === SPACE) {
          if (text.charCodeAt(k + 1) === HASH) break;
        } else if (ch === LF || isFlowIndicator(ch)) break;
        else if (ch === TAB) outside();
        else end = k + 1;
      }
      node = this.scalar(text.slice(i, end), Scalar.PLAIN, [i, end, end], true, atKey);
    }
    if (!atKey) {
      let k = end;
      while (text.charCodeAt(k) === SPACE) k++;
      node.range![2] = k;
    }
    return node;
  }

  /** A block scalar whose header is at `i`, in a collection at column `indent` (yaml's lexer, then resolveBlockScalar). Leaves this.pos at the line after it. */
  private blockScalar(i: number, indent: number): Scalar {
    const text = this.text;
    const len = this.len;
    const literal = text.charCodeAt(i) === PIPE;
    let chomp = '';
    let explicit = 0;
    let k = i + 1;
    for (;;) {
      const ch = text.charCodeAt(k);
      if ((ch === DASH || ch === 43) /* + */ && chomp === '') chomp = ch === DASH ? '-' : '+';
      else if (ch >= 49 && ch <= 57 && explicit === 0) explicit = ch - 48;
      else break;
      k++;
    }
    // The header line: then only spaces and a comment after a space.
    if (text.charCodeAt(k) === SPACE) {
      while (text.charCodeAt(k) === SPACE) k++;
      if (text.charCodeAt(k) === HASH) {
        const nl = text.indexOf('\n', k);
        if (nl === -1) outside();
        k = nl;
      }
    }
    if (k >= len || text.charCodeAt(k) !== LF) outside();
    const bodyStart = k + 1;
    const bodyEnd = blockScalarEnd(text, bodyStart, indent + 1, explicit, chomp === '+');
    const source = text.slice(bodyStart, bodyEnd);
    const value = blockScalarValue(source, literal, indent, explicit, chomp);
    this.pos = bodyEnd;
    return this.scalar(value, literal ? Scalar.BLOCK_LITERAL : Scalar.BLOCK_FOLDED, [i, bodyEnd, bodyEnd], false, false);
  }

  /** A Scalar as composeScalar makes it: plain values get the first matching default tag of the schema, the others the string tag. */
  private scalar(value: string, type: Scalar.Type, range: Range, plain: boolean, atKey: boolean): Scalar {
    const tag = plain ? tagByTest(this.tags, value, atKey) : this.tags.string;
    const resolved = tag.resolve(value, onTagError, this.options);
    const node = isScalar(resolved) ? resolved : new Scalar(resolved);
    node.range = range;
    node.source = value;
    node.type = type;
    if (tag.format) node.format = tag.format;
    return node;
  }
}

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

/**
 * Port of yaml's Lexer.parseBlockScalar (LF only, no tabs after the body): where the body starting
 * at `start` ends, for a block scalar in a collection whose content must be indented at least
 * `indentNext`.
 */
function blockScalarEnd(text: string, start: number, indentNext: number, explicit: number, keep: boolean): number {
  const len = text.length;
  let nl = start - 1;
  let indent = 0;
  for (let i = start; i < len; i++) {
    const ch = text.charCodeAt(i);
    if (ch === SPACE) indent += 1;
    else if (ch === LF) {
      nl = i;
      indent = 0;
    } else break;
  }
  if (indent >= indentNext) {
    const next = explicit === 0 ? indent : explicit - 1 + indentNext;
    do {
      let j = nl + 1;
      while (text.charCodeAt(j) === SPACE) j++;
      const ch = text.charCodeAt(j);
      if (!(ch === LF || j - (nl + 1) >= next)) break;
      nl = text.indexOf('\n', j);
    } while (nl !== -1);
    if (nl === -1) nl = len;
  }
  // yaml reads trailing insufficiently indented tabs into the scalar, to report them.
  let i = nl + 1;
  while (text.charCodeAt(i) === SPACE) i++;
  if (text.charCodeAt(i) === TAB) outside();
  if (!keep) {
    for (;;) {
      let j = nl - 1;
      let ch = text.charCodeAt(j);
      const lastChar = j;
      while (ch === SPACE) ch = text.charCodeAt(--j);
      if (ch === LF && j >= start && j + 1 + indent > lastChar) nl = j;
      else break;
    }
  }
  return Math.min(nl + 1, len);
}

/** Port of yaml's resolveBlockScalar (not at the root, LF only), where any error leaves the subset. */
function blockScalarValue(source: string, literal: boolean, indent: number, explicit: number, chomp: string): string {
  const lines = source ? splitLines(source) : [];
  let chompStart = lines.length;
  for (let i = lines.length - 1; i >= 0; --i) {
    if (lines[i]![1] === '') chompStart = i;
    else break;
  }
  if (chompStart === 0) return chomp === '+' && lines.length > 0 ? '\n'.repeat(Math.max(1, lines.length - 1)) : '';
  let trimIndent = indent + explicit;
  let contentStart = 0;
  for (let i = 0; i < chompStart; ++i) {
    const [lineIndent, content] = lines[i]!;
    if (content === '') {
      if (explicit === 0 && lineIndent.length > trimIndent) trimIndent = lineIndent.length;
    } else {
      if (lineIndent.length < trimIndent) outside();
      if (explicit === 0) trimIndent = lineIndent.length;
      contentStart = i;
      if (trimIndent === 0) outside();
      break;
    }
  }
  for (let i = lines.length - 1; i >= chompStart; --i) {
    if (lines[i]![0].length > trimIndent) chompStart = i + 1;
  }
  let value = '';
  let sep = '';
  let prevMoreIndented = false;
  for (let i = 0; i < contentStart; ++i) value += `${lines[i]![0].slice(trimIndent)}\n`;
  for (let i = contentStart; i < chompStart; ++i) {
    const [lineIndent, content] = lines[i]!;
    if (content && lineIndent.length < trimIndent) outside();
    if (literal) {
      value += sep + lineIndent.slice(trimIndent) + content;
      sep = '\n';
    } else if (lineIndent.length > trimIndent || content[0] === '\t') {
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      value += sep + lineIndent.slice(trimIndent) + content;
      sep = '\n';
      prevMoreIndented = true;
    } else if (content === '') {
      if (sep === '\n') value += '\n';
      else sep = '\n';
    } else {
      value += sep + content;
      sep = ' ';
      prevMoreIndented = false;
    }
  }
  switch (chomp) {
    case '-':
      break;
    case '+':
      for (let i = chompStart; i < lines.length; ++i) value += `\n${lines[i]![0].slice(trimIndent)}`;
      if (value[value.length - 1] !== '\n') value += '\n';
      break;
    default:
      value += '\n';
  }
  return value;
}

/** Port of yaml's splitLines: `[indent, content]` for each line. */
function splitLines(source: string): [string, string][] {
  const split = source.split(/\n( *)/);
  const first = split[0]!;
  const m = first.match(/^( *)/);
  const line0: [string, string] = m?.[1] ? [m[1], first.slice(m[1].length)] : ['', first];
  const lines = [line0];
  for (let i = 1; i < split.length; i += 2) lines.push([split[i]!, split[i + 1]!]);
  return lines;
}

/** Port of yaml's unfoldLines (plain and single-quoted scalars over several lines). */
function unfoldLines(source: string): string {
  const line = /(.*?)\r?\n/sy;
  let match = line.exec(source);
  if (!match) return source;
  const trimEnd = /(?<![ \t])[ \t]+$/;
  const trimBoth = /^[ \t]+|(?<![ \t])[ \t]+$/g;
  let res = match[1]!.replace(trimEnd, '');
  let sep = ' ';
  let pos = line.lastIndex;
  while ((match = line.exec(source))) {
    const lm = match[1]!.replace(trimBoth, '');
    if (lm === '') {
      if (sep === '\n') res += sep;
      else sep = '\n';
    } else {
      res += sep + lm;
      sep = ' ';
    }
    pos = line.lastIndex;
  }
  const last = /[ \t]*(.*)/sy;
  last.lastIndex = pos;
  match = last.exec(source);
  return res + sep + (match?.[1] ?? '');
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

/** Port of yaml's doubleQuotedValue for a one-line source (quotes included); an invalid escape leaves the subset. */
function doubleQuotedValue(source: string): string {
  let res = '';
  for (let i = 1; i < source.length - 1; ++i) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[++i]!;
      const cc = ESCAPES[next];
      if (cc) res += cc;
      else if (next === 'x' || next === 'u' || next === 'U') {
        const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const hex = source.substr(i + 1, length);
        if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) outside();
        const code = Number.parseInt(hex, 16);
        if (code > 0x10ffff) outside();
        res += String.fromCodePoint(code);
        i += length;
      } else outside();
    } else res += ch;
  }
  return res;
}
