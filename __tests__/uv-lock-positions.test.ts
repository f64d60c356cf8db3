/**
 * The quick uv.lock reader builds the position index along with the values (issue 18 item 4): on every
 * text it accepts, that index must be the very one the position scanner builds with `{ compact: true }`
 * (the same entries and compact structures, inserted in the same order), so every finding keeps its
 * line. Its values are held to smol-toml by __tests__/uv-lock-toml.test.ts.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLock } from '../src/uv/lock.js';
import { readUvLockTomlWithPositions } from '../src/uv/lock-toml.js';
import { indexPositions, keyPath, lineOf, parseToml } from '../src/uv/toml.js';
import { lockFiles, mutateLock, ROOT } from './support/lock-fixtures.js';
import { sameIndexAsScanner } from './support/lock-positions.js';

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
            if (sameIndexAsScanner(mutateLock(seeds[seed]!, edits, PIECES))) accepted++;
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
