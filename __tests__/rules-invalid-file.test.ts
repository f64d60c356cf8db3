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
    // A template no uv project reads: said, as a notice (fires: every row below with an error).
    ['invalid/pyproject-template', [['invalid-file', 'src/app/templates/crew/pyproject.toml', 7, 'notice']]],
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

  describe('a pyproject.toml that is not TOML fails the check where uv reads it, and only there', () => {
    const LOCK = 'version = 1\nrevision = 3\nrequires-python = ">=3.12"\n';
    const BROKEN = '[project]\nname = "{{name}}"\n{{x}} = 1\n';
    const project = (name: string, extra = '') => `[project]\nname = "${name}"\nversion = "1"\n${extra}`;
    const rows: [string, Record<string, string>, string][] = [
      ['beside a uv.lock (a project uv cannot read)', { 'app/pyproject.toml': BROKEN, 'app/uv.lock': LOCK }, 'error'],
      [
        'a workspace member by the root globs',
        { 'pyproject.toml': project('root', '[tool.uv.workspace]\nmembers = ["libs/*"]\n'), 'uv.lock': LOCK, 'libs/b/pyproject.toml': BROKEN },
        'error',
      ],
      [
        'a folder above a uv project (uv looks upwards for settings)',
        { 'pyproject.toml': BROKEN, 'svc/pyproject.toml': project('svc'), 'svc/uv.lock': LOCK },
        'error',
      ],
      [
        'the editable source of a lock',
        {
          'app/pyproject.toml': project('app'),
          'app/uv.lock': `${LOCK}\n[[package]]\nname = "lib"\nversion = "1"\nsource = { editable = "../libs/lib/" }\n\n[[package]]\nname = "app"\nversion = "1"\nsource = { virtual = "." }\n`,
          'libs/lib/pyproject.toml': BROKEN,
        },
        'error',
      ],
      [
        'a template beside no lock, in no workspace',
        { 'pyproject.toml': project('root'), 'uv.lock': LOCK, 'templates/{{cookiecutter.slug}}/pyproject.toml': BROKEN },
        'notice',
      ],
      [
        'excluded from the workspace',
        {
          'pyproject.toml': project('root', '[tool.uv.workspace]\nmembers = ["libs/*"]\nexclude = ["libs/tmpl"]\n'),
          'uv.lock': LOCK,
          'libs/tmpl/pyproject.toml': BROKEN,
        },
        'notice',
      ],
      ['with no uv project at all', { 'docs/pyproject.toml': BROKEN }, 'notice'],
    ];
    it.each(rows)('%s', (_, files, severity) => {
      const found = rule.check(uvContext(sourceFromTexts(files)));
      expect(found.map((f) => [f.file, f.severity])).toEqual([[Object.keys(files).find((path) => files[path] === BROKEN), severity]]);
      expect(found[0]!.message).toMatch(
        severity === 'error' ? /uv cannot read it and lockgate did not check it\.$/ : /No uv project of this repository reads it/,
      );
    });

    it('a project whose lock was deleted still counts (it had one at base)', () => {
      const base = sourceFromTexts({ 'app/pyproject.toml': project('app'), 'app/uv.lock': LOCK });
      const head = sourceFromTexts({ 'app/pyproject.toml': BROKEN });
      expect(findingRows(rule, uvContext(head, base))).toEqual([['invalid-file', 'app/pyproject.toml', 3, 'error']]);
    });
  });

  describe('introduced, with a base', () => {
    const LOCK = 'version = 1\nrevision = 3\nrequires-python = ">=3.12"\n';
    const files = { 'pyproject.toml': '[project]\nname = "a"\nversion = "1"\n', 'uv.lock': LOCK, '.github/workflows/ci.yml': 'on: [push\n' };
    const byFile = (context: ReturnType<typeof uvContext>) => Object.fromEntries(rule.check(context).map((f) => [f.file, f.introduced]));
    it('is false for a file already unusable at base, the same with or without only-new', () => {
      const broken = { ...files, 'uv.lock': 'version = \n' };
      expect(byFile(uvContext(sourceFromTexts(broken), sourceFromTexts(broken)))).toEqual({ '.github/workflows/ci.yml': false, 'uv.lock': false });
    });
    it('is true for a file the change breaks, and in a full audit', () => {
      const broken = { ...files, 'uv.lock': 'version = \n' };
      expect(byFile(uvContext(sourceFromTexts(broken), sourceFromTexts(files)))).toEqual({ '.github/workflows/ci.yml': false, 'uv.lock': true });
      expect(byFile(uvContext(sourceFromTexts(broken)))).toEqual({ '.github/workflows/ci.yml': true, 'uv.lock': true });
    });
  });

  it("still hands on findings a caller put in invalidFiles, after the loaders' own", () => {
    const context = caseContext('invalid/lock-syntax');
    const [own] = rule.check(context);
    const extra = { ...own!, file: 'other.toml', fingerprint: 'f'.repeat(32) };
    expect(rule.check({ ...context, invalidFiles: [extra] })).toEqual([own, extra]);
  });
});
