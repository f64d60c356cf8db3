import { describe, expect, it } from '@jest/globals';
import { isAlias, visit } from 'yaml';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../src/settings/types.js';
import { loadWorkflows } from '../src/workflows/load.js';
import { parseWorkflow } from '../src/workflows/parse.js';
import { get, items, posOf, stepsOf, str } from '../src/workflows/walk.js';
import { FIXTURES, corpusRepos, loadWorkflowsReported, sourceFromDir, sourceFromTexts } from './support/workflows.js';

const OK_WORKFLOW = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n';

describe('loadWorkflows discovery', () => {
  it('finds workflows, actions anywhere and dependabot, and nothing else', () => {
    const files = sourceFromTexts({
      '.github/workflows/ci.yml': OK_WORKFLOW,
      '.github/workflows/release.yaml': OK_WORKFLOW,
      '.github/workflows/nested/not-a-workflow.yml': OK_WORKFLOW,
      '.github/workflows/README.md': '# no',
      '.github/actions/setup/action.yml': 'name: s\nruns:\n  using: composite\n  steps: []\n',
      'action.yaml': "name: d\nruns:\n  using: docker\n  image: 'Dockerfile'\n",
      '.github/dependabot.yml': 'version: 2\nupdates: []\n',
      '.github/ISSUE_TEMPLATE/bug.yml': 'name: bug\n',
      '.github/FUNDING.yml': 'github: me\n',
    });
    const { workflows, invalid } = loadWorkflowsReported(files, DEFAULT_LIMITS);
    expect(invalid).toEqual([]);
    expect(workflows.map((w) => [w.file, w.kind])).toEqual([
      ['.github/actions/setup/action.yml', 'action'],
      ['.github/dependabot.yml', 'dependabot'],
      ['.github/workflows/ci.yml', 'workflow'],
      ['.github/workflows/release.yaml', 'workflow'],
      ['action.yaml', 'action'],
    ]);
  });

  it('loads every file of the shared corpus without an invalid-file finding', () => {
    let count = 0;
    for (const repo of corpusRepos()) {
      const { workflows, invalid } = loadWorkflowsReported(sourceFromDir(join(FIXTURES, 'corpus', repo)), DEFAULT_LIMITS);
      expect(invalid).toEqual([]);
      count += workflows.length;
    }
    expect(count).toBeGreaterThan(100);
  });
});

