import { describe, expect, it } from '@jest/globals';
import { rule as cachePoisoning } from '../src/rules/workflows/cache-poisoning.js';
import { rule as pipInUvRun } from '../src/rules/workflows/pip-in-uv-run.js';
import { rule as setupUvUnpinned } from '../src/rules/workflows/setup-uv-unpinned.js';
import { rule as uvCacheInPublish } from '../src/rules/workflows/uv-cache-in-publish.js';
import { rule as uvLockOverridden } from '../src/rules/workflows/uv-lock-overridden.js';
import { rule as uvUnlocked } from '../src/rules/workflows/uv-unlocked.js';
import { caseContext, ruleTester } from './support/rule-tester.js';
import { corpusRepos, riskContext } from './support/workflow-risks.js';

const WF = '.github/workflows/ci.yml';
const DIR = 'fixtures/workflows/rules';
const job = (on: string, steps: string[], extra = ''): Record<string, string> => ({
  [WF]: [`on: ${on}`, extra, 'jobs:', '  j:', '    runs-on: ubuntu-latest', '    steps:', ...steps.map((s) => `      ${s}`), ''].join('\n'),
});
const at = (line: number, severity = 'warning'): { file: string; line: number; severity: string }[] => [{ file: WF, line, severity }];

ruleTester(setupUvUnpinned).run({
  valid: [
    { fixture: `${DIR}/setup-uv-unpinned/clean` },
    { fixture: `${DIR}/setup-uv-unpinned/clean-required-version` },
    { name: 'exact version', files: job('push', ['- uses: astral-sh/setup-uv@v7', '  with:', '    version: "0.9.5"', '- run: uv publish']) },
    { name: '==exact', files: job('push', ['- uses: astral-sh/setup-uv@v7', '  with:', '    version: "==0.9.5"', '- run: uv publish']) },
    { name: 'version-file', files: job('push', ['- uses: astral-sh/setup-uv@v7', '  with:', '    version-file: pyproject.toml', '- run: uv publish']) },
    { name: 'latest-known', files: job('push', ['- uses: astral-sh/setup-uv@v7', '  with:', '    version: latest-known', '- run: uv publish']) },
    { name: 'expression', files: job('push', ['- uses: astral-sh/setup-uv@v7', '  with:', '    version: ${{ matrix.uv }}', '- run: uv publish']) },
    { name: 'v1 default is fixed', files: job('push', ['- uses: astral-sh/setup-uv@v1', '- run: uv publish']) },
    {
      name: 'exact required-version in pyproject',
      files: {
        ...job('push', ['- uses: astral-sh/setup-uv@v7', '- run: uv publish']),
        'pyproject.toml': '[project]\nname = "x"\nversion = "1"\n\n[tool.uv]\nrequired-version = "==0.9.5"\n',
        'uv.lock': 'version = 1\nrequires-python = ">=3.12"\n\n[[package]]\nname = "x"\nversion = "1"\nsource = { editable = "." }\n',
      },
    },
  ],
  invalid: [
    { fixture: `${DIR}/setup-uv-unpinned/fires` },
    { name: 'no version, uv publish', files: job('push', ['- uses: astral-sh/setup-uv@v7', '- run: uv publish']), expected: at(7) },
    {
      name: 'latest, pypi action',
      files: job('push', ['- uses: astral-sh/setup-uv@v7', '  with:', '    version: latest', '- uses: pypa/gh-action-pypi-publish@release/v1']),
      expected: at(9),
    },
    {
      name: 'range is a notice',
      files: job('push', ['- uses: astral-sh/setup-uv@v7', '  with:', '    version: ">=0.4"', '- run: twine upload dist/*']),
      expected: at(9, 'notice'),
    },
    { name: 'tag-only release workflow', files: job('{push: {tags: ["v*"]}}', ['- uses: astral-sh/setup-uv@v5', '- run: uv build']), expected: at(7) },
    {
      name: 'not publishing: pedantic notice',
      files: job('pull_request', ['- uses: astral-sh/setup-uv@v7', '- run: uv sync --locked']),
      expected: at(7, 'notice'),
    },
    // A CI workflow that also runs on tags: a lint job is not release work.
    {
      name: 'CI with tags',
      files: job('{push: {tags: ["v*"]}, pull_request: {}}', ['- uses: astral-sh/setup-uv@v7', '- run: uv run ruff check']),
      expected: at(7, 'notice'),
    },
  ],
});

