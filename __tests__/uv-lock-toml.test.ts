/**
 * The quick uv.lock reader (src/uv/lock-toml.ts) against smol-toml: on every text it accepts it must
 * give smol-toml's very document (values, key order, tables that inherit nothing), and it must accept nothing
 * smol-toml refuses, so a malformed lock always gets smol-toml's error, file and line.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { readLock } from '../src/uv/lock.js';
import { readUvLockToml } from '../src/uv/lock-toml.js';
import { BARE_TABLE } from '../src/uv/values.js';
import { lockFiles, mutateLock, ROOT } from './support/lock-fixtures.js';
import { sameIndexAsScanner } from './support/lock-positions.js';

/** A value's prototype, with the two that hold nothing (null and BARE_TABLE) taken as one. */
function inheritance(value: object): unknown {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === BARE_TABLE ? null : prototype;
}

/** The first difference between two documents (types, values, prototypes, key order), or null. */
function difference(a: unknown, b: unknown, path = '$'): string | null {
  if (typeof a !== typeof b) return `${path}: ${typeof a} against ${typeof b}`;
  if (a === null || typeof a !== 'object') return Object.is(a, b) ? null : `${path}: ${String(a)} against ${String(b)}`;
  if (b === null || Array.isArray(a) !== Array.isArray(b)) return `${path}: array or not`;
  // smol-toml's tables have a null prototype, the reader's BARE_TABLE (fast mode in V8): both inherit nothing.
  if (inheritance(a) !== inheritance(b as object)) return `${path}: prototype`;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b as object);
  if (keysA.join('\0') !== keysB.join('\0')) return `${path}: keys ${keysA.join(',')} against ${keysB.join(',')}`;
  for (const key of keysA) {
    const found = difference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

/** What smol-toml gives, or the error it throws. */
function smol(text: string): { value: unknown } | { error: unknown } {
  try {
    return { value: parse(text) };
  } catch (error) {
    return { error };
  }
}

/** The reader's contract on one text: null, or smol-toml's document. Returns whether it accepted. */
function holds(text: string): boolean {
  const quick = readUvLockToml(text);
  if (quick === null) return false;
  const reference = smol(text);
  if ('error' in reference) throw new Error(`accepted a text smol-toml refuses (${String(reference.error)}):\n${text.slice(0, 400)}`);
  const found = difference(quick, reference.value);
  if (found) throw new Error(`differs from smol-toml at ${found}`);
  return true;
}

afterEach(() => {
  delete process.env.LOCKGATE_SLOW;
});

describe('the quick uv.lock reader', () => {
  it('reads every lock of the fixtures (the corpus included) exactly as smol-toml does', () => {
    const files = lockFiles();
    expect(files.length).toBeGreaterThan(100);
    const refused = files.filter((file) => !holds(readFileSync(file, 'utf8'))).map((file) => file.slice(ROOT.length + 1));
    // A lock that does not parse, and one rewritten by hand in another TOML style: smol-toml's.
    expect(refused.sort()).toEqual(['fixtures/uv/cases/invalid/lock-syntax/uv.lock', 'fixtures/uv/cases/reformatted/head/uv.lock']);
  });

  it('builds tables that inherit nothing, from BARE_TABLE (not Object.create(null), which V8 keeps in dictionary mode)', () => {
    const text =
      'version = 1\n\n[[package]]\nname = "constructor"\ntoString = "x"\ndependencies = [{ name = "hasOwnProperty" }]\n\n[package.metadata]\nrequires-dist = []\n';
    const doc = readUvLockToml(text) as Record<string, unknown>;
    const pkg = (doc.package as Record<string, unknown>[])[0]!;
    const edge = (pkg.dependencies as Record<string, unknown>[])[0]!;
    for (const table of [doc, pkg, edge, pkg.metadata as object]) {
      expect(Object.getPrototypeOf(table)).toBe(BARE_TABLE);
      expect('valueOf' in table || 'constructor' in table || '__proto__' in table).toBe(false);
    }
    expect(Object.getPrototypeOf(BARE_TABLE)).toBeNull();
    expect(Object.isFrozen(BARE_TABLE)).toBe(true);
    expect(Object.keys(pkg)).toEqual(['name', 'toString', 'dependencies', 'metadata']);
    expect(pkg.toString).toBe('x');
    expect(holds(text)).toBe(true);
  });

  it('leaves what is outside uv’s subset, or not TOML, to smol-toml', () => {
    const outside = [
      'a = 1\na = 2\n', // the same key twice
      '[a]\nx = 1\n[a]\ny = 2\n', // a table defined twice
      '[[a]]\n[a]\n', // a table over an array of tables
      '[a]\n[[a]]\n',
      '[a]\nb = { c = 1 }\n[a.b]\n', // an inline table reopened
      'a = [1]\n[[a]]\n', // a static array extended
      '[a]\nb = 1\n[a.b.c]\n',
      'a = "x\\ny"\n', // escapes
      'a = "\u0001"\n', // a control character
      'a = """x"""\n',
      "a = 'x'\n",
      'a = 1979-05-27\n', // dates
      'a = 1.5\n',
      'a = -1\n',
      'a = 012\n',
      'a = 1234567890123456\n',
      'a = 1_000\n',
      'a = inf\n',
      'a = truex\n',
      'a.b = 1\n', // dotted keys
      '"a" = 1\n', // quoted keys
      '__proto__ = 1\n',
      'a = 1\r\n', // CRLF
      'a\t= 1\n',
      'a=1\n',
      'a = 1 \n',
      'a = { b = 1, }\n', // a trailing comma in an inline table
      'a = { b = 1 \n}\n',
      'a = {b = 1}\n',
      'a = [1,,2]\n',
      'a = [1 2]\n',
      'a = [\n',
      'a = "x\n',
      'a = "x\ny"\n', // a line feed inside a string (the text holds nothing else unsafe)
      'a = "ok"\nb = "x\ny"\n', // the same after a string that is fine
      'a = "x\ny"\n# \u0001\n', // the same where the text holds a control character elsewhere
      '[a\n',
      '[a.]\n',
      '[ a ]\n',
      '[[a]\n',
      'a = 1 # \u0001\n',
      '# \u007f\n',
      '\ufeffa = 1\n',
      'a = "😀"\n',
      ` a = 1\n`,
      `a = ${'['.repeat(200)}${']'.repeat(200)}\n`,
    ];
    for (const text of outside) expect({ text, quick: readUvLockToml(text) }).toEqual({ text, quick: null });
  });

  it('reads the shapes uv writes, as smol-toml does', () => {
    const inside = [
      '',
      '\n\n',
      'version = 1\nrevision = 3\n',
      'a = true\nb = false\nc = 0\nd = 123456789012345\n',
      'a = []\nb = [1, 2]\nc = [\n    "x",\n    "y",\n]\nd = [[1], []]\n',
      'a = {}\nb = { c = { d = "e" }, f = [1, { g = 2 }] }\n',
      '[a.b]\nx = 1\n[a]\ny = 2\n', // an implied table defined later
      '[[a]]\nx = 1\n[a.b]\ny = 2\n[[a]]\nx = 3\n[a.b]\ny = 4\n', // sub-tables of each element
      '[[a.b]]\n[a]\nc = 1\n',
      '# a comment\n[a] # after a header\nb = "c" # after a value\n',
      'a = "x y # not a comment ’ é"\n',
      'constructor = 1\n[toString]\nvalueOf = 2\n',
    ];
    for (const text of inside) expect({ text, accepted: holds(text) }).toEqual({ text, accepted: true });
  });

  it('never accepts what smol-toml refuses, nor reads a text otherwise, nor indexes it otherwise, on random edits of real locks', () => {
    const seeds = ['fixtures/uv/Kludex__starlette/e264d43a2f17/uv.lock', 'fixtures/uv/cases/invalid/lock-duplicate-package/uv.lock'].map((file) =>
      // The first few packages: enough of every shape, small enough for thousands of runs.
      readFileSync(join(ROOT, file), 'utf8').split('\n').slice(0, 120).join('\n'),
    );
    const pieces = [
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
      '#',
      "'",
      '\\',
      '\t',
      '\r',
      '1',
      '-',
      'a',
      '[[package]]\n',
      '[package.metadata]\n',
      'x = 1\n',
      ' = ',
      '""',
    ];
    let accepted = 0;
    let refusedBySmol = 0;
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(3), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(pieces.length - 1)), {
          minLength: 1,
          maxLength: 4,
        }),
        (seed, edits) => {
          const text = mutateLock(seeds[seed]!, edits, pieces);
          // What it accepts also gets the scanner's very position index (__tests__/uv-lock-positions.test.ts).
          if (holds(text) && sameIndexAsScanner(text)) accepted++;
          else if ('error' in smol(text)) refusedBySmol++;
        },
      ),
      { seed: 18, numRuns: 3000 },
    );
    // Both sides of the contract were exercised.
    expect(accepted).toBeGreaterThan(300);
    expect(refusedBySmol).toBeGreaterThan(300);
  });

  it('gives readLock the same result and the same errors, on and off (LOCKGATE_SLOW=lock-reader)', () => {
    const limits = { maxPackagesPerLock: 100_000 };
    for (const file of lockFiles()) {
      const text = readFileSync(file, 'utf8');
      const quick = readLock(file, text, limits);
      process.env.LOCKGATE_SLOW = 'lock-reader';
      const slow = readLock(file, text, limits);
      delete process.env.LOCKGATE_SLOW;
      expect({ file, result: quick }).toEqual({ file, result: slow });
    }
    // A syntax error keeps smol-toml's message, line and column.
    const broken = readLock('uv.lock', 'version = 1\n\n[[package]]\nname = "idna\nversion = "3.7"\n', limits);
    expect(broken).toEqual({ error: { line: 4, column: expect.any(Number), message: expect.stringMatching(/^is not valid TOML: /) } });
  });
});
