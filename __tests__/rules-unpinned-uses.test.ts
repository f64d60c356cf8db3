import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { rule } from '../src/rules/workflows/unpinned-uses.js';
import type { GithubFacts } from '../src/facts/types.js';
import { FIXTURES, findingRows, ruleContext, testSettings, workflowsFrom } from './support/workflows.js';

const DIR = join(FIXTURES, 'rules', 'unpinned-uses');

describe('unpinned-uses', () => {
  it.each(['fires', 'clean'])('%s fixture: reports exactly the marked lines', (name) => {
    const { rows, expected } = findingRows(rule, join(DIR, name));
    expect(rows).toEqual(expected);
    if (name === 'fires') expect(expected.length).toBeGreaterThanOrEqual(10);
    else expect(expected).toEqual([]);
  });

  it('points at the column of the value', () => {
    const { findings } = findingRows(rule, join(DIR, 'fires'));
    const checkout = findings.find((f) => f.message.includes('actions/checkout'));
    expect(checkout).toMatchObject({ file: '.github/workflows/ci.yml', line: 8, column: 15 });
    const quoted = findings.find((f) => f.message.includes('gh-action-pypi-publish'));
    expect(quoted).toMatchObject({ line: 13, column: 15 });
    const reusable = findings.find((f) => f.message.includes('reusable workflow'));
    expect(reusable).toMatchObject({ line: 23, column: 11 });
  });

  it('explains offline how to find the commit', () => {
    const { findings } = findingRows(rule, join(DIR, 'fires'));
    const checkout = findings.find((f) => f.message.includes('actions/checkout'));
    expect(checkout?.fix).toBe(
      'actions/checkout@<sha> # v4, with the sha from: gh api repos/actions/checkout/commits/v4 --jq .sha   (or: git ls-remote https://github.com/actions/checkout v4)',
    );
    const short = findings.find((f) => f.message.includes('setup-uv'));
    expect(short?.message).toContain('a short SHA (3b9817b)');
  });

  it('gives the exact pinned line online', () => {
    const sha = '11bd71901bbe5b1630ceea73d27597364c9af683';
    const github: GithubFacts = {
      refs: new Map([
        ['actions/checkout@v4', { status: 'found', sha, kind: 'tag' }],
        ['actions/setup-python@main', { status: 'found', sha: 'a'.repeat(40), kind: 'branch' }],
        ['astral-sh/setup-uv@3b9817b', { status: 'missing' }],
      ]),
      tagsAtCommit: new Map([[`actions/checkout@${sha}`, ['v4', 'v4.2', 'v4.2.2', 'v5-beta']]]),
      reachable: new Map(),
    };
    const workflows = workflowsFrom({
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-python@main\n      - uses: astral-sh/setup-uv@3b9817b\n',
    });
    const findings = rule.check(ruleContext(workflows, { github }));
    expect(findings.map((f) => f.fix)).toEqual([
      `actions/checkout@${sha} # v4.2.2`,
      `actions/setup-python@${'a'.repeat(40)}`,
      'Pin an existing release: astral-sh/setup-uv@<sha> # <tag>; list them with: gh api repos/astral-sh/setup-uv/tags --jq \'.[] | .name + " " + .commit.sha\'',
    ]);
    expect(findings[1].message).toContain('the branch main');
    expect(findings[2].message).toContain('GitHub has no ref 3b9817b');
  });

  it('honours allow-ref-pin for tags, never for branches', () => {
    const workflows = workflowsFrom({
      '.github/workflows/ci.yml': [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - uses: Actions/Cache@v4',
        '      - uses: actions/setup-python@main',
        '      - uses: my-org/tool/sub@v1',
        '      - uses: other/tool@v1',
        '',
      ].join('\n'),
    });
    const settings = testSettings({}, ['actions/*', 'my-org/tool/*']);
    const lines = rule.check(ruleContext(workflows, { settings })).map((f) => f.line);
    expect(lines).toEqual([8, 10]);
    const online: GithubFacts = {
      refs: new Map([['actions/checkout@v4', { status: 'found', sha: 'b'.repeat(40), kind: 'branch' }]]),
      tagsAtCommit: new Map(),
      reachable: new Map(),
    };
    expect(rule.check(ruleContext(workflows, { settings, github: online })).map((f) => f.line)).toEqual([6, 8, 10]);
  });

  it('marks as introduced only what base did not have', () => {
    const base = workflowsFrom({ '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n' });
    const head = workflowsFrom({
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/setup-python@v5\n      - uses: actions/checkout@v4\n',
    });
    const findings = rule.check(ruleContext(head, { base }));
    expect(findings.map((f) => [f.line, f.introduced])).toEqual([
      [6, true],
      [7, false],
    ]);
  });

  it('survives odd values', () => {
    const workflows = workflowsFrom({
      '.github/workflows/odd.yml': [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        '      - uses: [not, a, string]',
        '      - uses: 42',
        '      - uses: "@v1"',
        '      - uses: "owner/@v1"',
        '      - uses: "${{ matrix.action }}"',
        '      - uses: "owner/repo@"',
        '      - "not a map"',
        '      - uses: "a/b<script>@v1\\nx"',
        '  b: [1, 2]',
        '  c:',
        '    uses: {}',
        '',
      ].join('\n'),
    });
    const findings = rule.check(ruleContext(workflows));
    expect(findings.map((f) => f.line)).toEqual([7, 8, 9, 10, 11, 13]);
    expect(findings.every((f) => f.severity === 'error')).toBe(true);
  });
});
