import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { rule } from '../src/rules/uv/lock-out-of-sync.js';
import { loadUvProjects } from '../src/uv/load.js';
import { checkLockSync } from '../src/uv/sync/index.js';
import type { RuleContext } from '../src/rules/types.js';
import { LIMITS, UV_FIXTURES, corpusPairContext, findingRows, sourceFromDir, sourceFromTexts, uvContext, type FindingRow } from './uv-helpers.js';
import type { SourceFiles } from '../src/source/types.js';

const SYNC_FIXTURES = join(UV_FIXTURES, 'sync');

function contextOf(headFiles: SourceFiles, baseFiles?: SourceFiles): RuleContext {
  return uvContext(headFiles, baseFiles ?? null);
}

function rows(context: RuleContext): FindingRow[] {
  return findingRows(rule, context);
}

const R = 'lock-out-of-sync';

/** fixtures/uv/sync/<case>: what the rule must report (rule, file, line, severity), nothing else. */
const CASES: [name: string, expected: FindingRow[]][] = [
  // Must not fire.
  ['ok-basic', []],
  ['ok-markers-by-meaning', []],
  ['ok-exclude-newer-span', []],
  ['ok-uv-toml', []],
  ['ok-groups', []],
  ['ok-workspace-sources', []],
  ['ok-virtual-root-groups', []],
  // Errors, at the line that differs.
  ['fire-dependency-added', [[R, 'pyproject.toml', 7, 'error']]],
  ['fire-lock-has-more', [[R, 'uv.lock', 28, 'error']]],
  ['fire-specifier', [[R, 'pyproject.toml', 6, 'error']]],
  ['fire-exclude-newer-span', [[R, 'pyproject.toml', 17, 'error']]],
  [
    'fire-exclude-newer-package',
    [
      [R, 'pyproject.toml', 18, 'error'],
      [R, 'pyproject.toml', 18, 'error'],
    ],
  ],
  ['fire-virtual-state', [[R, 'pyproject.toml', 1, 'error']]],
  ['fire-dynamic-version', [[R, 'pyproject.toml', 3, 'error']]],
  ['fire-uv-toml', [[R, 'uv.toml', 2, 'error']]],
  ['fire-index', [[R, 'uv.lock', 35, 'error']]],
  ['fire-conflicts', [[R, 'pyproject.toml', 17, 'error']]],
  ['fire-constraints', [[R, 'pyproject.toml', 17, 'error']]],
  ['fire-environments', [[R, 'pyproject.toml', 17, 'error']]],
  ['fire-requires-python', [[R, 'pyproject.toml', 4, 'error']]],
  ['fire-group-changed', [[R, 'pyproject.toml', 14, 'error']]],
  // Notices: what cannot be decided statically.
  ['notice-exclude-newer-date', [[R, 'pyproject.toml', 17, 'notice']]],
  ['notice-exclude-newer-package-false', [[R, 'pyproject.toml', 18, 'notice']]],
  ['notice-path-outside', [[R, 'uv.lock', 69, 'notice']]],
  ['notice-dynamic-dependencies', [[R, 'pyproject.toml', 5, 'notice']]],
];

describe('lock-out-of-sync fixtures', () => {
  it('covers every fixture directory', () => {
    expect(readdirSync(SYNC_FIXTURES).sort()).toEqual(CASES.map(([name]) => name).sort());
  });

  it.each(CASES)('%s', (name, expected) => {
    expect(rows(contextOf(sourceFromDir(join(SYNC_FIXTURES, name))))).toEqual(expected);
  });
});

describe('lock-out-of-sync messages', () => {
  it('names the member, both spellings of the requirement and the fix', () => {
    const [finding] = rule.check(contextOf(sourceFromDir(join(SYNC_FIXTURES, 'fire-specifier'))));
    expect(finding!.message).toContain('`demo`');
    expect(finding!.message).toContain('`httpx>=0.28`');
    expect(finding!.message).toContain('`httpx>=0.27`');
    expect(finding!.message).toContain('uv sync --locked');
    expect(finding!.fix).toBe('Run `uv lock` and commit the updated uv.lock (CI should install with `uv sync --locked`).');
    expect(finding!.introduced).toBe(true);
  });

  it('says why a notice cannot be decided', () => {
    const [finding] = rule.check(contextOf(sourceFromDir(join(SYNC_FIXTURES, 'notice-path-outside'))));
    expect(finding!.message).toMatch(/cannot tell statically .*`sibling`.*outside the repository/);
    expect(finding!.fix).toContain('uv lock --check');
  });

  it('quotes the relative cooldown spans uv compares field by field', () => {
    const [finding] = rule.check(contextOf(sourceFromDir(join(SYNC_FIXTURES, 'fire-exclude-newer-span'))));
    expect(finding!.message).toContain('`"1 week"`');
    expect(finding!.message).toContain('P1W is not P7D');
  });

  it('gives the lock command of a project in a subdirectory', () => {
    const dir = join(SYNC_FIXTURES, 'fire-specifier');
    const files = sourceFromTexts({
      'svc/pyproject.toml': readFileSync(join(dir, 'pyproject.toml'), 'utf8'),
      'svc/uv.lock': readFileSync(join(dir, 'uv.lock'), 'utf8'),
    });
    const [finding] = rule.check(contextOf(files));
    expect(finding!.file).toBe('svc/pyproject.toml');
    expect(finding!.fix).toContain('`uv lock --directory svc`');
  });
});

