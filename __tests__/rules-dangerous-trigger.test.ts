import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/dangerous-trigger.js';
import { corpusRepos, riskContext, rowsOf, workflowsFromFixtures, workflowsFromTexts, type Row } from './support/workflow-risks.js';

const W = (name: string): string => `.github/workflows/${name}.yml`;

describe('dangerous-trigger on fixtures', () => {
  const names = [
    'scalar',
    'list',
    'head-checkout',
    'gh-checkout',
    'labeler',
    'quiet',
    'write-no-checkout',
    'default-token',
    'secrets-read-only',
    'read-only',
    'jobs-override',
    'expression',
  ];
  const findings = rule.check(riskContext(workflowsFromFixtures(Object.fromEntries(names.map((name) => [W(name), `dangerous-trigger/${name}.yml`])))));
  const at =
    (severity: Row['severity']) =>
    (name: string, line: number, column: number): Row => ({ file: W(name), line, column, severity });
  const [error, warning, notice] = [at('error'), at('warning'), at('notice')];

  it.each<[string, Row[]]>([
    // permissions: {}, no secret, no checkout of the head: little is exposed.
    ['scalar', [notice('scalar', 2, 5)]],
    ['list', [notice('list', 2, 12)]],
    // The head's code in the job: the worst case, whatever the token.
    ['head-checkout', [error('head-checkout', 3, 3), error('head-checkout', 5, 3)]],
    ['gh-checkout', [error('gh-checkout', 3, 3)]],
    ['labeler', []],
    ['quiet', []],
    // A job's own write scope, under a workflow-level permissions: {}.
    ['write-no-checkout', [error('write-no-checkout', 3, 3)]],
    // One job without any permissions: block (nor the workflow): the default may write.
    ['default-token', [error('default-token', 3, 3)]],
    // Read-only token, but a secret the pull request's text could leak.
    ['secrets-read-only', [warning('secrets-read-only', 3, 3)]],
    ['read-only', [notice('read-only', 3, 3)]],
    // write-all at the top, replaced by every job's own block: nothing can write.
    ['jobs-override', [notice('jobs-override', 2, 5)]],
    // Permissions lockgate cannot read may write.
    ['expression', [error('expression', 2, 5)]],
  ])('%s.yml', (name, expected) => {
    expect(rowsOf(findings.filter((f) => f.file === W(name)))).toEqual(expected);
  });

  it.each<[string, string]>([
    [
      'scalar',
      "in the base repository's context, with a GITHUB_TOKEN with no permissions (permissions: {}) and no secrets. No job checks out the pull request's code",
    ],
    [
      'write-no-checkout',
      "with a GITHUB_TOKEN that can write (job label: pull-requests: write) and no secrets. Anything it does with the pull request's text or code runs with that token.",
    ],
    [
      'default-token',
      "with a GITHUB_TOKEN that may write (job greet has no permissions: block and neither has the workflow, so the repository's default applies, which can be read-write on every scope) and no secrets.",
    ],
    [
      'secrets-read-only',
      "with a GITHUB_TOKEN that can only read and the secret it reads (CLOUDFLARE_API_TOKEN). No job checks out the pull request's code and the token cannot write, so what is exposed is the secrets",
    ],
    [
      'read-only',
      "workflow_run runs this workflow in the base repository's context after another workflow finishes, and a fork's pull request can start that workflow, with a GITHUB_TOKEN that can only read and no secrets.",
    ],
    ['expression', 'with a GITHUB_TOKEN that may write (job a: permissions lockgate cannot read, not a list of scopes) and no secrets.'],
    ['head-checkout', 'with a GITHUB_TOKEN that can only read and no secrets. Worst case: line 16'],
  ])('%s.yml says what its token and secrets are', (name, text) => {
    expect(findings.find((f) => f.file === W(name))!.message).toContain(text);
  });

  it('never speaks of a token that can write when no job has one', () => {
    for (const name of ['scalar', 'list', 'secrets-read-only', 'read-only', 'jobs-override', 'head-checkout', 'gh-checkout']) {
      for (const f of findings.filter((x) => x.file === W(name))) expect(f.message).not.toMatch(/can write|may write/);
    }
  });

  it('warns that code run without a token or secrets can still poison the base branch caches', () => {
    const gh = findings.find((f) => f.file === W('gh-checkout'))!;
    expect(gh.message).toContain("and can still poison the caches the base branch's workflows restore.");
  });

  it.each<[string, number, string]>([
    ['head-checkout', 3, "Worst case: line 16 (ref: ${{ github.event.pull_request.head.sha }}) brings the pull request's code into the job"],
    ['head-checkout', 5, 'Worst case: line 27 (git fetch origin "${{ github.event.workflow_run.head_sha }}") brings the triggering run\'s code into the job'],
    ['gh-checkout', 3, 'Worst case: line 11 (gh pr checkout "$PR_NUMBER") brings the triggering run\'s code into the job'],
  ])('%s line %i names the head checkout', (name, line, text) => {
    expect(findings.find((f) => f.file === W(name) && f.line === line)?.message).toContain(text);
  });

  it.each<[string, number, number]>([
    ['head-checkout', 3, 16],
    ['head-checkout', 5, 27],
    ['gh-checkout', 3, 11],
  ])('%s line %i: the head checkout (line %i) is its related location', (name, line, related) => {
    const finding = findings.find((f) => f.file === W(name) && f.line === line)!;
    expect(finding.related).toEqual([
      {
        file: W(name),
        line: related,
        column: expect.any(Number),
        message: expect.stringMatching(/^where the (pull request's|triggering run's) code comes in$/),
      },
    ]);
    expect(findings.find((f) => f.file === W('scalar'))!.related).toBeUndefined();
  });

  it('says nothing about checkouts when there is none, and gives the exact replacement', () => {
    const scalar = findings.find((f) => f.file === W('scalar'))!;
    expect(scalar.message).not.toContain('Worst case');
    expect(scalar.message).toMatch(/^pull_request_target runs this workflow for pull requests from forks/);
    expect(scalar.fix).toMatch(/^Keep it this way: no checkout of the pull request's code, no write scope, no secret\./);
    expect(scalar).toMatchObject({ rule: 'dangerous-trigger', introduced: true });
    expect(findings.find((f) => f.file === W('write-no-checkout'))!.fix).toContain('Trigger on pull_request instead of pull_request_target');
  });

  it('does not reuse a head checkout for the wrong trigger', () => {
    const text = [
      'on:',
      '  pull_request_target:',
      '  workflow_run:',
      '    workflows: [ci]',
      'permissions: {}',
      'jobs:',
      '  j:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          ref: ${{ github.event.workflow_run.head_sha }}',
    ].join('\n');
    const [prt, run] = rule.check(riskContext(workflowsFromTexts({ [W('w')]: text })));
    expect(prt.message).not.toContain('Worst case');
    expect(run.message).toContain('Worst case: line 12');
  });

  it('reports a trigger listed twice once, and ignores malformed on: values', () => {
    const twice = workflowsFromTexts({ [W('a')]: 'on: [workflow_run, workflow_run]\njobs: {}\n', [W('b')]: 'on: {pull_request_target: null}\njobs: {}\n' });
    expect(rowsOf(rule.check(riskContext(twice)))).toEqual([
      { file: W('a'), line: 1, column: 6, severity: 'error' },
      { file: W('b'), line: 1, column: 6, severity: 'error' },
    ]);
    const odd = workflowsFromTexts({ [W('c')]: 'on: [1, {x: y}, [pull_request_target]]\njobs: {}\n', [W('d')]: 'on: 7\njobs: {}\n' });
    expect(rule.check(riskContext(odd))).toEqual([]);
  });

  it('marks a trigger already present at base as not introduced', () => {
    const base = workflowsFromTexts({ [W('w')]: 'on: [pull_request_target]\njobs: {}\n' });
    const head = workflowsFromTexts({ [W('w')]: 'on:\n  pull_request_target:\n  workflow_run:\n    workflows: [ci]\njobs: {}\n' });
    expect(rule.check(riskContext(head, base)).map((f) => [f.line, f.introduced])).toEqual([
      [2, false],
      [3, true],
    ]);
  });
});

describe('dangerous-trigger on the shared corpus', () => {
  const repos = corpusRepos();
  const byRepo = new Map(repos.map((repo) => [repo.repo, rule.check(riskContext(repo.workflows))]));

  it('reports exactly the trigger lines an independent line scan finds', () => {
    for (const repo of repos) {
      const expected: string[] = [];
      for (const [path, text] of repo.texts) {
        if (!/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) continue;
        text.split('\n').forEach((line, i) => {
          if (/^ {2}(?:pull_request_target|workflow_run)\s*:/.test(line) || /^["']?on["']?\s*:.*\b(?:pull_request_target|workflow_run)\b/.test(line)) {
            expected.push(`${path}:${i + 1}`);
          }
        });
      }
      const found = byRepo.get(repo.repo)!.map((f) => `${f.file}:${f.line}`);
      expect(found.sort()).toEqual(expected.sort());
    }
    expect([...byRepo.values()].flat()).toHaveLength(11);
  });

  it.each<[string, string, number, string | null]>([
    // Inspected by hand: the publish workflows check out github.event.workflow_run.head_sha.
    ['PrefectHQ__fastmcp', '.github/workflows/publish-fastmcp.yml', 4, 'line 27 (ref: ${{ github.event.workflow_run.head_sha || github.sha }}) brings'],
    // Fetches pull/${PR_NUMBER}/head into the base checkout to lint the merge tree.
    ['docling-project__docling', '.github/workflows/pr-fast-checks.yml', 4, 'line 41 (git fetch --no-tags --depth=1 origin "pull/${PR_NUMBER}/head") brings'],
    // The head SHA travels through a job output: reported as likely.
    ['modelcontextprotocol__python-sdk', '.github/workflows/docs-preview.yml', 19, 'line 122 (ref: ${{ needs.authorize.outputs.head_sha }}) appears to bring'],
    // Reads the payload only; checks out the default branch.
    ['PrefectHQ__fastmcp', '.github/workflows/marvin-label-triage.yml', 7, null],
    ['PrefectHQ__fastmcp', '.github/workflows/require-issue-link.yml', 32, null],
  ])('%s %s:%i', (repo, file, line, checkout) => {
    const finding = byRepo.get(repo)!.find((f) => f.file === file && f.line === line)!;
    expect(finding).toMatchObject({ severity: 'error', column: 3 });
    if (checkout) expect(finding.message).toContain(`Worst case: ${checkout}`);
    else expect(finding.message).not.toContain('Worst case');
  });
});