describe('setup-uv-unpinned personas', () => {
  it('marks findings outside a publishing job pedantic', () => {
    const [finding] = ruleTester(setupUvUnpinned).findings({ files: job('pull_request', ['- uses: astral-sh/setup-uv@v7']) });
    expect(finding.persona).toBe('pedantic');
    const [publish] = ruleTester(setupUvUnpinned).findings({ files: job('push', ['- uses: astral-sh/setup-uv@v7', '- run: uv publish']) });
    expect(publish.persona).toBe('regular');
    expect(publish.message).toContain('the job runs uv publish (line 8)');
  });
});

ruleTester(uvCacheInPublish).run({
  valid: [
    { fixture: `${DIR}/uv-cache-in-publish/clean` },
    { name: 'cache off', files: job('workflow_dispatch', ['- uses: astral-sh/setup-uv@v7', '  with:', '    enable-cache: false', '- run: uv publish']) },
    {
      name: 'restore-cache off',
      files: job('workflow_dispatch', ['- uses: astral-sh/setup-uv@v7', '  with:', '    restore-cache: false', '- run: uv publish']),
    },
    { name: 'v4 default off', files: job('workflow_dispatch', ['- uses: astral-sh/setup-uv@v4', '- run: uv publish']) },
    { name: 'v10 auto off on tag push', files: job('{push: {tags: ["v*"]}}', ['- uses: astral-sh/setup-uv@v10', '- run: uv publish']) },
    { name: 'not publishing', files: job('workflow_dispatch', ['- uses: astral-sh/setup-uv@v7', '- run: uv sync --locked']) },
    { name: 'echo is not a publish', files: job('workflow_dispatch', ['- uses: astral-sh/setup-uv@v7', '- run: echo "uv publish"']) },
    // Left to cache-poisoning (the same facts, src/workflows/cache-steps.ts): a release trigger with the cache on,
    // or a publishing action with v10's auto cache on for workflow_dispatch.
    { name: 'cache-poisoning case', files: job('release', ['- uses: astral-sh/setup-uv@v7', '- run: uv publish']) },
    {
      name: 'cache-poisoning case, v10 auto on dispatch',
      files: job('[release, workflow_dispatch]', ['- uses: astral-sh/setup-uv@v10', '- uses: pypa/gh-action-pypi-publish@release/v1']),
    },
    {
      name: 'self-hosted auto',
      files: {
        [WF]: 'on: workflow_dispatch\njobs:\n  j:\n    runs-on: [self-hosted]\n    steps:\n      - uses: astral-sh/setup-uv@v7\n      - run: uv publish\n',
      },
    },
  ],
  invalid: [
    { fixture: `${DIR}/uv-cache-in-publish/fires` },
    { name: 'uv publish on dispatch, v7 auto', files: job('workflow_dispatch', ['- uses: astral-sh/setup-uv@v7', '- run: uv publish']), expected: at(7) },
    {
      name: 'v10 auto on dispatch of a workflow that publishes with uv publish',
      files: job('workflow_dispatch', ['- uses: astral-sh/setup-uv@v10', '- run: uv publish']),
      expected: at(7),
    },
    {
      name: 'cache-python even where cache-poisoning reports',
      files: job('release', ['- uses: astral-sh/setup-uv@v7', '  with:', '    cache-python: true', '- run: uv publish']),
      expected: at(7),
    },
  ],
});

