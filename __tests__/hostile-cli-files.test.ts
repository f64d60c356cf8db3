/**
 * Hostile files end to end through the built CLI in real git repositories, read from git objects
 * (--base/--head) and from the working tree, in every `--format`: alias bombs, deep nesting, invalid
 * UTF-8, NUL bytes, a BOM, CRLF line endings, symlinks out of the repository (never followed), a
 * 50 MB lock and a 65 MB file under a raised limit (both generated here, never committed). Each
 * unreadable file is an `invalid-file` finding with a line; readable ones are checked at the right
 * lines; exit is 0 or 1; no stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../src/findings.js';
import type { Report } from '../src/report/types.js';
import { syntheticProject, syntheticProjectOfSize } from '../scripts/synthetic.js';
import { cliProblems, FORMATS, hostileRepo, NOW, runCli, type HostileRepo, type HostileTree } from './support/hostile-repo.js';

const repos: HostileRepo[] = [];
let outside: string;
afterAll(() => {
  repos.forEach((r) => r.cleanup());
  if (outside) rmSync(outside, { recursive: true, force: true });
});

const SECRET = 'outside-secret-marker';
const project = syntheticProject({ packages: 3, wheels: 1 });
const WORKFLOW = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: uv sync\n';
const GIT_SOURCE_PYPROJECT =
  '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["dep"]\n\n[tool.uv.sources]\ndep = { git = "https://github.com/a/dep" }\n';
/** A uv.lock makes the directory a uv project (as uv sees it); its content is beside the point here. */
const BARE_LOCK = 'version = 1\nrevision = 3\nrequires-python = ">=3.12"\n';

