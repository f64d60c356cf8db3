/**
 * A lock with thousands of entries of one name (forks by marker, or a hostile padding): reading it
 * and checking its sync went through every entry for every edge, quadratic (4,000 entries: 37 s).
 * Edges are now resolved through indexes keyed by a PEP 440 version key; these tests pin down that
 * the answers are the ones the scan gave: PEP 440 equality, sources, missing and ambiguous edges.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { LockedCandidates, readLock } from '../src/uv/lock.js';
import type { LockPackage, LockSource } from '../src/uv/model.js';
import { compareVersions, versionKey, versionsEqual } from '../src/uv/version.js';
import { assertFuzz } from './support/fuzz.js';

const FILE = '__tests__/hostile-forks.test.ts';

describe('versionKey', () => {
  it('two versions share a key exactly when compareVersions finds them equal', () => {
    const part = fc.constantFrom('0', '1', '01', '2', '10');
    const version = fc
      .tuple(
        fc.constantFrom('', '1!', '0!', 'v', 'V'),
        fc.array(part, { minLength: 1, maxLength: 4 }).map((p) => p.join('.')),
        fc.constantFrom(
          '',
          'a1',
          'b0',
          'rc1',
          'c1',
          '-alpha.2',
          'pre3',
          'preview1',
          '.post1',
          '-1',
          'post0',
          '.dev0',
          'dev',
          '+local.1',
          '+LOCAL-1',
          '+1.a',
          ' ',
          'x',
          '..',
        ),
      )
      .map(([a, b, c]) => `${a}${b}${c}`);
    assertFuzz(
      fc.property(version, version, (a, b) => {
        expect(versionKey(a) === versionKey(b)).toBe(compareVersions(a, b) === 0 || a === b);
        expect(versionsEqual(a, b)).toBe(versionKey(a) === versionKey(b));
      }),
      1000,
      FILE,
    );
  });

  it.each([
    ['1.0', '1.0.0', true],
    ['1.0', '1.0.post0', false],
    ['1.0rc1', '1.0c1', compareVersions('1.0rc1', '1.0c1') === 0],
    ['1!1.0', '1.0', false],
    ['not a version', 'not a version', true],
    ['not a version', '1.0', false],
  ])('%s vs %s: %s', (a, b, equal) => {
    expect(versionsEqual(a, b)).toBe(equal);
  });
});

const REGISTRY: LockSource = { kind: 'registry', url: 'https://pypi.org/simple' };
const MIRROR: LockSource = { kind: 'registry', url: 'https://mirror.example/simple' };

function entry(name: string, version: string | undefined, source: LockSource): LockPackage {
  return { name, version, source, dependencies: [], optionalDependencies: {}, devDependencies: {}, resolutionMarkers: [], wheels: [] };
}

describe('LockedCandidates', () => {
  // 40 entries of one name (indexed), 3 of another (scanned): the same questions to both paths.
  const many = [
    ...Array.from({ length: 20 }, (_, i) => entry('many', `1.${i}`, REGISTRY)),
    ...Array.from({ length: 20 }, (_, i) => entry('many', `1.${i}.0`, MIRROR)),
    entry('many', undefined, REGISTRY),
  ];
  const few = [entry('few', '1.0', REGISTRY), entry('few', '1.0', MIRROR), entry('few', '2.0', REGISTRY)];
  const locked = new LockedCandidates(
    new Map([
      ['many', many],
      ['few', few],
    ]),
  );
  const scan = (list: LockPackage[], version: string | undefined, source: LockSource | undefined) =>
    list.filter(
      (c) =>
        (version === undefined || (c.version !== undefined && versionsEqual(c.version, version))) &&
        (source === undefined || JSON.stringify(c.source) === JSON.stringify(source)),
    );

  it.each([
    ['many', '1.3', undefined],
    ['many', '1.3.0', REGISTRY],
    ['many', '1.3', MIRROR],
    ['many', undefined, MIRROR],
    ['many', undefined, undefined],
    ['many', '9.9', undefined],
    ['few', '1.0.0', undefined],
    ['few', undefined, MIRROR],
    ['none', '1.0', undefined],
  ] as const)('%s %s %j: the entries a scan finds, in lock order', (name, version, source) => {
    const list = name === 'many' ? many : name === 'few' ? few : [];
    expect(locked.matching(name, version, source)).toEqual(scan(list, version, source));
  });
});

describe('a lock with 3,000 entries of one name', () => {
  function forkedLock(count: number, edges: (i: number) => string): string {
    const out = ['version = 1', 'revision = 3', '', '[[package]]', 'name = "app"', 'version = "0.1.0"', 'source = { virtual = "." }', 'dependencies = ['];
    for (let i = 0; i < count; i++) out.push(`    ${edges(i)},`);
    out.push(']');
    for (let i = 0; i < count; i++) out.push('', '[[package]]', 'name = "same"', `version = "1.${i}"`, 'source = { registry = "https://pypi.org/simple" }');
    return `${out.join('\n')}\n`;
  }

  it('reads, every edge resolved by PEP 440 equality (1.7 names 1.7.0)', () => {
    const result = readLock(
      'uv.lock',
      forkedLock(3000, (i) => `{ name = "same", version = "1.${i}.0" }`),
      { maxPackagesPerLock: 50_000 },
    );
    if ('error' in result) throw new Error(result.error.message);
    expect(result.lock.packages).toHaveLength(3001);
  });

  it('an edge to a version the lock does not hold is still an error at its line', () => {
    const result = readLock(
      'uv.lock',
      forkedLock(3000, (i) => `{ name = "same", version = "${i === 1234 ? '9.9' : `1.${i}`}" }`),
      { maxPackagesPerLock: 50_000 },
    );
    expect('error' in result && result.error).toEqual(
      expect.objectContaining({ line: 9 + 1234, message: expect.stringContaining('depending on `same` 9.9, which the lock does not contain') }),
    );
  });

  it('an edge without a version among 3,000 entries is ambiguous', () => {
    const result = readLock(
      'uv.lock',
      forkedLock(3000, (i) => (i === 7 ? '{ name = "same" }' : `{ name = "same", version = "1.${i}" }`)),
      { maxPackagesPerLock: 50_000 },
    );
    expect('error' in result && result.error.message).toMatch(/without saying which of its 3000 locked entries/);
  });
});

describe('lockedEntries on a lock with thousands of names', () => {
  it('answers from a per-lock index what a scan answers, and sees a hand-edited lock afresh', async () => {
    const { lockedEntries } = await import('../src/uv/hardening.js');
    const packages = Array.from({ length: 3000 }, (_, i) => entry(i % 7 === 0 ? 'Same_Name' : `p${i}`, `1.${i}`, REGISTRY));
    const lock = { packages } as unknown as Parameters<typeof lockedEntries>[0];
    expect(lockedEntries(lock, 'same-name').map((p) => p.version)).toEqual(packages.filter((p) => p.name === 'Same_Name').map((p) => p.version));
    expect(lockedEntries(lock, 'p1')).toEqual([packages[1]]);
    expect(lockedEntries(lock, 'absent')).toEqual([]);
    packages.push(entry('late', '9', REGISTRY));
    expect(lockedEntries(lock, 'late')).toEqual([packages.at(-1)]);
  });
});
