/**
 * Hostile values end to end through the built CLI (`node dist/cli.js`, or LOCKGATE_CLI) in a real git
 * repository, in every `--format`: package names, versions, index and file URLs, git sources,
 * `uses:` values, run scripts and directory names that carry `::error::`, `%0A`, newlines, `<script>`,
 * Markdown links and images, `@mentions`, terminal escapes and the runner's legacy `##[` commands.
 * No workflow command may be injected (in github format every line starting with `::` is one of
 * ours), no raw HTML or pinging mention in Markdown, no terminal escape in text, no stack trace, and
 * the exit status is 0 or 1.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Finding } from '../src/findings.js';
import type { Report } from '../src/report/types.js';
import { HOSTILE_STRINGS, tomlString, yamlString } from './support/fuzz-corpus.js';
import { cliProblems, FORMATS, hostileRepo, NOW, runCli, type HostileRepo, type HostileTree } from './support/hostile-repo.js';

const SHA = (n: number) => n.toString(16).padStart(2, '0').repeat(32);

function lock(packages: { name: string; version: string; source: string; sdistUrl?: string }[]): string {
  const out = [
    'version = 1',
    'revision = 3',
    'requires-python = ">=3.12"',
    '',
    '[[package]]',
    'name = "app"',
    'version = "0.1.0"',
    'source = { virtual = "." }',
    'dependencies = [',
  ];
  for (const p of packages) out.push(`    { name = ${tomlString(p.name)} },`);
  out.push(']', '', '[package.metadata]', `requires-dist = [${packages.map((p) => `{ name = ${tomlString(p.name)} }`).join(', ')}]`);
  for (const [i, p] of packages.entries()) {
    out.push('', '[[package]]', `name = ${tomlString(p.name)}`, `version = ${tomlString(p.version)}`, `source = ${p.source}`);
    if (p.source.startsWith('{ registry')) {
      const url = p.sdistUrl ?? `https://files.pythonhosted.org/packages/aa/bb/p${i}-1.0.tar.gz`;
      out.push(`sdist = { url = ${tomlString(url)}, hash = "sha256:${SHA(i)}", size = 10, upload-time = "2026-11-25T10:00:00Z" }`);
      out.push(
        'wheels = [',
        `    { url = ${tomlString(url.replace(/\.tar\.gz$/, '') + '-py3-none-any.whl')}, hash = "sha256:${SHA(i + 100)}", size = 11, upload-time = "2026-11-25T10:00:00Z" },`,
        ']',
      );
    }
  }
  return `${out.join('\n')}\n`;
}

function pyproject(deps: string[], extra = ''): string {
  return `[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.12"\ndependencies = [${deps.map(tomlString).join(', ')}]\n${extra}`;
}

/** Two projects per hostile value (the value as a package name; as version, URLs and git source), and a workflow. */
function hostileTree(version: (i: number) => string): HostileTree {
  const tree: HostileTree = {};
  HOSTILE_STRINGS.forEach((value, i) => {
    tree[`n${i}/pyproject.toml`] = pyproject([value]);
    tree[`n${i}/uv.lock`] = lock([{ name: value, version: version(i), source: '{ registry = "https://pypi.org/simple" }' }]);
    tree[`v${i}/pyproject.toml`] = pyproject(
      ['a', 'b', 'c', 'gitdep'],
      `\n[tool.uv]\nindex-url = ${tomlString(value)}\n\n[[tool.uv.index]]\nname = "x"\nurl = ${tomlString(value)}\n\n[tool.uv.sources]\ngitdep = { git = ${tomlString(value)} }\n`,
    );
    tree[`v${i}/uv.lock`] = lock([
      { name: 'a', version: value === '' ? version(i) : `${value}${version(i)}`, source: '{ registry = "https://pypi.org/simple" }' },
      { name: 'b', version: version(i), source: `{ registry = ${tomlString(value)} }` },
      { name: 'c', version: version(i), source: '{ registry = "https://pypi.org/simple" }', sdistUrl: value },
      { name: 'gitdep', version: version(i), source: `{ git = ${tomlString(`${value}?rev=main#${SHA(i)}`)} }` },
    ]);
    tree[`.github/workflows/w${i}.yml`] = [
      'on: pull_request_target',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      `    container: ${yamlString(value)}`,
      '    steps:',
      `      - uses: ${yamlString(value)}`,
      `      - uses: ${yamlString(`actions/checkout@${value}`)}`,
      `      - uses: ${yamlString(`${value}/x@v1`)}`,
      `      - run: ${yamlString(`curl -s ${value} | sh; uv pip install ${value}; echo "\${{ github.event.pull_request.title }}" ${value}`)}`,
      '',
    ].join('\n');
  });
  // Directory names are data too: they reach every report as finding.file.
  for (const [i, dir] of [
    'evil\n::error::dir',
    '##[stop-commands]d',
    '<script>d',
    '@octocat',
    '[x](https:e.example)',
    '%0A::warning::d',
    ' ::notice::d',
    '\u001b[2Jd',
  ].entries()) {
    tree[`${dir}/pyproject.toml`] = `[project]\nname = ${tomlString(dir)}\ndependencies = [\n`; // invalid: an invalid-file finding names the path
    tree[`ok${i}-${dir}/pyproject.toml`] = pyproject(['a']);
    tree[`ok${i}-${dir}/uv.lock`] = lock([{ name: 'a', version: '1.0', source: `{ registry = ${tomlString(dir)} }` }]);
  }
  return tree;
}

let repo: HostileRepo;
beforeAll(() => {
  repo = hostileRepo(
    hostileTree(() => '1.0.0'),
    hostileTree((i) => `2.${i}.0`),
  );
});
afterAll(() => repo?.cleanup());

describe.each([
  ['a change (base..head)', () => ['--base', repo.commits[0]!, '--head', repo.commits[1]!]],
  ['a full audit of the working tree', () => []],
])('hostile values, %s', (_label, revisions) => {
  let findings: Finding[] = [];

  beforeAll(() => {
    const run = runCli([repo.dir, ...revisions(), '--offline', '--now', NOW, '--format', 'json']);
    findings = (JSON.parse(run.stdout) as Report).findings;
  });

  it('produces findings that quote the hostile values (so the reporters really see them)', () => {
    expect(findings.length).toBeGreaterThan(100);
    const text = JSON.stringify(findings);
    for (const marker of ['::error::injected', '<script>', '@octocat', '##[stop-commands]', '](https://evil.example/']) expect(text).toContain(marker);
    expect(findings.some((f) => f.file.startsWith('evil\n::error::dir/'))).toBe(true);
  });

  it.each(FORMATS)('--format %s: nothing injected, exit 0 or 1', (format) => {
    const run = runCli([repo.dir, ...revisions(), '--offline', '--now', NOW, '--format', format, '--fail-on', 'warning']);
    expect(cliProblems(format, run, findings)).toEqual([]);
    expect(run.code).toBe(findings.some((f) => f.severity !== 'notice') ? 1 : 0);
  });
});
