/**
 * The eight rules for zizmor's remaining regular audits that read steps, containers and dependabot
 * files: each fires on its pattern and not on the near-misses, survives hostile input, and gives the
 * pinned count on the workflow corpus, each finding there checked by hand: github-env 1 (docling's composite
 * action), misfeature 2 (auditor-only nu and wsl-bash shells in uv), github-app 10 (tokens with no permission-*
 * input, fastmcp and docling), cache-poisoning 2 (setup-uv caches in a release workflow and in a job with the PyPI action), the others 0.
 */
import { describe, expect, it } from '@jest/globals';
import { rule as cachePoisoning } from '../src/rules/workflows/cache-poisoning.js';
import { rule as dependabotExecution } from '../src/rules/workflows/dependabot-execution.js';
import { rule as githubApp } from '../src/rules/workflows/github-app.js';
import { rule as githubEnv } from '../src/rules/workflows/github-env.js';
import { rule as hardcodedCredentials } from '../src/rules/workflows/hardcoded-container-credentials.js';
import { rule as misfeature } from '../src/rules/workflows/misfeature.js';
import { rule as unpinnedTool } from '../src/rules/workflows/unpinned-tool.js';
import { rule as trustedPublishing } from '../src/rules/workflows/use-trusted-publishing.js';
import { caseContext, ruleTester } from './support/rule-tester.js';
import { corpusRepos, riskContext } from './support/workflow-risks.js';

const WF = '.github/workflows/ci.yml';
const DIR = 'fixtures/workflows/rules';
const job = (steps: string, on = 'push') => ({ [WF]: `on: ${on}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${steps}` });

ruleTester(githubEnv).run({
  valid: [
    { fixture: `${DIR}/github-env/clean` },
    { name: 'a push workflow writing GITHUB_ENV', files: job('      - run: echo "A=1" >> "$GITHUB_ENV"\n') },
    { name: 'pull_request_target reading GITHUB_ENV', files: job('      - run: cat "$GITHUB_ENV"\n', 'pull_request_target') },
    { name: 'pull_request_target writing GITHUB_OUTPUT', files: job('      - run: echo "a=1" >> "$GITHUB_OUTPUT"\n', 'pull_request_target') },
    { name: 'a python step', files: job('      - shell: python\n        run: print(">> $GITHUB_ENV")\n', 'workflow_run') },
  ],
  invalid: [
    { fixture: `${DIR}/github-env/fires` },
    {
      name: 'redirect, tee, group and pwsh under privileged triggers',
      files: job(
        '      - run: |\n          echo "A=$X" >> "$GITHUB_ENV"\n          echo /opt/bin | tee -a ${GITHUB_PATH}\n          { echo a; echo b; } >> $GITHUB_ENV\n' +
          '      - shell: pwsh\n        run: "\\"A=1\\" | Out-File -FilePath $env:GITHUB_ENV -Append"\n',
        '[pull_request_target, workflow_run]',
      ),
      expected: [
        { file: WF, line: 7, severity: 'warning' },
        { file: WF, line: 8, severity: 'warning' },
        { file: WF, line: 9, severity: 'warning' },
        { file: WF, line: 11, severity: 'warning' },
      ],
    },
    {
      name: 'a composite action, whatever its callers',
      files: { 'action.yml': 'runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo "$HOME/bin" >> $GITHUB_PATH\n' },
      expected: [{ file: 'action.yml', line: 5, severity: 'warning' }],
    },
  ],
});

