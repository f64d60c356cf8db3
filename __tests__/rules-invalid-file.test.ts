import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/uv/invalid-file.js';
import { caseContext, findingRows, sourceFromTexts, uvContext, type FindingRow } from './uv-helpers.js';

describe('invalid-file (uv files)', () => {
  const cases: [string, FindingRow[]][] = [
    ['invalid/lock-syntax', [['invalid-file', 'uv.lock', 40, 'error']]],
    ['invalid/pyproject-syntax', [['invalid-file', 'pyproject.toml', 3, 'error']]],
    ['invalid/lock-unsupported-version', [['invalid-file', 'uv.lock', 1, 'error']]],
    ['invalid/lock-git-without-commit', [['invalid-file', 'uv.lock', 42, 'error']]],
    ['invalid/lock-unknown-dependency', [['invalid-file', 'uv.lock', 46, 'error']]],
    ['invalid/lock-duplicate-package', [['invalid-file', 'uv.lock', 48, 'error']]],
    ['invalid/lock-registry-without-version', [['invalid-file', 'uv.lock', 63, 'error']]],
    ['lock-missing/present', []],
    ['reformatted', []],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(findingRows(rule, caseContext(name))).toEqual(expected);
  });

  it('reports what the loader found, with its message, column and fix', () => {
    const context = caseContext('invalid/lock-syntax');
    expect(context.uvLoadProblems!.map((p) => [p.kind, p.file, p.line])).toEqual([['lock-syntax', 'uv.lock', 40]]);
    const [syntax] = rule.check(context);
    expect(syntax!.message).toMatch(/^uv\.lock is not valid TOML: .*; uv cannot read it, and lockgate did not check its packages\.$/);
    expect(syntax!.column).toBeGreaterThan(0);
    expect(syntax!.column).toBe(context.uvLoadProblems![0]!.column);
    expect(syntax!.fix).toBe('Regenerate the lock with `uv lock` and commit it.');
    const [structural] = rule.check(caseContext('invalid/lock-git-without-commit'));
    expect(structural!.message).toBe(
      'uv.lock has git package `idna` whose source does not end in the full commit hash (`#<sha>`); uv refuses such a lock, and lockgate did not check its packages.',
    );
    expect(structural!.fix).toBe('Regenerate the lock with `uv lock` and commit it.');
    expect(structural!.column).toBeUndefined();
  });

  it('reports a workspace glob the loader could not apply, through the engine (the members it names are not checked)', () => {
    const context = uvContext(
      sourceFromTexts({
        'pyproject.toml': '[project]\nname = "root"\nversion = "1"\n\n[tool.uv.workspace]\nmembers = ["libs/[z-a]", "../outside/*"]\n',
        'libs/b/pyproject.toml': '[project]\nname = "b"\nversion = "1"\n',
        'uv.lock': 'version = 1\nrevision = 3\nrequires-python = ">=3.12"\n',
      }),
    );
    expect(findingRows(rule, context)).toEqual([
      ['invalid-file', 'pyproject.toml', 6, 'error'],
      ['invalid-file', 'pyproject.toml', 6, 'warning'],
    ]);
    const [invalid, outside] = rule.check(context);
    expect(invalid!.message).toContain('"libs/[z-a]"');
    expect(outside!.message).toContain('"../outside/*" leaves the repository');
    expect(invalid!.fingerprint).not.toBe(outside!.fingerprint);
  });

  it("still hands on findings a caller put in invalidFiles, after the loaders' own", () => {
    const context = caseContext('invalid/lock-syntax');
    const [own] = rule.check(context);
    const extra = { ...own!, file: 'other.toml', fingerprint: 'f'.repeat(32) };
    expect(rule.check({ ...context, invalidFiles: [extra] })).toEqual([own, extra]);
  });
});
