/**
 * The quick uv.lock reader builds the position index along with the values (issue 18 item 4): on every
 * text it accepts, that index must be the very one the position scanner builds with `{ compact: true }`
 * (the same entries and compact structures, inserted in the same order), so every finding keeps its
 * line. Its values are held to smol-toml by __tests__/uv-lock-toml.test.ts.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readLock } from '../src/uv/lock.js';
import { readUvLockToml, readUvLockTomlWithPositions } from '../src/uv/lock-toml.js';
import { indexPositions, keyPath, lineOf, type PositionIndex, parseToml } from '../src/uv/toml.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);

function lockFiles(dir = join(ROOT, 'fixtures')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return lockFiles(path);
    return entry.name === 'uv.lock' ? [path] : [];
  });
}

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
function sameIndexAsScanner(text: string): boolean {
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

/** Random edits of real locks: characters dropped or inserted, lines repeated or swapped. */
function mutate(text: string, edits: [number, number, number, number][], pieces: string[]): string {
  for (const [kind, at, to, piece] of edits) {
    const i = Math.floor(at * text.length);
    if (kind === 0) text = text.slice(0, i) + text.slice(i + 1);
    else if (kind === 1) text = text.slice(0, i) + pieces[piece]! + text.slice(i);
    else {
      const lines = text.split('\n');
      const a = Math.floor(at * lines.length);
      const b = Math.floor(to * lines.length);
      if (kind === 2) lines.splice(b, 0, lines[a]!);
      else [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      text = lines.join('\n');
    }
  }
  return text;
}

const PIECES = [
  '"',
  '[',
  ']',
  '{',
  '}',
  '=',
  ',',
  '.',
  ' ',
  '\n',
  '\n\n',
  '#',
  '# c\n',
  "'",
  '\\',
  '\t',
  '\r',
  '1',
  '-',
  'a',
  '[[package]]\n',
  '[package.metadata]\n',
  '[[package.metadata.x]]\n',
  '[[package.wheels]]\n',
  '[package.optional-dependencies]\n',
  '[options]\n',
  'x = 1\n',
  'y = [\n    1,\n    [2, [\n3]],\n]\n',
  'z = [[], [[]]]\n',
  'w = [{ a = [1] }, "s"]\n',
  ' = ',
  '""',
  '[]',
];

afterEach(() => {
  delete process.env.LOCKGATE_SLOW;
});

describe('the quick uv.lock reader’s position index', () => {
  it('is the scanner’s on every lock of the fixtures (the corpus and the hostile ones)', () => {
    const files = lockFiles();
    expect(files.length).toBeGreaterThan(100);
    const refused = files.filter((file) => !sameIndexAsScanner(readFileSync(file, 'utf8'))).map((file) => file.slice(ROOT.length + 1));
    expect(refused.sort()).toEqual(['fixtures/uv/cases/invalid/lock-syntax/uv.lock', 'fixtures/uv/cases/reformatted/head/uv.lock']);
  });

  it('is the scanner’s on the shapes uv writes and on the corners of the table rules', () => {
    const inside = [
      '',
      '\n\n',
      'version = 1\nrevision = 3\n',
      'a = []\nb = [1, 2]\nc = [\n    "x",\n    "y",\n]\nd = [[1], []]\n',
      'a = [\n    [\n        1,\n\n        2,\n    ],\n    [],\n    [[], [\n3]],\n]\n',
      'a = {}\nb = { c = { d = "e" }, f = [1, { g = 2 }] }\nc = [{ d = [1] }, { e = [[2]] }]\n',
      '[a.b]\nx = 1\n[a]\ny = 2\n',
      '[[a]]\nx = 1\n[a.b]\ny = [1]\n[[a]]\nx = 3\n[a.b]\ny = [\n4,\n]\n',
      '[[a.b]]\n[a]\nc = 1\n',
      '[[a]]\n[[a.b]]\nc = [1]\n[[a.b]]\n[[a]]\n[[a.b]]\nd = [[2]]\n[a.b.e]\nf = 1\n',
      '[[package]]\nname = "a"\nwheels = [\n    { url = "u" },\n]\n[package.metadata]\nrequires-dist = [{ name = "b" }]\n[package.metadata.requires-dev]\ndev = [\n    { name = "c" },\n]\n',
      '# a comment\n\n[a] # after a header\nb = "c" # after a value\n\n\n[d]\ne = [\n  1,\n]\n',
      'constructor = 1\n[toString]\nvalueOf = [2]\n[hasOwnProperty.x]\n',
      `[${Array.from({ length: 200 }, (_, i) => `k${i}`).join('.')}]\nx = [1]\n`,
      `[[a]]\n[${['a', ...Array.from({ length: 150 }, (_, i) => `k${i}`)].join('.')}]\nx = [1]\n`,
    ];
    for (const text of inside) expect({ text, accepted: sameIndexAsScanner(text) }).toEqual({ text, accepted: true });
  });

  const runs = Number(process.env.LOCK_POSITIONS_RUNS ?? 3000);
  it(
    'is the scanner’s on every random edit of a real lock the reader accepts',
    () => {
      const seeds = [
        'fixtures/uv/Kludex__starlette/e264d43a2f17/uv.lock',
        'fixtures/uv/cases/invalid/lock-duplicate-package/uv.lock',
        'fixtures/uv/cases/reformatted/base/uv.lock',
      ].map((file) => readFileSync(join(ROOT, file), 'utf8').split('\n').slice(0, 120).join('\n'));
      let accepted = 0;
      let refused = 0;
      fc.assert(
        fc.property(
          fc.nat(seeds.length - 1),
          fc.array(fc.tuple(fc.nat(3), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(PIECES.length - 1)), {
            minLength: 1,
            maxLength: 4,
          }),
          (seed, edits) => {
            if (sameIndexAsScanner(mutate(seeds[seed]!, edits, PIECES))) accepted++;
            else refused++;
          },
        ),
        // By hand, more: LOCK_POSITIONS_RUNS=100000 LOCK_POSITIONS_SEED=7 npx jest __tests__/uv-lock-positions.test.ts -t 'random edit'
        { seed: Number(process.env.LOCK_POSITIONS_SEED ?? 1804), numRuns: runs },
      );
      // Both sides exercised: many edits stay in uv's shape (their index is compared), many leave it.
      expect(accepted).toBeGreaterThan(300);
      expect(refused).toBeGreaterThan(300);
      if (process.env.LOCK_POSITIONS_RUNS) process.stderr.write(`random edits: ${accepted} accepted, ${refused} refused\n`);
    },
    Math.max(30_000, runs * 10),
  );

  it('gives lineOf the scanner’s lines for every package, key, wheel and dependency of the real locks', () => {
    let checked = 0;
    for (const file of lockFiles(join(ROOT, 'fixtures', 'uv')).filter((path) => path.includes('__'))) {
      const text = readFileSync(file, 'utf8');
      const quick = readUvLockTomlWithPositions(text);
      expect({ file, accepted: quick !== null }).toEqual({ file, accepted: true });
      const scanned = indexPositions(text, { compact: true });
      const paths: string[] = ['version', 'revision', 'requires-python', 'resolution-markers[0]', 'options', 'manifest', 'manifest.members[0]'];
      const packages = (quick!.value.package ?? []) as Record<string, unknown>[];
      packages.forEach((pkg, i) => {
        paths.push(keyPath('package', i), keyPath('package', i, 'source', 'registry'), keyPath('package', i, 'metadata', 'requires-dist', 0));
        for (const key of Object.keys(pkg)) paths.push(keyPath('package', i, key));
        for (const key of ['wheels', 'dependencies', 'resolution-markers']) {
          const list = (pkg[key] ?? []) as unknown[];
          for (let j = 0; j <= list.length; j++) paths.push(keyPath('package', i, key, j), keyPath('package', i, key, j, 'url'));
        }
        const extras = (pkg['optional-dependencies'] ?? {}) as Record<string, unknown[]>;
        for (const [extra, list] of Object.entries(extras)) list.forEach((_, j) => paths.push(keyPath('package', i, 'optional-dependencies', extra, j)));
      });
      for (const path of paths) {
        const [got, want] = [lineOf(quick!.lines, path), lineOf(scanned, path)];
        if (got !== want) expect({ file, path, got }).toEqual({ file, path, got: want });
        checked++;
      }
      // A wheel's line is the line its `{ url = … }` is written on.
      const firstWheel = lineOf(quick!.lines, keyPath('package', 0, 'wheels', 0));
      if (firstWheel !== undefined) expect(text.split('\n')[firstWheel - 1]).toMatch(/^\s*\{ url = /);
    }
    expect(checked).toBeGreaterThan(50_000);
  });

  it('is what parseToml returns for a lock, on and off (LOCKGATE_SLOW=lock-positions), and readLock is the same', () => {
    const limits = { maxPackagesPerLock: 100_000 };
    for (const file of lockFiles()) {
      const text = readFileSync(file, 'utf8');
      const one = parseToml(file, text, { compact: true });
      const lock = readLock(file, text, limits);
      process.env.LOCKGATE_SLOW = 'lock-positions';
      const two = parseToml(file, text, { compact: true });
      const slowLock = readLock(file, text, limits);
      delete process.env.LOCKGATE_SLOW;
      if (one.ok && two.ok) {
        expect({ file, entries: [...one.lines.entries()] }).toEqual({ file, entries: [...two.lines.entries()] });
        expect(one.value).toEqual(two.value);
      } else expect({ file, one }).toEqual({ file, one: two });
      expect({ file, lock }).toEqual({ file, lock: slowLock });
    }
    // Outside the subset (another TOML style), positions still come from the scanner.
    const restyled = parseToml('uv.lock', "version = 1\n\n[[package]]\nname = 'a'\nwheels = [\n  { url = 'u' },\n]\n", { compact: true });
    expect(restyled.ok && lineOf(restyled.lines, keyPath('package', 0, 'wheels', 0))).toBe(6);
  });
});