ruleTester(hardcodedCredentials).run({
  valid: [
    { fixture: `${DIR}/hardcoded-container-credentials/clean` },
    {
      name: 'passwords from secrets',
      files: {
        [WF]: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container:\n      image: x\n      credentials:\n        username: u\n        password: ${{ secrets.P }}\n    services:\n      db:\n        image: y\n        credentials:\n          password: ${{ secrets.Q }}\n    steps: []\n',
      },
    },
    { name: 'a string container', files: { [WF]: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: node:20\n    steps: []\n' } },
  ],
  invalid: [
    { fixture: `${DIR}/hardcoded-container-credentials/fires` },
    {
      name: 'literal passwords in container and a service',
      files: {
        [WF]: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container:\n      image: x\n      credentials:\n        username: u\n        password: hunter2\n    services:\n      db:\n        image: y\n        credentials:\n          password: "s3cret"\n    steps: []\n',
      },
      expected: [
        { file: WF, line: 9, severity: 'error' },
        { file: WF, line: 14, severity: 'error' },
      ],
    },
  ],
});

const DEPENDABOT = '.github/dependabot.yml';
const update = (extra: string) => ({
  [DEPENDABOT]: `version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n${extra}`,
});
ruleTester(dependabotExecution).run({
  valid: [
    { fixture: `${DIR}/dependabot-execution/clean` },
    { name: 'deny', files: update('    insecure-external-code-execution: deny\n') },
    { name: 'absent', files: update('') },
  ],
  invalid: [
    { fixture: `${DIR}/dependabot-execution/fires` },
    { name: 'allow', files: update('    insecure-external-code-execution: allow\n'), expected: [{ file: DEPENDABOT, line: 7, severity: 'error' }] },
  ],
});

ruleTester(misfeature).run({
  valid: [
    { fixture: `${DIR}/misfeature/clean` },
    {
      name: 'setup-python without pip-install, bash and pwsh',
      files: job('      - uses: actions/setup-python@v6\n      - shell: bash -el {0}\n        run: x\n      - shell: pwsh\n        run: x\n'),
    },
    { name: 'env looking bash up on PATH', files: job('      - shell: /usr/bin/env bash -e {0}\n        run: x\n') },
    { name: 'a shell from an expression', files: job('      - shell: ${{ matrix.shell }}\n        run: x\n') },
  ],
  invalid: [
    { fixture: `${DIR}/misfeature/fires` },
    {
      name: 'pip-install, shell: cmd and defaults',
      files: {
        [WF]: 'on: push\ndefaults:\n  run:\n    shell: cmd\njobs:\n  a:\n    runs-on: windows-latest\n    steps:\n      - uses: actions/setup-python@v6\n        with:\n          pip-install: requests\n      - shell: CMD\n        run: x\n',
      },
      expected: [
        { file: WF, line: 4, severity: 'notice' },
        { file: WF, line: 11, severity: 'notice' },
        { file: WF, line: 12, severity: 'notice' },
      ],
    },
  ],
});

describe('misfeature persona', () => {
  it('reports a shell GitHub does not name for the auditor persona only', () => {
    const findings = ruleTester(misfeature).findings({ files: job('      - shell: perl {0}\n        run: print 1\n') });
    expect(findings.map((f) => [f.line, f.persona])).toEqual([[6, 'auditor']]);
  });
});

const APP = (inputs: string) => job(`      - uses: actions/create-github-app-token@v2\n        with:\n          app-id: 1\n${inputs}`);
ruleTester(githubApp).run({
  valid: [
    { fixture: `${DIR}/github-app/clean` },
    { name: 'narrowed token', files: APP('          owner: o\n          repositories: r\n          permission-contents: read\n') },
  ],
  invalid: [
    { fixture: `${DIR}/github-app/fires` },
    {
      name: 'owner with an empty repositories: (the action reads it as absent)',
      files: APP('          owner: o\n          repositories: ""\n          permission-contents: read\n'),
      expected: [{ file: WF, line: 9, severity: 'warning' }],
    },
    {
      name: 'skip-token-revoke, owner alone, no permissions',
      files: APP('          owner: o\n          skip-token-revoke: true\n'),
      expected: [
        { file: WF, line: 6, severity: 'warning' },
        { file: WF, line: 9, severity: 'warning' },
        { file: WF, line: 10, severity: 'error' },
      ],
    },
  ],
});

ruleTester(unpinnedTool).run({
  valid: [
    { fixture: `${DIR}/unpinned-tool/clean` },
    {
      name: 'pinned versions',
      files: job(
        '      - uses: aquasecurity/setup-trivy@v0.2.3\n        with:\n          version: v0.60.0\n      - uses: 1password/load-secrets-action@v2\n        with:\n          version: 2.30.0\n',
      ),
    },
    { name: 'another action', files: job('      - uses: aquasecurity/trivy-action@v0.30.0\n') },
  ],
  invalid: [
    { fixture: `${DIR}/unpinned-tool/fires` },
    {
      name: 'missing and latest',
      files: job('      - uses: aquasecurity/setup-trivy@v0.2.3\n      - uses: 1password/load-secrets-action@v2\n        with:\n          version: latest\n'),
      expected: [
        { file: WF, line: 6, severity: 'warning' },
        { file: WF, line: 9, severity: 'warning' },
      ],
    },
  ],
});

ruleTester(trustedPublishing).run({
  valid: [
    { fixture: `${DIR}/use-trusted-publishing/clean` },
    {
      name: 'trusted publishing',
      files: job('      - uses: pypa/gh-action-pypi-publish@release/v1\n      - run: uv publish\n      - run: npm publish --provenance\n'),
    },
    {
      name: 'a private index',
      files: job(
        '      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n          password: ${{ secrets.T }}\n          repository-url: https://pkgs.example.com/\n' +
          '      - run: uv publish --publish-url https://pkgs.example.com/ --token "$T"\n',
      ),
    },
    {
      name: 'a token minted in the job by an auth action',
      files: job(
        '      - id: auth\n        uses: rust-lang/crates-io-auth-action@v1\n      - run: cargo publish\n        env:\n          CARGO_REGISTRY_TOKEN: ${{ steps.auth.outputs.token }}\n',
      ),
    },
    {
      name: 'poetry config of another repository, or of a minted token',
      files: job(
        '      - run: |\n          poetry config pypi-token.internal "$T"\n          poetry publish -r internal\n' +
          '      - id: mint\n        uses: example/oidc-token@v1\n      - run: poetry config pypi-token.pypi ${{ steps.mint.outputs.token }} && poetry publish\n',
      ),
    },
    {
      name: 'npm to GitHub Packages',
      files: job(
        '      - uses: actions/setup-node@v5\n        with:\n          registry-url: https://npm.pkg.github.com\n      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n',
      ),
    },
  ],
  invalid: [
    { fixture: `${DIR}/use-trusted-publishing/fires` },
    {
      name: 'tokens by input, option and env',
      files: job(
        '      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n          password: ${{ secrets.PYPI }}\n' +
          '      - run: uv publish --token "$T"\n      - run: python -m twine upload dist/*\n        env:\n          TWINE_PASSWORD: ${{ secrets.PYPI }}\n' +
          '      - run: cargo publish\n        env:\n          CARGO_REGISTRY_TOKEN: ${{ secrets.C }}\n',
      ),
      expected: [
        { file: WF, line: 8, severity: 'notice' },
        { file: WF, line: 9, severity: 'notice' },
        { file: WF, line: 10, severity: 'notice' },
        { file: WF, line: 13, severity: 'notice' },
      ],
    },
    {
      name: 'a token stored in poetry config before poetry publish',
      files: job('      - run: |\n          poetry config pypi-token.pypi ${{ secrets.PYPI_TOKEN }}\n          poetry publish --build\n'),
      expected: [{ file: WF, line: 8, severity: 'notice' }],
    },
  ],
});

ruleTester(cachePoisoning).run({
  valid: [
    { fixture: `${DIR}/cache-poisoning/clean` },
    {
      name: 'a push CI job with a cache',
      files: job('      - uses: astral-sh/setup-uv@v7\n      - uses: actions/setup-node@v5\n        with:\n          cache: npm\n'),
    },
    {
      name: 'a release job with caching off',
      files: job(
        '      - uses: astral-sh/setup-uv@v7\n        with:\n          enable-cache: false\n      - uses: astral-sh/setup-uv@v4\n      - uses: actions/setup-python@v6\n',
        'release',
      ),
    },
    {
      name: "setup-uv's cache off for tags by the negated toggle",
      files: job(
        "      - uses: astral-sh/setup-uv@v7\n        with:\n          enable-cache: ${{ !startsWith(github.ref, 'refs/tags/') }}\n",
        '{push: {tags: ["v*"]}}',
      ),
    },
    {
      name: 'a lint job of a CI workflow that also runs on tags (releases nothing)',
      files: job('      - uses: astral-sh/setup-uv@v7\n      - run: uv run ruff check\n', '{push: {tags: ["v*"], branches: [main]}, pull_request: {}}'),
    },
    // setup-uv v10's auto cache is off for release events and tag pushes (its own default).
    { name: 'setup-uv v10 default on a release', files: job('      - uses: astral-sh/setup-uv@v10\n', 'release') },
    {
      name: 'the tag toggle turning caching off',
      files: job(
        "      - uses: actions/setup-node@v5\n        with:\n          cache: ${{ !startsWith(github.ref, 'refs/tags/') && 'npm' || '' }}\n",
        '{push: {tags: ["v*"]}}',
      ),
    },
  ],
  invalid: [
    { fixture: `${DIR}/cache-poisoning/fires` },
    {
      name: 'release trigger, setup-uv default and actions/cache',
      files: job('      - uses: astral-sh/setup-uv@v7\n      - uses: actions/cache@v4\n        with:\n          path: x\n          key: k\n', 'release'),
      expected: [
        { file: WF, line: 6, severity: 'warning' },
        { file: WF, line: 7, severity: 'warning' },
      ],
    },
    {
      name: 'a building job of a CI workflow that also runs on tags',
      files: job('      - uses: astral-sh/setup-uv@v7\n      - run: uv build\n', '{push: {tags: ["v*"], branches: [main]}, pull_request: {}}'),
      expected: [{ file: WF, line: 6, severity: 'warning' }],
    },
    {
      name: 'setup-uv v5 default (auto) on a release',
      files: job('      - uses: astral-sh/setup-uv@v5\n', 'release'),
      expected: [{ file: WF, line: 6, severity: 'warning' }],
    },
    {
      name: 'setup-uv v10 default on the dispatch runs of a release workflow',
      files: job('      - uses: astral-sh/setup-uv@v10\n', '[release, workflow_dispatch]'),
      expected: [{ file: WF, line: 6, severity: 'warning' }],
    },
    {
      name: "setup-uv's cache on for tags by the tag toggle",
      files: job(
        "      - uses: astral-sh/setup-uv@v7\n        with:\n          enable-cache: ${{ startsWith(github.ref, 'refs/tags/') }}\n",
        '{push: {tags: ["v*"]}}',
      ),
      expected: [{ file: WF, line: 8, severity: 'warning' }],
    },
    {
      name: 'a publisher step in a push job',
      files: job('      - uses: actions/setup-python@v6\n        with:\n          cache: pip\n      - uses: pypa/gh-action-pypi-publish@release/v1\n'),
      expected: [{ file: WF, line: 8, severity: 'warning' }],
    },
  ],
});

const ALL = [githubEnv, hardcodedCredentials, dependabotExecution, misfeature, githubApp, unpinnedTool, trustedPublishing, cachePoisoning];

describe('hostile input', () => {
  const hostile = {
    [WF]: 'on: [pull_request_target, release]\njobs:\n  a:\n    container: [1]\n    services: 3\n    steps:\n      - uses: 7\n        with: [x]\n      - run: "echo >> \\"$GITHUB_ENV"\n      - shell: {}\n        run: ")))"\n  b: null\n',
    [DEPENDABOT]: 'updates: [{package-ecosystem: pip, insecure-external-code-execution: [allow]}, 5]\n',
    'action.yml': 'runs: {using: composite, steps: [{run: "> $GITHUB_ENV", shell: bash}]}\n',
  };
  it.each(ALL.map((r) => [r.id, r] as const))('%s neither throws nor reports outside the inputs', (_id, rule) => {
    const findings = ruleTester(rule).findings({ files: hostile });
    for (const f of findings) expect(Object.keys(hostile)).toContain(f.file);
  });
});

describe('the workflow corpus', () => {
  const repos = corpusRepos();
  const count = (rule: (typeof ALL)[number]) => repos.reduce((n, repo) => n + rule.check(riskContext(repo.workflows)).length, 0);
  it.each<[string, number]>([
    ['github-env', 1],
    ['hardcoded-container-credentials', 0],
    ['dependabot-execution', 0],
    ['misfeature', 2],
    ['github-app', 10],
    ['unpinned-tool', 0],
    ['use-trusted-publishing', 0],
    ['cache-poisoning', 2],
  ])('%s finds %d', (id, expected) => {
    expect(count(ALL.find((r) => r.id === id)!)).toBe(expected);
  });
  it('leaves the lint and test jobs of a tag-push CI workflow alone, as pydantic-settings says they are (its zizmor ignores)', () => {
    // Its CI runs on tags; zizmor flags the setup-uv caches of lint, test and coverage, and the project
    // waives each: "Job does not produce release artifacts". Only the release job (no cache) publishes.
    const repo = repos.find((r) => r.repo === 'pydantic__pydantic-settings')!;
    expect(cachePoisoning.check(riskContext(repo.workflows))).toEqual([]);
    const all = repos.flatMap((r) => cachePoisoning.check(riskContext(r.workflows)).map((f) => `${r.repo} ${f.file}:${f.line}`));
    expect(all).toEqual(['PrefectHQ__fastmcp .github/workflows/publish-fastmcp-slim.yml:24', 'openai__openai-agents-python .github/workflows/publish.yml:29']);
  });
});

describe('the fixture folders', () => {
  // A file that does not load is left out of a run (invalid-file reports it): a clean fixture with a YAML slip would pass for nothing.
  const folders = [
    'cache-poisoning',
    'use-trusted-publishing',
    'github-env',
    'hardcoded-container-credentials',
    'dependabot-execution',
    'misfeature',
    'github-app',
    'unpinned-tool',
  ]
    .flatMap((id) => [`${DIR}/${id}/fires`, `${DIR}/${id}/clean`])
    .concat([]);
  it.each(folders)('%s loads without a problem', (fixture) => {
    const { context } = caseContext({ fixture });
    expect([...(context.workflowProblems ?? []), ...(context.uvLoadProblems ?? [])]).toEqual([]);
  });
});
