import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/uv/source-changed.js';
import { isSuspiciousSourceChange } from '../src/rules/uv/source-changed.js';
import type { LockSource } from '../src/uv/model.js';
import { CORPUS_PAIRS, caseContext, corpusPairContext, findingRows, type FindingRow } from './uv-helpers.js';

describe('source-changed', () => {
  const cases: [string, FindingRow[]][] = [
    ['registry-to-git', [['source-changed', 'uv.lock', 39, 'error']]],
    ['registry-to-other-index', [['source-changed', 'uv.lock', 5, 'error']]],
    ['registry-to-undeclared-index', [['source-changed', 'uv.lock', 5, 'error']]],
    ['git-repo-changed', [['source-changed', 'uv.lock', 39, 'error']]],
    // A local checkout given up for the registry release, and a git dependency moving to another
    // commit of the same repository, are not new origins.
    ['directory-to-registry', []],
    ['git-commit-bump', []],
    ['reformatted', []],
    ['downgrade', []],
    ['hash-changed', []],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(findingRows(rule, caseContext(name))).toEqual(expected);
  });

  it('names the package, where it came from and where it goes', () => {
    const [finding] = rule.check(caseContext('registry-to-git'));
    expect(finding!.message).toMatch(
      /^idna 3\.7 now comes from git https:\/\/github\.com\/attacker\/idna@[0-9a-f]{40}, no longer from registry https:\/\/pypi\.org\/simple\./,
    );
    expect(finding!.package).toEqual({ name: 'idna', version: '3.7' });
    expect(finding!.introduced).toBe(true);
    expect(finding!.fix).toContain('uv lock');
  });

  it.each(CORPUS_PAIRS)('fires on no corpus pair: %s %s -> %s', (repo, base, head) => {
    expect(findingRows(rule, corpusPairContext(repo, base, head))).toEqual([]);
  });

  it('finds nothing in a full audit', () => {
    const context = caseContext('registry-to-git');
    context.projects = context.projects.map((pair) => ({ ...pair, base: null, changes: [], changeDetails: [] }));
    expect(rule.check(context)).toEqual([]);
  });

  const registry = (url: string): LockSource => ({ kind: 'registry', url });
  const git = (url: string, commit: string): LockSource => ({ kind: 'git', url, commit, reference: null });
  it.each([
    [registry('https://pypi.org/simple'), registry('https://pypi.org/simple/extra'), true],
    [registry('https://pypi.org/simple'), { kind: 'url', url: 'https://x/a.whl' } as LockSource, true],
    [registry('https://pypi.org/simple'), { kind: 'path', path: 'vendor/a.whl' } as LockSource, true],
    [registry('https://pypi.org/simple'), { kind: 'editable', path: '../a' } as LockSource, true],
    [{ kind: 'directory', path: '../a' } as LockSource, registry('https://pypi.org/simple'), false],
    [git('https://github.com/o/r', 'a'.repeat(40)), git('https://GitHub.com/o/r.git/', 'b'.repeat(40)), false],
    [git('https://github.com/o/r', 'a'.repeat(40)), git('https://github.com/evil/r', 'a'.repeat(40)), true],
    [{ kind: 'directory', path: 'libs/a' } as LockSource, { kind: 'editable', path: 'libs/a' } as LockSource, false],
    [{ kind: 'directory', path: 'libs/a' } as LockSource, { kind: 'directory', path: '../elsewhere' } as LockSource, true],
  ])('%j -> %j suspicious: %s', (from, to, expected) => {
    expect(isSuspiciousSourceChange(from, to)).toBe(expected);
  });
});
