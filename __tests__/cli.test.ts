/**
 * The CLI as users run it: `node dist/cli.js` in a child process (the bundle CI rebuilds and
 * compares), against real git repositories.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeRepo, type TestRepo } from './support/git-repo.js';

const CLI = resolve(process.env.LOCKGATE_CLI ?? 'dist/cli.js');
const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.cleanup()));

function cli(args: string[], cwd = process.cwd()) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, GITHUB_TOKEN: '', NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const LOCK = (extra = '') => `version = 1
revision = 3
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "idna" },
]

[package.metadata]
requires-dist = [{ name = "idna", specifier = ">=3" }]

[[package]]
name = "idna"
version = "3.10"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/f1/70/idna-3.10.tar.gz", hash = "sha256:12f65c9b470abda6dc35cf8e63cc574b1c52b11df2c86030af0ac09b01b13ea9", size = 190490, upload-time = "2024-09-15T18:07:39.745Z" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/76/c6/idna-3.10-py3-none-any.whl", hash = "sha256:946d195a0d259cbba61165e88e65941f16e9b36ea6ddb97f00452bae8b1287d3", size = 70442, upload-time = "2024-09-15T18:07:37.964Z" },
]
${extra}`;
const PYPROJECT =
  '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.12"\ndependencies = ["idna>=3"]\n\n[tool.uv]\nexclude-newer = "7 days"\nadd-bounds = "exact"\n';

/** Checks a parsed report against the design doc's JSON schema, field by field. */
function expectReportShape(report: Record<string, unknown>): void {
  expect(Object.keys(report).sort()).toEqual(
    ['base', 'counts', 'filtered', 'findings', 'head', 'now', 'preexisting', 'projects', 'tool', 'version', 'waived'].sort(),
  );
  // What the confidence and persona filters left out (docs/confidence.md): counted, with the settings used.
  expect(report.filtered).toMatchObject({ minConfidence: 'low', persona: 'regular', total: expect.any(Number) });
  // Empty unless --only-new set aside findings base already had (README: changes to the contracts).
  expect(Array.isArray(report.preexisting)).toBe(true);
  expect(report.tool).toBe('lockgate');
  expect(report.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(report.base === null || typeof report.base === 'string').toBe(true);
  expect(typeof report.head).toBe('string');
  expect(new Date(report.now as string).toISOString()).toBe(report.now);
  for (const project of report.projects as Record<string, unknown>[]) {
    expect(typeof project.path).toBe('string');
    expect(typeof project.lock).toBe('string');
    for (const change of project.changes as Record<string, unknown>[]) {
      expect(typeof change.name).toBe('string');
      expect(['added', 'removed', 'upgraded', 'downgraded', 'source-changed', 'hash-changed']).toContain(change.kind);
      for (const key of ['from', 'to']) if (key in change) expect(typeof change[key]).toBe('string');
    }
  }
  const allowed = new Set([
    'rule',
    'severity',
    'file',
    'line',
    'endLine',
    'column',
    'message',
    'fix',
    'package',
    'confidence',
    'persona',
    'introduced',
    'fingerprint',
  ]);
  for (const finding of report.findings as Record<string, unknown>[]) {
    for (const key of Object.keys(finding)) expect(allowed.has(key)).toBe(true);
    expect(['high', 'medium', 'low']).toContain(finding.confidence);
    expect(['regular', 'pedantic', 'auditor']).toContain(finding.persona);
    expect(typeof finding.rule).toBe('string');
    expect(['error', 'warning', 'notice']).toContain(finding.severity);
    expect(typeof finding.file).toBe('string');
    expect(finding.file).not.toMatch(/^\/|\\/);
    if ('line' in finding) expect(Number.isInteger(finding.line) && (finding.line as number) >= 1).toBe(true);
    expect(typeof finding.message).toBe('string');
    expect(typeof finding.introduced).toBe('boolean');
    expect(finding.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  }
  const counts = report.counts as Record<string, number>;
  expect(Object.keys(counts).sort()).toEqual(['error', 'notice', 'warning']);
  for (const severity of ['error', 'warning', 'notice']) {
    expect(counts[severity]).toBe((report.findings as { severity: string }[]).filter((f) => f.severity === severity).length);
  }
}

describe('lockgate CLI', () => {
  it('prints a JSON report of the design doc schema for a lock change', () => {
    const repo = makeRepo({ 'pyproject.toml': PYPROJECT, 'uv.lock': LOCK() }, { 'uv.lock': LOCK().replace(/3\.10/g, '3.11') });
    repos.push(repo);
    const run = cli([repo.dir, '--base', repo.base, '--head', repo.head, '--format', 'json', '--offline', '--now', '2026-11-26T12:00:00Z']);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    expectReportShape(report);
    expect(report.base).toBe(repo.base);
    expect(report.head).toBe(repo.head);
    expect(report.projects).toEqual([
      { path: '', lock: 'uv.lock', changes: [expect.objectContaining({ name: 'idna', kind: 'upgraded', from: '3.10', to: '3.11' })] },
    ]);
    expect(run.code).toBe(report.counts.error > 0 ? 1 : 0);
  });

  it('gives an empty projects list for a repo with no uv project', () => {
    const repo = makeRepo({ 'README.md': 'hi\n' }, { 'src/a.py': 'print(1)\n' });
    repos.push(repo);
    const run = cli([repo.dir, '--base', repo.base, '--format', 'json', '--offline']);
    const report = JSON.parse(run.stdout);
    expectReportShape(report);
    expect(report.projects).toEqual([]);
    expect(report.findings).toEqual([]);
    expect(run.code).toBe(0);
  });

  it.each([
    [['--format', 'yaml'], /^lockgate: --format must be one of text, json, sarif, markdown, github, not "yaml"\n$/],
    [['--nope'], /^lockgate: Unknown option '--nope'.*\n$/],
    [['--base', 'no-such-rev'], /^lockgate: unknown revision "no-such-rev" in .*\n$/],
    [['--now', 'noon'], /^lockgate: --now must be an RFC 3339 time/],
  ])('exits 2 with one line on stderr for %j', (args, message) => {
    const repo = makeRepo({ 'README.md': 'x' }, {});
    repos.push(repo);
    const run = cli([repo.dir, ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });

  it('exits 2 when DIR is not a git repository and a revision is asked', () => {
    const plain = mkdtempSync(join(tmpdir(), 'lockgate-plain-'));
    try {
      const run = cli([plain, '--base', 'HEAD']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^lockgate: .* is not a git repository, so --base\/--head cannot be read\n$/);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('follows --fail-on for the exit code and writes --output', () => {
    const repo = makeRepo({ 'pyproject.toml': PYPROJECT, 'uv.lock': LOCK() }, { 'uv.lock': LOCK().replace(/3\.10/g, '3.9') });
    repos.push(repo);
    const out = join(repo.dir, 'report.sarif');
    const base = [repo.dir, '--base', repo.base, '--offline', '--now', '2026-11-26T12:00:00Z'];
    const notice = cli([...base, '--format', 'json']);
    const report = JSON.parse(notice.stdout);
    expect(report.findings.map((f: { rule: string }) => f.rule)).toContain('downgrade');
    expect(cli([...base, '--fail-on', 'notice']).code).toBe(1);
    expect(cli([...base, '--fail-on', 'never']).code).toBe(0);
    expect(cli([...base, '--format', 'sarif', '--output', out]).stdout).toBe('');
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.length).toBe(report.findings.length);
  });

  it('does not read the paths the config excludes, and the config comes from base', () => {
    const unpinned = 'name: x\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-python@v5\n';
    const repo = makeRepo(
      { '.github/lockgate.yml': 'exclude:\n  - fixtures/**\n' },
      { 'fixtures/a/action.yml': unpinned, 'tools/action.yml': unpinned, '.github/lockgate.yml': 'exclude:\n  - fixtures/**\n  - tools/**\n' },
    );
    repos.push(repo);
    const report = JSON.parse(cli([repo.dir, '--base', repo.base, '--head', repo.head, '--format', 'json', '--offline']).stdout);
    expect(report.findings.map((f: { rule: string; file: string }) => [f.rule, f.file])).toEqual([['unpinned-uses', 'tools/action.yml']]);
  });

  it('without --head reads the working tree as a user sees it: untracked files count, .gitignore applies', () => {
    const repo = makeRepo({ 'pyproject.toml': PYPROJECT }, {});
    repos.push(repo);
    // Neither is added to git: a lock just written by `uv lock` and a workflow just created.
    writeFileSync(join(repo.dir, 'uv.lock'), LOCK());
    mkdirSync(join(repo.dir, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      join(repo.dir, '.github', 'workflows', 'ci.yml'),
      'on: push\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n',
    );
    const args = [repo.dir, '--offline', '--now', '2026-11-26T12:00:00Z', '--fail-on', 'never'];
    const report = JSON.parse(cli([...args, '--format', 'json']).stdout);
    expect(report.head).toBe('WORKTREE');
    const rules = report.findings.map((f: { rule: string; file: string }) => `${f.rule} ${f.file}`);
    expect(rules).toContain('unpinned-uses .github/workflows/ci.yml');
    expect(rules.filter((r: string) => r.startsWith('lock-missing'))).toEqual([]);
    expect(report.projects).toEqual([{ path: '', lock: 'uv.lock', changes: [] }]);
    const text = cli(args);
    expect(text.stderr).toContain('lockgate: head: the working tree (tracked and untracked files, .gitignore applied).\n');
    expect(text.stderr).not.toContain('ignored by .gitignore');

    // A lock .gitignore hides is in no commit, so no clone has it and the directory is not a uv
    // project there (uv would resolve afresh): no uv findings, and a note saying why the lock was not read.
    writeFileSync(join(repo.dir, '.gitignore'), 'uv.lock\n');
    const ignored = JSON.parse(cli([...args, '--format', 'json']).stdout);
    expect(ignored.projects).toEqual([]);
    expect(ignored.findings.map((f: { rule: string }) => f.rule)).not.toContain('lock-missing');
    expect(cli(args).stderr).toContain('lockgate: uv.lock is on disk but ignored by .gitignore, so lockgate did not read it: no commit would carry it.\n');

    // A tracked file deleted on disk is gone from the working tree.
    rmSync(join(repo.dir, '.gitignore'));
    rmSync(join(repo.dir, 'pyproject.toml'));
    expect(JSON.parse(cli([...args, '--format', 'json']).stdout).projects).toEqual([]);
  });

  it('prints help and version', () => {
    // zizmor's (clap's) layout: the about line, a blank line, then the usage (__tests__/cli-help.test.ts has the rest).
    expect(cli(['--help']).stdout).toMatch(/^A supply-chain gate [^\n]+\n\nUsage: lockgate \[DIR\]/);
    expect(cli(['--version']).stdout).toMatch(/^lockgate \d+\.\d+\.\d+\n$/);
  });
});