describe('loadWorkflows invalid files', () => {
  const invalidCases: { name: string; text: string; line: number; message: RegExp }[] = [
    { name: 'a syntax error, reported at its line', text: 'on: push\njobs:\n  a:\n    steps: [\n      - uses: x\n', line: 5, message: /does not parse/ },
    { name: 'an unterminated quote', text: 'name: ok\non: push\njobs: "open\n', line: 3, message: /does not parse/ },
    { name: 'two documents', text: 'on: push\n---\non: pull_request\n', line: 2, message: /does not parse/ },
    { name: 'a tab indentation', text: 'on: push\njobs:\n\ta: 1\n', line: 3, message: /does not parse/ },
    { name: 'an empty file', text: '', line: 1, message: /empty, not a mapping/ },
    { name: 'a list at the top', text: '- a\n- b\n', line: 1, message: /a list, not a mapping/ },
    { name: 'an alias to an undefined anchor', text: 'on: push\njobs: *nothing\n', line: 2, message: /does not parse|names no anchor/ },
    { name: 'an alias that contains itself', text: 'on: push\njobs: &j\n  a:\n    steps: *j\n', line: 4, message: /contains it/ },
    { name: 'absurd nesting', text: 'on: ' + '['.repeat(1000) + ']'.repeat(1000) + '\n', line: 1, message: /nests deeper|does not parse|could not be parsed/ },
  ];
  it.each(invalidCases)('$name gives invalid-file', ({ text, line, message }) => {
    const { workflows, invalid } = loadWorkflowsReported(sourceFromTexts({ '.github/workflows/bad.yml': text }), DEFAULT_LIMITS);
    expect(workflows).toEqual([]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ rule: 'invalid-file', severity: 'error', file: '.github/workflows/bad.yml', line, introduced: true });
    expect(invalid[0].message).toMatch(message);
  });

  it('returns facts, not findings: the file, its kind, the line and column at fault and what went wrong', () => {
    const { workflows, problems } = loadWorkflows(
      sourceFromTexts(
        { '.github/workflows/bad.yml': 'on: push\njobs:\n  a:\n    steps: [\n      - uses: x\n', 'sub/action.yml': '- a\n' },
        { '.github/dependabot.yml': 'a broken symlink' },
      ),
      DEFAULT_LIMITS,
    );
    expect(workflows).toEqual([]);
    expect(problems).toEqual([
      { file: '.github/dependabot.yml', fileKind: 'dependabot', kind: 'unreadable', message: 'a broken symlink', line: 1 },
      {
        file: '.github/workflows/bad.yml',
        fileKind: 'workflow',
        kind: 'syntax',
        message: expect.stringMatching(/^The YAML does not parse: /),
        line: 5,
        column: expect.any(Number),
      },
      {
        file: 'sub/action.yml',
        fileKind: 'action',
        kind: 'not-a-mapping',
        message: 'The file is a list, not a mapping of keys, so it is not a valid action file.',
        line: 1,
      },
    ]);
  });

  it('reports a file the source layer could not read', () => {
    const { workflows, invalid } = loadWorkflowsReported(sourceFromTexts({}, { '.github/workflows/big.yml': 'larger than 64 MiB' }), DEFAULT_LIMITS);
    expect(workflows).toEqual([]);
    expect(invalid).toEqual([expect.objectContaining({ rule: 'invalid-file', file: '.github/workflows/big.yml', line: 1 })]);
    expect(invalid[0].message).toContain('larger than 64 MiB');
  });

  it('refuses a billion-laughs alias bomb with invalid-file', () => {
    const lines = ['on: push', 'a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let i = 1; i <= 30; i++)
      lines.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    lines.push('jobs:', '  boom:', '    steps: *a30');
    const { workflows, invalid } = loadWorkflowsReported(sourceFromTexts({ '.github/workflows/bomb.yml': lines.join('\n') + '\n' }), DEFAULT_LIMITS);
    expect(workflows).toEqual([]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ rule: 'invalid-file', severity: 'error', file: '.github/workflows/bomb.yml', line: 3 });
    expect(invalid[0].message).toMatch(/alias/);
  });

  it('counts nested expansions against maxYamlAliases', () => {
    // y holds 3 aliases; z holds 3 aliases of y, each 1 + 3: 3 + 3 * 4 = 15 resolutions.
    const text = 'x: &x "v"\ny: &y [*x, *x, *x]\nz: [*y, *y, *y]\n';
    expect(parseWorkflow('f.yml', 'workflow', text, { ...DEFAULT_LIMITS, maxYamlAliases: 15 }).ok).toBe(true);
    const refused = parseWorkflow('f.yml', 'workflow', text, { ...DEFAULT_LIMITS, maxYamlAliases: 14 });
    expect(refused.ok).toBe(false);
  });

  it('refuses a 20 MB workflow with invalid-file', () => {
    const step = '      - run: echo "padding padding padding padding padding padding padding padding"\n';
    const text = 'on: push\njobs:\n  big:\n    runs-on: ubuntu-latest\n    steps:\n' + step.repeat(Math.ceil((20 * 1024 * 1024) / step.length));
    expect(text.length).toBeGreaterThan(20 * 1024 * 1024);
    const { workflows, invalid } = loadWorkflowsReported(sourceFromTexts({ '.github/workflows/huge.yml': text }), DEFAULT_LIMITS);
    expect(workflows).toEqual([]);
    expect(invalid).toEqual([expect.objectContaining({ rule: 'invalid-file', severity: 'error', file: '.github/workflows/huge.yml', line: 1 })]);
    expect(invalid[0].message).toMatch(/over the \d+-byte limit/);
  });

  it('honours a smaller limits.maxFileBytes', () => {
    const { invalid } = loadWorkflowsReported(sourceFromTexts({ '.github/workflows/ci.yml': OK_WORKFLOW }), { ...DEFAULT_LIMITS, maxFileBytes: 20 });
    expect(invalid).toHaveLength(1);
    expect(invalid[0].message).toMatch(/over the 20-byte limit/);
  });
});

describe('aliases', () => {
  it('resolves aliases in place so walkers see aliased steps, positioned at the anchor', () => {
    const text = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - &checkout',
      '        uses: actions/checkout@v4',
      '  b:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - *checkout',
      '',
    ].join('\n');
    const outcome = parseWorkflow('.github/workflows/a.yml', 'workflow', text);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const wf = outcome.workflow;
    let aliases = 0;
    visit(wf.doc, { Alias: () => void aliases++ });
    expect(aliases).toBe(0);
    const steps = stepsOf(wf);
    expect(steps.map((s) => [s.job, str(get(s.node, 'uses'))])).toEqual([
      ['a', 'actions/checkout@v4'],
      ['b', 'actions/checkout@v4'],
    ]);
    expect(posOf(wf, get(steps[1].node, 'uses')).line).toBe(7);
    expect(items(get(get(get(wf.doc.contents, 'jobs'), 'b'), 'steps')).some((n) => isAlias(n))).toBe(false);
  });
});
