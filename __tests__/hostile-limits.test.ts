/**
 * Limits end to end through the CLI: each hit is an `invalid-file` finding that names the limit and
 * gives the config lines that raise it; the rendered-findings cap shortens annotations and Markdown
 * only, with a notice, while JSON and SARIF keep every finding. Raising the limit in the config
 * makes the finding go away.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import type { Finding } from '../src/findings.js';
import { renderGithub } from '../src/report/github.js';
import type { Report } from '../src/report/types.js';
import { DEFAULT_LIMITS } from '../src/settings/types.js';
import { syntheticProject } from '../scripts/synthetic.js';
import { cliProblems, FORMATS, hostileRepo, NOW, runCli, type HostileRepo, type HostileTree } from './support/hostile-repo.js';
import { outputProblems } from './support/output-checks.js';

const repos: HostileRepo[] = [];
afterAll(() => repos.forEach((r) => r.cleanup()));

function run(tree: HostileTree, extra: string[] = [], format = 'json') {
  const repo = hostileRepo(tree);
  repos.push(repo);
  return { repo, ...runCli([repo.dir, '--offline', '--now', NOW, '--format', format, ...extra]) };
}

function findingsOf(stdout: string): Finding[] {
  return (JSON.parse(stdout) as Report).findings;
}

const project = syntheticProject({ packages: 12, wheels: 2 });
const UNPINNED = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n';

describe('limits.max-file-bytes', () => {
  const config = (bytes: number) => `limits:\n  max-file-bytes: ${bytes}\n`;

  it.each([
    ['a uv.lock', 'uv.lock'],
    ['a pyproject.toml', 'pyproject.toml'],
  ])('%s over the limit is an invalid-file error naming the limit, with the config lines that raise it', (_what, file) => {
    // The file under test is the larger of the two, so only it is over the limit.
    const texts: Record<string, string> =
      file === 'uv.lock'
        ? { 'pyproject.toml': project.pyproject, 'uv.lock': project.lock }
        : { 'pyproject.toml': `${project.pyproject}#${'x'.repeat(20_000)}\n`, 'uv.lock': project.lock };
    const size = Buffer.byteLength(texts[file]!);
    const { stdout, code } = run({ ...texts, '.github/lockgate.yml': config(size - 1) });
    const hit = findingsOf(stdout).filter((f) => f.rule === 'invalid-file' && f.file === file);
    expect(hit).toHaveLength(1);
    expect(hit[0]!.message).toContain('max-file-bytes');
    expect(hit[0]!.message).toContain(String(size));
    expect(hit[0]!.fix).toMatch(/^If this is legitimate, raise the limit in the lockgate config .*\nlimits:\n {2}max-file-bytes: \d+$/);
    expect(code).toBe(1);
    const fixed = run({ ...texts, '.github/lockgate.yml': config(Number(/max-file-bytes: (\d+)/.exec(hit[0]!.fix!)![1])) });
    expect(findingsOf(fixed.stdout).filter((f) => f.rule === 'invalid-file')).toEqual([]);
  });

  it('a workflow over the limit, at base and head (git objects) as in the working tree', () => {
    const tree = { '.github/workflows/ci.yml': UNPINNED, '.github/lockgate.yml': config(40) };
    const repo = hostileRepo({ 'README.md': 'x' }, tree);
    repos.push(repo);
    for (const revisions of [[], ['--base', repo.commits[0]!, '--head', repo.commits[1]!]]) {
      const out = runCli([repo.dir, ...revisions, '--offline', '--now', NOW, '--format', 'json']);
      const hit = findingsOf(out.stdout).filter((f) => f.rule === 'invalid-file' && f.file === '.github/workflows/ci.yml');
      expect(hit).toHaveLength(1);
      expect(hit[0]!.fix).toContain('limits:\n  max-file-bytes: 128');
    }
  });

  it('a workflow over the fixed 1 MiB cap says that no limit raises it', () => {
    const big = `${UNPINNED}${'      - run: echo hello\n'.repeat(50_000)}`;
    const { stdout } = run({ '.github/workflows/big.yml': big });
    const hit = findingsOf(stdout).filter((f) => f.file === '.github/workflows/big.yml');
    expect(hit.map((f) => [f.rule, f.severity])).toEqual([['invalid-file', 'error']]);
    expect(hit[0]!.fix).toMatch(/never parsed, whatever the limits say/);
  });
});

describe('limits.max-packages-per-lock', () => {
  it('a lock with more packages is an error (they go unchecked: fail closed) at the first package left out, naming the limit', () => {
    const { stdout } = run({ 'pyproject.toml': project.pyproject, 'uv.lock': project.lock, '.github/lockgate.yml': 'limits:\n  max-packages-per-lock: 5\n' });
    const hit = findingsOf(stdout).filter((f) => f.rule === 'invalid-file');
    expect(hit.map((f) => [f.file, f.severity])).toEqual([['uv.lock', 'error']]);
    expect(hit[0]!.message).toMatch(/has 13 packages, more than the limit of 5/);
    expect(project.lock.split('\n')[hit[0]!.line! - 1]).toBe('[[package]]');
    expect(hit[0]!.fix).toContain('limits:\n  max-packages-per-lock: 16');
  });
});

describe('limits.max-yaml-aliases', () => {
  const aliased =
    'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - &co {uses: actions/checkout@v4}\n      - *co\n      - *co\n      - *co\n';

  it('a workflow with more alias expansions than the limit names the limit; raising it lets the file be checked', () => {
    const limited = run({ '.github/workflows/a.yml': aliased, '.github/lockgate.yml': 'limits:\n  max-yaml-aliases: 2\n' });
    const hit = findingsOf(limited.stdout).filter((f) => f.file === '.github/workflows/a.yml');
    expect(hit.map((f) => [f.rule, f.line])).toEqual([['invalid-file', 7]]);
    expect(hit[0]!.fix).toContain('limits:\n  max-yaml-aliases: 4');
    const raised = run({ '.github/workflows/a.yml': aliased, '.github/lockgate.yml': 'limits:\n  max-yaml-aliases: 4\n' });
    expect(
      findingsOf(raised.stdout)
        .filter((f) => f.file === '.github/workflows/a.yml')
        .map((f) => f.rule),
    ).not.toContain('invalid-file');
  });
});

describe('limits.max-rendered-findings', () => {
  // 30 unpinned actions: 30 findings, 4 rendered.
  const workflow = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${Array.from({ length: 30 }, (_, i) => `      - uses: owner/action-${i}@v1\n`).join('')}`;
  const tree = { '.github/workflows/many.yml': workflow, '.github/lockgate.yml': 'limits:\n  max-rendered-findings: 4\n' };

  it('JSON and SARIF carry every finding; github and markdown render 4 and say how many more and how to raise it', () => {
    const json = run(tree);
    const findings = findingsOf(json.stdout);
    expect(findings.length).toBeGreaterThanOrEqual(30);
    const sarif = run(tree, [], 'sarif');
    expect((JSON.parse(sarif.stdout) as { runs: { results: unknown[] }[] }).runs[0]!.results).toHaveLength(findings.length);

    const github = run(tree, [], 'github');
    expect(github.stdout.split('\n').filter((l) => l.startsWith('::warning ') || l.startsWith('::error ') || l.startsWith('::notice file'))).toHaveLength(4);
    expect(github.stdout).toContain(
      `::notice title=lockgate limits::${findings.length - 4} more findings are not annotated: limits.max-rendered-findings is 4.`,
    );
    expect(cliProblems('github', github, findings)).toEqual([]);

    const markdown = run(tree, [], 'markdown');
    expect(markdown.stdout).toContain(
      `**${findings.length - 4} findings not shown here** (limits.max-rendered-findings is 4; set \`limits: max-rendered-findings\` in the lockgate config to list more).`,
    );
    expect(cliProblems('markdown', markdown, findings)).toEqual([]);
    for (const format of FORMATS) expect(cliProblems(format, run(tree, [], format), findings)).toEqual([]);
  });

  it('renderGithub without a cap renders everything, with the default cap renders up to it', () => {
    const report = JSON.parse(run(tree).stdout) as Report;
    expect(outputProblems('github', renderGithub(report), report.findings)).toEqual([]);
    expect(
      renderGithub(report)
        .split('\n')
        .filter((l) => l.startsWith('::')),
    ).toHaveLength(report.findings.length);
    expect(renderGithub(report, { maxFindings: DEFAULT_LIMITS.maxRenderedFindings })).toBe(renderGithub(report));
    expect(renderGithub(report, { maxFindings: 1 })).toContain(`::notice title=lockgate limits::${report.findings.length - 1} more findings are not annotated`);
  });
});
