/**
 * The position index of a TOML document (key path -> 1-based line; see src/uv/toml.ts for the path
 * spelling), and where a reader records into it. Built by the position scanner (indexPositions in
 * toml.ts) and, for uv.lock text in uv's regular shape, by the one-pass reader (src/uv/lock-toml.ts)
 * along with the values: both make the same calls here in the same order, so they build the same index.
 */

const DOT = 46;
const RBRACKET = 93;

/**
 * Prefixes of one dotted key or table header that get their own index entry. Every prefix is a
 * string as long as the key so far, so indexing all of them is quadratic in the number of segments:
 * a 100 KB key of 50,000 segments took seconds. Real keys have a handful; deeper prefixes resolve
 * through `lineOf`'s ancestor fallback, and the full key is still indexed.
 */
export const MAX_INDEXED_PREFIXES = 128;

/**
 * One `[[x]]` table of an array of tables (a `[[package]]` of uv.lock): its header line, the lines
 * of its keys and the lines of its arrays' elements, all under paths relative to the table
 * (`sdist`, `wheels`, `source.registry`).
 */
export interface TableElementLines {
  line: number;
  keys: Map<string, number>;
  arrays: Map<string, number[]>;
}

/**
 * The position index: a Map from key path to line. What a large lock has thousands of (array
 * elements, the keys of each `[[package]]`) is kept in compact structures instead of one string key
 * each, which is most of the cost of indexing: arrays as one array of lines per array, each table of
 * an array of tables as a TableElementLines. `get`/`has` answer every path from those, and every
 * iteration (or `size`) first adds them as ordinary entries, so the object behaves as the plain Map
 * it is typed as.
 */
export class PositionIndex extends Map<string, number> {
  /** Full array path -> its elements' lines (arrays outside array-of-tables elements). */
  private readonly elements = new Map<string, number[]>();
  /** Full array-of-tables path (`package`, `package[3].extra`) -> its tables. */
  private readonly tables = new Map<string, TableElementLines[]>();
  private materialized = false;

  /** Lines of the elements of the array at `arrayPath`, in order (created empty on first use). */
  elementLinesOf(arrayPath: string): number[] {
    let lines = this.elements.get(arrayPath);
    if (!lines) {
      lines = [];
      this.elements.set(arrayPath, lines);
    }
    return lines;
  }

  /** Line of element `index` of the array at `arrayPath`, without building its key path. */
  elementLine(arrayPath: string, index: number): number | undefined {
    return this.elements.get(arrayPath)?.[index];
  }

  /** The tables of the array of tables at `path` (`package`), in document order. */
  tableElements(path: string): readonly TableElementLines[] {
    return this.tables.get(path) ?? [];
  }

  /** Registers the next `[[path]]` table. */
  addTableElement(path: string, line: number): TableElementLines {
    let list = this.tables.get(path);
    if (!list) {
      list = [];
      this.tables.set(path, list);
    }
    const element: TableElementLines = { line, keys: new Map(), arrays: new Map() };
    list.push(element);
    return element;
  }

  override get(key: string): number | undefined {
    const line = super.get(key);
    if (line !== undefined || this.materialized) return line;
    return this.lookupCompact(key);
  }

  override has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  override get size(): number {
    this.materialize();
    return super.size;
  }

  override entries(): MapIterator<[string, number]> {
    this.materialize();
    return super.entries();
  }

  override keys(): MapIterator<string> {
    this.materialize();
    return super.keys();
  }

  override values(): MapIterator<number> {
    this.materialize();
    return super.values();
  }

  override [Symbol.iterator](): MapIterator<[string, number]> {
    this.materialize();
    return super[Symbol.iterator]();
  }

  override forEach(callback: (value: number, key: string, map: Map<string, number>) => void, thisArg?: unknown): void {
    this.materialize();
    super.forEach(callback, thisArg);
  }

  private lookupCompact(key: string): number | undefined {
    const element = splitElement(key);
    if (element) {
      const lines = this.elements.get(element.array);
      if (lines) return lines[element.index];
    }
    // The innermost array of tables the path runs through: its last `[n]` whose prefix is one.
    for (let open = key.lastIndexOf('['); open > 0; open = key.lastIndexOf('[', open - 1)) {
      const tables = this.tables.get(key.slice(0, open));
      if (!tables) continue;
      const close = key.indexOf(']', open);
      const digits = key.slice(open + 1, close);
      if (close === -1 || !/^\d+$/.test(digits)) return undefined;
      const table = tables[Number(digits)];
      if (!table) return undefined;
      const rest = key.slice(close + 1);
      if (rest === '') return table.line;
      if (rest.charCodeAt(0) !== DOT) return undefined;
      const local = rest.slice(1);
      const keyLine = table.keys.get(local);
      if (keyLine !== undefined) return keyLine;
      const localElement = splitElement(local);
      return localElement ? table.arrays.get(localElement.array)?.[localElement.index] : undefined;
    }
    return undefined;
  }

  private materialize(): void {
    if (this.materialized) return;
    this.materialized = true;
    for (const [array, lines] of this.elements) {
      for (let index = 0; index < lines.length; index++) super.set(`${array}[${index}]`, lines[index]!);
    }
    for (const [path, tables] of this.tables) {
      tables.forEach((table, index) => {
        const base = `${path}[${index}]`;
        super.set(base, table.line);
        for (const [local, line] of table.keys) super.set(`${base}.${local}`, line);
        for (const [local, lines] of table.arrays) lines.forEach((line, j) => super.set(`${base}.${local}[${j}]`, line));
      });
    }
  }
}

/** `a.b[3]` -> { array: 'a.b', index: 3 }; undefined when the path does not end in an index. */
function splitElement(path: string): { array: string; index: number } | undefined {
  if (path.charCodeAt(path.length - 1) !== RBRACKET) return undefined;
  const open = path.lastIndexOf('[');
  if (open <= 0) return undefined;
  const digits = path.slice(open + 1, -1);
  if (!/^\d+$/.test(digits)) return undefined;
  return { array: path.slice(0, open), index: Number(digits) };
}

/**
 * Where the keys being scanned are recorded: the document (full paths, in the index itself) or one
 * table of an array of tables (paths relative to it, in its TableElementLines).
 */
export interface Sink {
  set(path: string, line: number): void;
  setIfAbsent(path: string, line: number): void;
  elementLinesOf(path: string): number[];
}

export class DocumentSink implements Sink {
  constructor(private readonly index: PositionIndex) {}
  set(path: string, line: number): void {
    this.index.set(path, line);
  }
  setIfAbsent(path: string, line: number): void {
    if (!this.index.has(path)) this.index.set(path, line);
  }
  elementLinesOf(path: string): number[] {
    return this.index.elementLinesOf(path);
  }
}

export class TableElementSink implements Sink {
  constructor(private readonly table: TableElementLines) {}
  set(path: string, line: number): void {
    this.table.keys.set(path, line);
  }
  setIfAbsent(path: string, line: number): void {
    if (!this.table.keys.has(path)) this.table.keys.set(path, line);
  }
  elementLinesOf(path: string): number[] {
    let lines = this.table.arrays.get(path);
    if (!lines) {
      lines = [];
      this.table.arrays.set(path, lines);
    }
    return lines;
  }
}