describe('uv-cache-in-publish and cache-poisoning', () => {
  // Both read src/workflows/cache-steps.ts: a setup-uv cache in a publishing job is reported by one of
  // them, never by both, and by at least one wherever setup-uv's cache is on there.
  const cases: [string, string, string[], number][] = [
    ['release, v7 default', 'release', ['- uses: astral-sh/setup-uv@v7', '- run: uv publish'], 1],
    ['release, v10 default (off on release)', 'release', ['- uses: astral-sh/setup-uv@v10', '- run: uv publish'], 0],
    ['release and dispatch, v10 default', '[release, workflow_dispatch]', ['- uses: astral-sh/setup-uv@v10', '- run: uv publish'], 1],
    ['tag push, enable-cache true', '{push: {tags: ["v*"]}}', ['- uses: astral-sh/setup-uv@v10', '  with:', '    enable-cache: true', '- run: uv publish'], 1],
    ['dispatch with the PyPI action, v7', 'workflow_dispatch', ['- uses: astral-sh/setup-uv@v7', '- uses: pypa/gh-action-pypi-publish@release/v1'], 1],
    ['dispatch with uv publish, v4 (off)', 'workflow_dispatch', ['- uses: astral-sh/setup-uv@v4', '- run: uv publish'], 0],
  ];
  it.each(cases)('%s', (_name, on, steps, expected) => {
    const files = job(on, steps);
    const lines = [...ruleTester(cachePoisoning).findings({ files }), ...ruleTester(uvCacheInPublish).findings({ files })].map((f) => f.line);
    expect(lines).toEqual(expected === 0 ? [] : [lines[0]]);
    expect(lines.length).toBe(expected);
  });
});

ruleTester(pipInUvRun).run({
  valid: [
    { fixture: `${DIR}/pip-in-uv-run/clean` },
    { name: 'uv pip install (pip-unhashed)', files: job('push', ['- run: uv pip install ruff']) },
    { name: 'echo', files: job('push', ['- run: echo "uv run pip install x"']) },
    { name: 'comment', files: job('push', ['- run: |', '    # uv run pip install x', '    true']) },
    { name: 'heredoc', files: job('push', ['- run: |', '    cat <<EOF', '    uv run pip install x', '    EOF']) },
    { name: 'no-project', files: job('push', ['- run: uv run --no-project python -m pip install x']) },
    { name: 'pip list', files: job('push', ['- run: uv run pip list']) },
    { name: 'argument of the command', files: job('push', ['- run: uv run pytest pip install']) },
  ],
  invalid: [
    { fixture: `${DIR}/pip-in-uv-run/fires` },
    { name: 'uv run pip install', files: job('push', ['- run: uv run pip install requests']), expected: at(7) },
    { name: 'python -m pip', files: job('push', ['- run: uv run --with x python3 -m pip install requests']), expected: at(7) },
    { name: '-m pip', files: job('push', ['- run: uv run -m pip install requests']), expected: at(7) },
    { name: 'hashed is a notice', files: job('push', ['- run: uv run pip install --require-hashes -r req.txt']), expected: at(7, 'notice') },
    { name: 'sh -c', files: job('push', [`- run: sh -c 'uv run pip install x'`]), expected: at(7) },
  ],
});

const envWf = (stepEnv: string[], run: string, wfEnv = ['env:', '  UV_LOCKED: "1"']): Record<string, string> => ({
  [WF]: [
    'on: push',
    ...wfEnv,
    'jobs:',
    '  j:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    `      - run: ${run}`,
    ...stepEnv.map((l) => `        ${l}`),
    '',
  ].join('\n'),
});

