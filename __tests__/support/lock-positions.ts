/**
 * The contract of the quick uv.lock reader's position index (src/uv/lock-toml.ts): on every text it
 * accepts, the index the position scanner builds with `{ compact: true }`. Shared by
 * __tests__/uv-lock-positions.test.ts and the random edits of __tests__/uv-lock-toml.test.ts.
 */
import { expect } from '@jest/globals';
import { readUvLockToml, readUvLockTomlWithPositions } from '../../src/uv/lock-toml.js';
import { indexPositions, type PositionIndex } from '../../src/uv/toml.js';

/** The index's own maps, read without materializing it. */
interface Internals {
  own: [string, number][];
  elements: Map<string, number[]>;
  tables: Map<string, { line: number; keys: Map<string, number>; arrays: Map<string, number[]> }[]>;
  materialized: boolean;
}

function internals(index: PositionIndex): Internals {
  const raw = index as unknown as Omit<Internals, 'own'>;
  return { own: [...Map.prototype.entries.call(index)] as [string, number][], elements: raw.elements, tables: raw.tables, materialized: raw.materialized };
}

/** Maps and arrays as plain data, key order kept (for a deep-equal that sees insertion order). */
function plain(value: unknown): unknown {
  if (value instanceof Map) return [...value.entries()].map(([key, inner]) => [key, plain(inner)]);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  return value;
}

/** Paths to ask both indexes: every entry, and neighbours that exist or not (a deeper key, elements, a table's keys). */
function probes(entries: [string, number][]): string[] {
  const out = ['', 'x', 'package[999999]', 'package[0].nope', 'package[x]', '[0]'];
  for (const [path] of entries) out.push(path, `${path}[0]`, `${path}[1]`, `${path}.name`, `${path}.x[0]`);
  return out;
}

/**
 * The contract on one text: null, or the scanner's index. Returns whether the reader accepted. Compares
 * the internal structures first (before anything materializes), then get/has on every probe path of
 * fresh indexes, then size and the materialized entries in order.
 */
export function sameIndexAsScanner(text: string): boolean {
  const quick = readUvLockTomlWithPositions(text);
  if (quick === null) {
    expect(readUvLockToml(text)).toBeNull();
    return false;
  }
  // The scanner must read whatever the reader accepts (parseToml would otherwise have no lines).
  const scanned = indexPositions(text, { compact: true });
  const a = internals(quick.lines);
  const b = internals(scanned);
  if (a.materialized || b.materialized) throw new Error('materialized before the comparison');
  const structure = [plain(a.own), plain(a.elements), plain(a.tables)];
  const expected = [plain(b.own), plain(b.elements), plain(b.tables)];
  if (JSON.stringify(structure) !== JSON.stringify(expected)) expect(structure).toEqual(expected);

  const reference = [...indexPositions(text, { compact: true }).entries()];
  for (const path of probes(reference)) {
    const [got, want] = [quick.lines.get(path), scanned.get(path)];
    if (got !== want || quick.lines.has(path) !== scanned.has(path)) expect({ path, got }).toEqual({ path, got: want });
  }
  expect(quick.lines.size).toBe(scanned.size);
  const entries = [...quick.lines.entries()];
  if (JSON.stringify(entries) !== JSON.stringify(reference)) expect(entries).toEqual(reference);
  expect(JSON.stringify([...scanned.entries()])).toBe(JSON.stringify(reference));
  // The values are the values-only reader's (which uv-lock-toml.test.ts holds to smol-toml).
  expect(quick.value).toEqual(readUvLockToml(text));
  return true;
}