describe('lock-out-of-sync between base and head', () => {
  it('marks only the drift a change introduces as introduced', () => {
    const base = sourceFromDir(join(SYNC_FIXTURES, 'fire-specifier'));
    const dir = join(SYNC_FIXTURES, 'fire-specifier');
    const head = sourceFromTexts({
      'pyproject.toml': readFileSync(join(dir, 'pyproject.toml'), 'utf8').replace('"httpx>=0.28",', '"httpx>=0.28",\n    "anyio>=4",'),
      'uv.lock': readFileSync(join(dir, 'uv.lock'), 'utf8'),
    });
    const findings = rule.check(contextOf(head, base));
    expect(findings.map((f) => [f.line, f.introduced])).toEqual([
      [6, false],
      [7, true],
    ]);
    // The same drift keeps its fingerprint when lines move.
    const atBase = rule.check(contextOf(base))[0]!;
    expect(findings[0]!.fingerprint).toBe(atBase.fingerprint);
  });

  describe('a lock that was already stale at base', () => {
    const dir = join(SYNC_FIXTURES, 'ok-basic');
    const pyproject = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
    const lock = readFileSync(join(dir, 'uv.lock'), 'utf8');
    const at = (version: string, dependencies = '"httpx>=0.27",') =>
      sourceFromTexts({
        'pyproject.toml': pyproject.replace('version = "0.1.0"', `version = "${version}"`).replace('"httpx>=0.27",', dependencies),
        'uv.lock': lock,
      });

    it('is not newly broken when only the values change: a release bumps the version', () => {
      const [atHead] = rule.check(contextOf(at('0.3.0'), at('0.2.0')));
      expect(atHead!.introduced).toBe(false);
      expect(atHead!.message).toContain('`0.3.0`');
      expect(atHead!.fingerprint).toBe(rule.check(contextOf(at('0.2.0')))[0]!.fingerprint);
    });

    it('is newly broken when the change makes another field or requirement differ', () => {
      const findings = rule.check(contextOf(at('0.3.0', '"httpx>=0.29",'), at('0.2.0')));
      expect(findings.map((f) => [f.line, f.introduced])).toEqual([
        [3, false],
        [6, true],
      ]);
    });

    it('a second difference about the same requirement is introduced, with its own fingerprint', () => {
      const one = '"httpx>=0.29",';
      const two = `"httpx>=0.29; python_version < '3.12'",\n    "httpx>=0.30; python_version >= '3.12'",`;
      const findings = rule.check(contextOf(at('0.1.0', two), at('0.1.0', one)));
      expect(findings.map((f) => [f.line, f.introduced])).toEqual([
        [6, false],
        [7, true],
      ]);
      expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(2);
    });
  });

  it.each([
    ['pallets__flask', '5e621a2801da', '976459f7cb35'],
    ['docling-project__docling', 'd26dac61a86b', '1557e7ce3e03'],
    ['openai__openai-agents-python', 'dd0300bff9d5', '2bd03971f9d2'],
    ['mitmproxy__mitmproxy', '4b5c2beb9739', '16eccae49da3'],
  ])('corpus pair %s %s -> %s: no error', (repo, baseSha, headSha) => {
    const findings = rule.check(corpusPairContext(repo, baseSha, headSha));
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('lock-out-of-sync on hostile input', () => {
  const lock = readFileSync(join(SYNC_FIXTURES, 'ok-basic', 'uv.lock'), 'utf8');
  it.each([
    ['dependencies of the wrong type', '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = "httpx"\n'],
    ['a requirement that is a number', '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = 3\ndependencies = [42, "httpx>=0.27"]\n'],
    [
      'sources of the wrong shape',
      '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["httpx"]\n[tool.uv]\nsources = 5\nexclude-newer = 12\nconflicts = "x"\nenvironments = [1]\n',
    ],
    [
      'groups that include each other',
      '[project]\nname = "demo"\nversion = "0.1.0"\n[dependency-groups]\na = [{ include-group = "b" }]\nb = [{ include-group = "a" }]\n',
    ],
    ['a marker with an HTML payload', '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["httpx; sys_platform == \'<script>alert(1)</script>\'"]\n'],
    [
      'a path source with an absolute path',
      '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["lib"]\n[tool.uv.sources]\nlib = { path = "/opt/lib" }\n',
    ],
  ])('%s: no throw, no invented certainty', (_label, pyproject) => {
    const context = contextOf(sourceFromTexts({ 'pyproject.toml': pyproject, 'uv.lock': lock }));
    expect(() => rule.check(context)).not.toThrow();
    for (const finding of rule.check(context)) expect(['error', 'notice']).toContain(finding.severity);
  });

  it('reports groups that include each other as undecidable, not as drift', () => {
    const pyproject = readFileSync(join(SYNC_FIXTURES, 'ok-basic', 'pyproject.toml'), 'utf8').replace(
      'dev = ["pytest>=8"]',
      'dev = ["pytest>=8", { include-group = "x" }]\nx = [{ include-group = "dev" }]',
    );
    const project = loadUvProjects(sourceFromTexts({ 'pyproject.toml': pyproject, 'uv.lock': lock }), LIMITS).projects[0]!;
    const issues = checkLockSync(project);
    expect(issues.map((i) => [i.kind, i.what])).toEqual([['undecidable', 'dependency groups']]);
    expect(issues[0]!.detail).toContain('cycle');
  });
});

describe("lock-out-of-sync: more of uv's rules", () => {
  const dir = join(SYNC_FIXTURES, 'ok-basic');
  const basePyproject = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
  const baseLock = readFileSync(join(dir, 'uv.lock'), 'utf8');
  const issuesOf = (files: Record<string, string>) => checkLockSync(loadUvProjects(sourceFromTexts(files), LIMITS).projects[0]!);

  it('reads an unquoted TOML date-time exclude-newer as uv does', () => {
    const pyproject = basePyproject.replace('[build-system]', '[tool.uv]\nexclude-newer = 2025-01-01T00:00:00Z\n\n[build-system]');
    const lock = baseLock.replace('requires-python = ">=3.10"\n', 'requires-python = ">=3.10"\n\n[options]\nexclude-newer = "2025-01-01T00:00:00Z"\n');
    expect(issuesOf({ 'pyproject.toml': pyproject, 'uv.lock': lock })).toEqual([]);
    const later = lock.replace('exclude-newer = "2025-01-01T00:00:00Z"', 'exclude-newer = "2025-01-01T00:00:00.5Z"');
    expect(issuesOf({ 'pyproject.toml': pyproject, 'uv.lock': later }).map((i) => [i.kind, i.what])).toEqual([['mismatch', 'exclude-newer']]);
  });

  it('a member another member requires with editable = false is locked as a plain directory', () => {
    const member = '[project]\nname = "lib"\nversion = "1.0"\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n';
    const pyproject = basePyproject
      .replace('    "httpx>=0.27",', '    "httpx>=0.27",\n    "lib",')
      .replace('[build-system]', '[tool.uv.workspace]\nmembers = ["lib"]\n\n[tool.uv.sources]\nlib = { workspace = true, editable = false }\n\n[build-system]');
    const lockFor = (source: string, table: string) =>
      baseLock
        .replace('requires-python = ">=3.10"\n', 'requires-python = ">=3.10"\n\n[manifest]\nmembers = [\n    "demo",\n    "lib",\n]\n')
        .replace('    { name = "httpx", specifier = ">=0.27" },\n', `    { name = "httpx", specifier = ">=0.27" },\n    ${table},\n`)
        .replace('    { name = "httpx" },\n', '    { name = "httpx" },\n    { name = "lib" },\n') +
      `\n[[package]]\nname = "lib"\nversion = "1.0"\nsource = ${source}\n\n[package.metadata]\nrequires-dist = []\n`;
    const files = (lock: string) => ({ 'pyproject.toml': pyproject, 'lib/pyproject.toml': member, 'uv.lock': lock });
    expect(issuesOf(files(lockFor('{ directory = "lib" }', '{ name = "lib", directory = "lib" }')))).toEqual([]);
    const editable = issuesOf(files(lockFor('{ editable = "lib" }', '{ name = "lib", editable = "lib" }')));
    expect(editable.map((i) => [i.kind, i.member, i.what, i.file])).toEqual([
      ['mismatch', 'demo', 'requires-dist', 'pyproject.toml'],
      ['mismatch', 'lib', 'editable state', 'lib/pyproject.toml'],
    ]);
  });

  it('a member the lock locates elsewhere is a mismatch', () => {
    const moved = baseLock.replace('source = { editable = "." }', 'source = { editable = "old" }');
    expect(issuesOf({ 'pyproject.toml': basePyproject, 'uv.lock': moved }).map((i) => [i.kind, i.what, i.inPyproject, i.inLock])).toEqual([
      ['mismatch', 'member location', '.', 'old'],
    ]);
  });

  it('a member version that changed is a mismatch; a dynamic one is not compared', () => {
    const changed = issuesOf({ 'pyproject.toml': basePyproject.replace('version = "0.1.0"', 'version = "0.2.0"'), 'uv.lock': baseLock });
    expect(changed.map((i) => [i.kind, i.what, i.inPyproject, i.inLock, i.line])).toEqual([['mismatch', 'version', '0.2.0', '0.1.0', 3]]);
    const dynamicLock = baseLock.replace('name = "demo"\nversion = "0.1.0"\n', 'name = "demo"\n');
    expect(issuesOf({ 'pyproject.toml': basePyproject.replace('version = "0.1.0"', 'dynamic = ["version"]'), 'uv.lock': dynamicLock })).toEqual([]);
  });

  it('a removed extra shows in provides-extras and requires-dist, at the lock lines', () => {
    const pyproject = basePyproject.replace('[project.optional-dependencies]\ncli = ["rich>=13"]\n', '');
    expect(issuesOf({ 'pyproject.toml': pyproject, 'uv.lock': baseLock }).map((i) => [i.kind, i.what, i.file])).toEqual([
      ['mismatch', 'provides-extras', 'pyproject.toml'],
      ['mismatch', 'requires-dist', 'uv.lock'],
    ]);
  });

  it('an old lock (no revision) does not record empty groups or extras; neither is compared', () => {
    const oldLock = baseLock.replace('revision = 3\n', '').replace('provides-extras = ["cli"]\n', '');
    const pyproject = basePyproject.replace('dev = ["pytest>=8"]', 'dev = ["pytest>=8"]\nempty = []');
    expect(issuesOf({ 'pyproject.toml': pyproject, 'uv.lock': oldLock })).toEqual([]);
    // From revision 1 on, uv records the empty group, so its absence is drift.
    expect(issuesOf({ 'pyproject.toml': pyproject, 'uv.lock': baseLock }).map((i) => [i.kind, i.what])).toEqual([['mismatch', 'dependency group `empty`']]);
  });
});

describe('lock-out-of-sync: the pre-release mode across uv versions', () => {
  const dir = join(SYNC_FIXTURES, 'ok-basic');
  const basePyproject = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
  const baseLock = readFileSync(join(dir, 'uv.lock'), 'utf8');
  const withMode = (configured: string | undefined, locked: string | undefined) => {
    const pyproject = configured ? basePyproject.replace('[build-system]', `[tool.uv]\nprerelease = "${configured}"\n\n[build-system]`) : basePyproject;
    const lock = locked
      ? baseLock.replace('requires-python = ">=3.10"\n', `requires-python = ">=3.10"\n\n[options]\nprerelease-mode = "${locked}"\n`)
      : baseLock;
    return checkLockSync(loadUvProjects(sourceFromTexts({ 'pyproject.toml': pyproject, 'uv.lock': lock }), LIMITS).projects[0]!).map((i) => i.kind);
  };
  it.each([
    [undefined, undefined, []],
    ['allow', 'allow', []],
    ['allow', undefined, ['mismatch']],
    [undefined, 'allow', ['mismatch']],
    // The same under every uv version: the old name is an alias of the new default.
    ['if-necessary-or-explicit', undefined, []],
    // Equal only for uv 0.12 and later, or only before it.
    ['if-necessary', undefined, ['undecidable']],
    [undefined, 'if-necessary', ['undecidable']],
    ['if-necessary', 'if-necessary-or-explicit', ['undecidable']],
  ])('configured %s, locked %s', (configured, locked, expected) => {
    expect(withMode(configured, locked)).toEqual(expected);
  });
});