ruleTester(uvLockOverridden).run({
  valid: [
    { fixture: `${DIR}/uv-lock-overridden/clean` },
    { name: 'lock kept', files: envWf([], 'uv sync') },
    { name: 'other var still true', files: envWf(['env:', '  UV_FROZEN: "0"'], 'uv sync') },
    { name: 'no lock asked (uv-unlocked case)', files: envWf(['env:', '  UV_LOCKED: "0"'], 'uv sync', []) },
    { name: 'flag on the command', files: envWf(['env:', '  UV_LOCKED: "0"'], 'uv sync --locked') },
    { name: 'not boolish: uv errors', files: envWf(['env:', '  UV_LOCKED: "maybe"'], 'uv sync') },
    { name: 'echo', files: envWf(['env:', '  UV_LOCKED: "0"'], 'echo "uv sync"') },
    { name: 'lock check', files: job('push', ['- run: uv lock --check', '- run: uv sync --locked']) },
    {
      name: 'upgrade job opens a PR',
      files: job('schedule', ['- run: uv lock --upgrade', '- run: uv sync --locked', '- uses: peter-evans/create-pull-request@v7']),
    },
    { name: 'lock under UV_LOCKED is a check', files: envWf([], 'uv lock --upgrade && uv sync') },
    {
      name: 'an upgrade job turning the workflow lock off for uv lock, then opening a PR',
      files: envWf(['env:', '  UV_LOCKED: "0"'], 'uv lock --upgrade && gh pr create --fill'),
    },
  ],
  invalid: [
    { fixture: `${DIR}/uv-lock-overridden/fires` },
    { name: 'step env 0', files: envWf(['env:', '  UV_LOCKED: "0"'], 'uv sync'), expected: at(8) },
    { name: 'on the command', files: envWf([], 'UV_LOCKED=false uv run pytest'), expected: at(8) },
    { name: 'unset', files: envWf([], '|', ['env:', '  UV_FROZEN: "1"']) },
    { name: 'env -u', files: envWf([], 'env -u UV_LOCKED uv export -o r.txt'), expected: at(8) },
    { name: 'uv lock with the lock turned off, no PR', files: envWf(['env:', '  UV_LOCKED: "0"'], 'uv lock --upgrade'), expected: at(8) },
    { name: 'lock --upgrade then sync --locked', files: job('push', ['- run: uv lock --upgrade', '- run: uv sync --locked']), expected: at(7) },
    { name: 'plain lock then frozen sync', files: job('push', ['- run: uv lock', '- run: uv sync --frozen']), expected: at(7) },
  ].filter((c) => c.name !== 'unset'),
});

describe('uv-lock-overridden and uv-unlocked do not report the same command', () => {
  it('unset in the script: one finding, from uv-lock-overridden', () => {
    const files = {
      [WF]: 'on: push\nenv:\n  UV_FROZEN: "1"\njobs:\n  j:\n    runs-on: x\n    steps:\n      - run: |\n          unset UV_FROZEN\n          uv sync\n',
    };
    const over = ruleTester(uvLockOverridden).findings({ files });
    expect(over.map((f) => f.line)).toEqual([10]);
    expect(over[0].message).toContain('a command unsets UV_FROZEN (line 9)');
    expect(ruleTester(uvUnlocked).findings({ files })).toEqual([]);
  });
});

describe('uv angle on the shared corpus (each finding checked by hand)', () => {
  const repos = corpusRepos();
  const count = (rule: typeof setupUvUnpinned, severity?: string): number =>
    repos.flatMap((r) => rule.check(riskContext(r.workflows))).filter((f) => severity === undefined || f.severity === severity).length;
  it('pins the counts', () => {
    expect(count(setupUvUnpinned, 'warning')).toBe(9);
    expect(count(setupUvUnpinned, 'notice')).toBe(33);
    expect(count(uvCacheInPublish)).toBe(3);
    expect(count(pipInUvRun)).toBe(0);
    expect(count(uvLockOverridden)).toBe(0);
  });
});

describe('the fixture folders', () => {
  // A file that does not load is left out of a run (invalid-file reports it): a clean fixture with a YAML slip would pass for nothing.
  const folders = ['setup-uv-unpinned', 'uv-cache-in-publish', 'pip-in-uv-run', 'uv-lock-overridden']
    .flatMap((id) => [`${DIR}/${id}/fires`, `${DIR}/${id}/clean`])
    .concat([`${DIR}/setup-uv-unpinned/clean-required-version`]);
  it.each(folders)('%s loads without a problem', (fixture) => {
    const { context } = caseContext({ fixture });
    expect([...(context.workflowProblems ?? []), ...(context.uvLoadProblems ?? [])]).toEqual([]);
  });
});
