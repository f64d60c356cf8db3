/**
 * The one PEP 440 ordering (src/uv/version.ts over src/uv/specifiers.ts, uv's parser and
 * packaging's `_cmpkey`) held against an independent implementation, @renovatebot/pep440 (a port
 * of Python's packaging), on every version the corpus locks hold plus the spellings PEP 440 is
 * easy to get wrong. A wrong ordering would call an upgrade a downgrade.
 */
import { describe, expect, it } from '@jest/globals';
import { compare as oracleCompare, valid as oracleValid } from '@renovatebot/pep440';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareVersions, isPep440, versionKey, versionsEqual } from '../src/uv/version.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

const TRICKY = [
  '1.0',
  '1.0.0',
  '1.0.0.0',
  '0',
  '0.0',
  '1.0a1',
  '1.0a',
  '1.0alpha1',
  '1.0b2',
  '1.0c1',
  '1.0rc1',
  '1.0.rc.1',
  '1.0-preview-2',
  '1.0.post1',
  '1.0-1',
  '1.0post',
  '1.0.rev3',
  '1.0.dev1',
  '1.0a1.dev1',
  '1.0.post1.dev2',
  '1!0.1',
  '2!1.0',
  'v1.0',
  'V1.0',
  '1.0+local',
  '1.0+local.1',
  '1.0+local.01',
  '1.0+Local-1',
  '1.0+1',
  '1.0+abc.5',
  '1.0+abc.a',
  '01.02',
  '1.99999999999999999999',
];

function corpusVersions(): string[] {
  const out = new Set<string>(TRICKY);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry === 'uv.lock') for (const m of readFileSync(path, 'utf8').matchAll(/^version = "([^"\n]*)"/gm)) out.add(m[1]!);
    }
  };
  walk(join(FIXTURES, 'uv'));
  return [...out].filter((v) => oracleValid(v) !== null);
}

describe('PEP 440 ordering', () => {
  const versions = corpusVersions();

  it('reads the corpus', () => {
    expect(versions.length).toBeGreaterThan(300);
  });

  it('orders every pair as the independent implementation does', () => {
    const disagreements: string[] = [];
    for (const a of versions) {
      for (const b of versions) {
        // The oracle keeps release segments as JS numbers: past 2^53 it cannot tell them apart.
        if (/\d{16,}/.test(a) || /\d{16,}/.test(b)) continue;
        if (compareVersions(a, b) !== Math.sign(oracleCompare(a, b))) disagreements.push(`${a} vs ${b}`);
      }
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
  });

  it('keys two versions alike exactly when they compare equal', () => {
    const mismatches: string[] = [];
    for (const a of versions)
      for (const b of versions) if ((versionKey(a) === versionKey(b)) !== (compareVersions(a, b) === 0)) mismatches.push(`${a} vs ${b}`);
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it.each([
    ['1.0', '1.0.0', true],
    ['1.0+local.01', '1.0+local.1', true],
    ['1.0+Local-1', '1.0+local.1', true],
    ['1.0', '1.0+local', false],
    ['1.99999999999999999998', '1.99999999999999999999', false],
  ])('%s equals %s: %s', (a, b, equal) => {
    expect(versionsEqual(a, b)).toBe(equal);
  });

  it('a hostile string never throws: it orders after every version, and as a string among its kind', () => {
    for (const bad of ['', 'not-a-version', '1.0..0', 'x'.repeat(10_000), '\u0000', '1.0+']) {
      expect(isPep440(bad)).toBe(false);
      expect(compareVersions(bad, '1.0')).toBe(1);
      expect(compareVersions('1.0', bad)).toBe(-1);
    }
    expect(compareVersions('a-bad', 'b-bad')).toBe(-1);
  });
});
