import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { rule as archivedUses } from '../src/rules/workflows/archived-uses.js';
import { rule as forbiddenUses } from '../src/rules/workflows/forbidden-uses.js';
import { rule as typosquatUses } from '../src/rules/workflows/typosquat-uses.js';
import { parseConfig } from '../src/settings/config.js';
import { actionTyposquat } from '../src/typosquat/actions.js';
import { usesSites } from '../src/workflows/uses.js';
import { caseContext, ruleTester } from './support/rule-tester.js';
import { testSettings } from './support/workflows.js';
import { corpusRepos, riskContext } from './support/workflow-risks.js';

const DIR = 'fixtures/workflows/rules';
const wf = (...uses: string[]): Record<string, string> => ({
  '.github/workflows/ci.yml': `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n${uses.map((u) => `      - uses: ${u}\n`).join('')}`,
});

ruleTester(archivedUses).run({
  valid: [
    { fixture: `${DIR}/archived-uses/clean` },
    {
      name: 'maintained actions, local and docker',
      files: wf('actions/checkout@v4', './.github/actions/x', 'docker://alpine:3', 'actions/create-release-x@v1'),
    },
  ],
  invalid: [
    { fixture: `${DIR}/archived-uses/fires` },
    {
      name: 'archived actions, any case, in a step and a reusable job',
      files: {
        ...wf('actions/create-release@v1', 'Actions-RS/Toolchain@v1', 'gradle/gradle-build-action@v3'),
        '.github/workflows/call.yml': 'on: push\njobs:\n  a:\n    uses: tibdex/github-app-token/.github/workflows/x.yml@v1\n',
      },
      expected: [
        { file: '.github/workflows/ci.yml', line: 6, severity: 'warning' },
        { file: '.github/workflows/ci.yml', line: 7, severity: 'warning' },
        { file: '.github/workflows/ci.yml', line: 8, severity: 'warning' },
        { file: '.github/workflows/call.yml', line: 4, severity: 'warning' },
      ],
    },
  ],
});

const withPolicy = (yaml: string) => {
  const config = parseConfig('.github/lockgate.yml', yaml, new Set(['forbidden-uses']));
  const settings = testSettings();
  settings.config.workflows = config.workflows;
  return settings;
};

/** A fixture case whose settings come from the fixture's own `.github/lockgate.yml`, as a run reads it. */
const withOwnPolicy = (fixture: string) => ({ fixture, settings: withPolicy(readFileSync(`${fixture}/.github/lockgate.yml`, 'utf8')) });

ruleTester(forbiddenUses).run({
  valid: [
    withOwnPolicy(`${DIR}/forbidden-uses/clean`),
    { name: 'no policy: nothing', files: wf('evil/action@v1') },
    {
      name: 'allowed by owner and exact repo',
      files: wf('actions/checkout@v4', 'Pypa/GH-Action-PyPI-Publish@release/v1'),
      settings: withPolicy('workflows:\n  forbidden-uses:\n    allow: [actions/*, pypa/gh-action-pypi-publish]\n'),
    },
  ],
  invalid: [
    withOwnPolicy(`${DIR}/forbidden-uses/fires`),
    {
      name: 'deny wins, allow-list, ref and subpath patterns',
      files: wf('actions/create-release@v1', 'other/tool@v1', 'actions/checkout@v4', 'my/repo/sub@v2', 'my/repo@v1', './local'),
      settings: withPolicy('workflows:\n  forbidden-uses:\n    allow: [actions/*, my/repo@v1]\n    deny: [actions/create-release]\n'),
      expected: [
        { file: '.github/workflows/ci.yml', line: 6, severity: 'error' },
        { file: '.github/workflows/ci.yml', line: 7, severity: 'error' },
        { file: '.github/workflows/ci.yml', line: 9, severity: 'error' },
      ],
    },
  ],
});

ruleTester(typosquatUses).run({
  valid: [
    { fixture: `${DIR}/typosquat-uses/clean` },
    {
      name: 'popular names, same-owner near names, pypa names, unrelated, hostile',
      files: wf(
        'actions/checkout@v4',
        'actions/chckout@v4',
        'actions/setup-go@v5',
        'actions/setup-node@v4',
        'pypa/gh-action-pip-audit@v1',
        'pypa/cibuildwheel@v2',
        'example/totally-different-thing@v1',
        `${'a'.repeat(5000)}/checkout@v1`,
        '"actions/checkout\\n@v4"',
        '"@@@"',
      ),
    },
  ],
  invalid: [
    { fixture: `${DIR}/typosquat-uses/fires` },
    {
      name: "zizmor's documented cases",
      files: wf('action/checkout@v4', 'cations/checkout@v4', 'acti0ns/checkout@v4', 'actiions/checkout@v4', 'dokcer/login-action@v3', 'checkout/actions@v1'),
      expected: [6, 7, 8, 9, 10, 11].map((line) => ({ file: '.github/workflows/ci.yml', line, severity: 'warning' })),
    },
  ],
});

describe('forbidden-uses without a policy', () => {
  it('finds nothing in the fires fixture', () => {
    expect(ruleTester(forbiddenUses).findings({ fixture: `${DIR}/forbidden-uses/fires` })).toEqual([]);
  });
});

describe('typosquat-uses details', () => {
  it('names the technique and the action meant, with low confidence', () => {
    const [finding] = ruleTester(typosquatUses).findings({ files: wf('dokcer/login-action@v3') });
    expect(finding).toMatchObject({ confidence: 'low' });
    expect(finding!.message).toContain('swaps two adjacent characters of docker/login-action');
    expect(actionTyposquat('py03', 'maturin-action')).toEqual({ popular: 'PyO3/maturin-action', technique: 'typo' });
    expect(actionTyposquat('actions', 'checkout')).toBeNull();
  });
});

describe('the workflow corpus', () => {
  it('has 868 uses: (796 repository, 58 distinct actions) and no archived-uses or typosquat-uses finding', () => {
    let sites = 0;
    let repository = 0;
    const slugs = new Set<string>();
    const found: string[] = [];
    for (const repo of corpusRepos()) {
      for (const file of repo.workflows)
        for (const site of usesSites(file)) {
          sites++;
          if (site.uses.kind === 'repository') {
            repository++;
            slugs.add(`${site.uses.owner}/${site.uses.repo}`.toLowerCase());
          }
        }
      for (const rule of [archivedUses, typosquatUses, forbiddenUses])
        found.push(...rule.check(riskContext(repo.workflows)).map((f) => `${repo.repo} ${f.rule} ${f.file}:${f.line}`));
    }
    expect({ sites, repository, distinct: slugs.size, found }).toEqual({ sites: 868, repository: 796, distinct: 58, found: [] });
  });
});

describe('the fixture folders', () => {
  // A file that does not load is left out of a run (invalid-file reports it): a clean fixture with a YAML slip would pass for nothing.
  const folders = ['archived-uses', 'forbidden-uses', 'typosquat-uses'].flatMap((id) => [`${DIR}/${id}/fires`, `${DIR}/${id}/clean`]);
  it.each(folders)('%s loads without a problem', (fixture) => {
    const { context } = caseContext({ fixture });
    expect([...(context.workflowProblems ?? []), ...(context.uvLoadProblems ?? [])]).toEqual([]);
  });
});