function billionLaughs(): string {
  const levels = 'abcdefghij'.split('');
  const lines = [`${levels[0]}: &${levels[0]} ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`];
  for (let i = 1; i < levels.length; i++)
    lines.push(
      `${levels[i]}: &${levels[i]} [${Array(9)
        .fill(`*${levels[i - 1]}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: *${levels.at(-1)}\n`;
}

/** Every hostile file, keyed by what it is; the expectations below refer to these paths. */
function hostileFiles(): HostileTree {
  return {
    '.github/workflows/bomb.yml': billionLaughs(),
    '.github/workflows/cycle.yml': 'on: push\njobs: &j\n  a: *j\n',
    '.github/workflows/deep-flow.yml': `on: push\njobs: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`,
    '.github/workflows/deep-block.yml': `on: push\njobs:\n${Array.from({ length: 400 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} x\n`,
    'deep-toml/pyproject.toml': `[project]\nname = "x"\nx = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
    'deep-inline/pyproject.toml': `[project]\nname = "x"\nx = ${'{a='.repeat(50_000)}1${'}'.repeat(50_000)}\n`,
    // Locks beside them make them uv projects, which uv cannot read: an error (a pyproject.toml that no
    // uv project reads is a notice, __tests__/rules-invalid-file.test.ts).
    'deep-toml/uv.lock': 'version = 1\nrevision = 3\n',
    'deep-inline/uv.lock': 'version = 1\nrevision = 3\n',
    'utf8/pyproject.toml': Buffer.concat([Buffer.from('[project]\nname = "'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"\n')]),
    '.github/workflows/latin1.yml': Buffer.from('on: push\n# caf\xe9\n', 'latin1'),
    'nul/uv.lock': Buffer.from('version = 1\n\0\n'),
    'nul/pyproject.toml': project.pyproject,
    'bom/pyproject.toml': `\ufeff${GIT_SOURCE_PYPROJECT}`,
    'bom/uv.lock': BARE_LOCK,
    'bom-lock/pyproject.toml': project.pyproject,
    'bom-lock/uv.lock': `\ufeff${project.lock}`,
    'plain-lock/pyproject.toml': project.pyproject,
    'plain-lock/uv.lock': project.lock,
    '.github/workflows/bom.yml': `\ufeff${WORKFLOW}`,
    'lf/pyproject.toml': GIT_SOURCE_PYPROJECT,
    'lf/uv.lock': BARE_LOCK,
    'crlf/pyproject.toml': GIT_SOURCE_PYPROJECT.replace(/\n/g, '\r\n'),
    'crlf/uv.lock': BARE_LOCK.replace(/\n/g, '\r\n'),
    '.github/workflows/lf.yml': WORKFLOW,
    '.github/workflows/crlf.yml': WORKFLOW.replace(/\n/g, '\r\n'),
    'link-abs/pyproject.toml': { symlink: join(outside, 'pyproject.toml') },
    'link-abs/uv.lock': { symlink: join(outside, 'uv.lock') },
    'link-rel/pyproject.toml': { symlink: '../../../../../../../../../../..' + join(outside, 'pyproject.toml') },
    '.github/workflows/link.yml': { symlink: join(outside, 'wf.yml') },
    'link-in/pyproject.toml': { symlink: '../lf/pyproject.toml' },
    'link-in/uv.lock': BARE_LOCK,
  };
}

const UNREADABLE = [
  ['deep-toml/pyproject.toml', 3],
  ['deep-inline/pyproject.toml', 3],
  ['utf8/pyproject.toml', 1],
  ['.github/workflows/latin1.yml', 1],
  ['nul/uv.lock', 1],
  ['link-abs/pyproject.toml', 1],
  ['link-rel/pyproject.toml', 1],
  ['.github/workflows/link.yml', 1],
  ['.github/workflows/bomb.yml', 2],
  ['.github/workflows/cycle.yml', 3],
  ['.github/workflows/deep-flow.yml', 2],
  ['.github/workflows/deep-block.yml', 102],
] as const;

let repo: HostileRepo;
beforeAll(() => {
  outside = mkdtempSync(join(tmpdir(), 'lockgate-outside-'));
  writeFileSync(join(outside, 'pyproject.toml'), `[project]\nname = "${SECRET}"\ndependencies = ["${SECRET}"]\n\n[tool.uv]\n`);
  writeFileSync(
    join(outside, 'uv.lock'),
    `version = 1\n[[package]]\nname = "${SECRET}"\nversion = "1"\nsource = { registry = "https://${SECRET}.example/simple" }\n`,
  );
  writeFileSync(join(outside, 'wf.yml'), `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ${SECRET}/x@main\n`);
  repo = hostileRepo({ 'README.md': 'base\n' }, hostileFiles());
  repos.push(repo);
});

describe.each([
  ['git objects (--base/--head)', () => ['--base', repo.commits[0]!, '--head', repo.commits[1]!]],
  ['the working tree', () => []],
])('hostile files read from %s', (_label, revisions) => {
  let findings: Finding[] = [];
  beforeAll(() => {
    const run = runCli([repo.dir, ...revisions(), '--offline', '--now', NOW, '--format', 'json']);
    expect(run.stderr).toBe('');
    findings = (JSON.parse(run.stdout) as Report).findings;
  });

  it('every unreadable or refused file is one invalid-file error at the line at fault', () => {
    const invalid = findings.filter((f) => f.rule === 'invalid-file').map((f) => [f.file, f.line]);
    expect(invalid.sort()).toEqual(UNREADABLE.map(([file, line]) => [file, line]).sort());
    for (const f of findings.filter((f) => f.rule === 'invalid-file')) expect(f.severity).toBe('error');
  });

  it('never follows a symlink out of the repository, and says so', () => {
    expect(JSON.stringify(findings)).not.toContain(SECRET);
    for (const file of ['link-abs/pyproject.toml', 'link-rel/pyproject.toml', '.github/workflows/link.yml']) {
      expect(findings.find((f) => f.file === file)!.message).toMatch(/symlink.*(does not follow|not follow)/);
    }
  });

  it('follows a symlink inside the repository', () => {
    expect(findings.filter((f) => f.file === 'link-in/pyproject.toml').map((f) => f.rule)).toContain('unpinned-git-source');
  });

  it('reads files with a BOM, at the same lines as without', () => {
    // The one run-wide "advisory check did not run" notice (offline) sits on the first lock read,
    // whichever of the two that is: it says nothing about lines, so it is left out of the comparison.
    const runWide = (f: { rule: string; line?: number }) => f.rule === 'malicious-package' && f.line === undefined;
    const at = (file: string) =>
      findings
        .filter((f) => f.file === file && !runWide(f))
        .map((f) => `${f.rule}:${f.line}`)
        .sort();
    expect(at('bom/pyproject.toml')).toEqual(at('lf/pyproject.toml'));
    expect(at('bom-lock/uv.lock')).toEqual(at('plain-lock/uv.lock'));
    expect(at('bom-lock/pyproject.toml')).toEqual(at('plain-lock/pyproject.toml'));
    expect(at('.github/workflows/bom.yml')).toEqual(at('.github/workflows/lf.yml'));
    expect(at('.github/workflows/bom.yml').length).toBeGreaterThan(0);
    expect(findings.filter((f) => f.file.startsWith('bom') && f.rule === 'invalid-file')).toEqual([]);
  });

  it('reports CRLF files at the same lines as LF files', () => {
    // The one run-wide "advisory check did not run" notice (offline) sits on the first lock read,
    // whichever of the two that is: it says nothing about lines, so it is left out of the comparison.
    const runWide = (f: { rule: string; line?: number }) => f.rule === 'malicious-package' && f.line === undefined;
    const at = (file: string) =>
      findings
        .filter((f) => f.file === file && !runWide(f))
        .map((f) => `${f.rule}:${f.line}`)
        .sort();
    expect(at('lf/pyproject.toml')).toContain('unpinned-git-source:7');
    expect(at('crlf/pyproject.toml')).toEqual(at('lf/pyproject.toml'));
    expect(at('.github/workflows/lf.yml')).toContain('unpinned-uses:6');
    expect(at('.github/workflows/crlf.yml')).toEqual(at('.github/workflows/lf.yml'));
  });

  it.each(FORMATS)('--format %s: exit 0 or 1, nothing injected, no stack trace', (format) => {
    const run = runCli([repo.dir, ...revisions(), '--offline', '--now', NOW, '--format', format]);
    expect(cliProblems(format, run, findings)).toEqual([]);
    expect(run.code).toBe(1);
  });
});

describe('sizes nobody commits', () => {
  it('a 50 MB lock: checked whole, every package counted, exit 0 or 1 (json and github)', () => {
    const big = syntheticProjectOfSize(50 * 1024 * 1024, { wheels: 8 });
    expect(big.lock.length).toBeGreaterThan(50 * 1024 * 1024);
    const bigRepo = hostileRepo({ 'README.md': 'x' }, { 'pyproject.toml': big.pyproject, 'uv.lock': big.lock });
    repos.push(bigRepo);
    const json = runCli([bigRepo.dir, '--base', bigRepo.commits[0]!, '--head', bigRepo.commits[1]!, '--offline', '--now', NOW, '--format', 'json']);
    expect(json.stderr).toBe('');
    const report = JSON.parse(json.stdout) as Report;
    expect(report.projects[0]!.changes.filter((c) => c.kind === 'added')).toHaveLength(big.packages);
    expect(report.findings.filter((f) => f.rule === 'invalid-file')).toEqual([]);
    expect([0, 1]).toContain(json.code);
    const github = runCli([bigRepo.dir, '--base', bigRepo.commits[0]!, '--offline', '--now', NOW, '--format', 'github']);
    expect(cliProblems('github', github, report.findings)).toEqual([]);
  }, 300_000);

  it('a 65 MB file: over the default limit it is an invalid-file error; a config that raises the limit gets it read', () => {
    const huge = `${project.pyproject}${`# ${'x'.repeat(1022)}\n`.repeat(65 * 1024)}`;
    const hugeRepo = hostileRepo({ 'pyproject.toml': huge, 'uv.lock': project.lock }, { '.github/lockgate.yml': 'limits:\n  max-file-bytes: 134217728\n' });
    repos.push(hugeRepo);
    const atDefault = runCli([hugeRepo.dir, '--head', hugeRepo.commits[0]!, '--offline', '--now', NOW, '--format', 'json']);
    const refused = (JSON.parse(atDefault.stdout) as Report).findings.filter((f) => f.rule === 'invalid-file');
    expect(refused.map((f) => [f.file, f.line, f.severity])).toEqual([['pyproject.toml', 1, 'error']]);
    expect(refused[0]!.fix).toContain('max-file-bytes: 134217728');
    for (const revisions of [['--head', hugeRepo.commits[1]!], []]) {
      const raised = runCli([hugeRepo.dir, ...revisions, '--offline', '--now', NOW, '--format', 'json']);
      expect((JSON.parse(raised.stdout) as Report).findings.filter((f) => f.rule === 'invalid-file')).toEqual([]);
    }
  }, 300_000);
});
