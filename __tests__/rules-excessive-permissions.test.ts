import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/excessive-permissions.js';
import { corpusRepos, riskContext, rowsOf, workflowsFromFixtures, workflowsFromTexts, type Row } from './support/workflow-risks.js';

const W = (name: string): string => `.github/workflows/${name}.yml`;

/** The quiet fixtures are quiet for the regular persona; the pedantic one sees these (zizmor's logic). */
const PEDANTIC_ON_FIXTURES = [
  ['quiet-every-job.yml', 'notice', 'high'], // read-all that no job inherits
  ['quiet-reusable.yml', 'warning', 'medium'], // a workflow_call-only workflow's job on its caller's token
  ['quiet-shadowed.yml', 'warning', 'high'],
  ['quiet-single-job.yml', 'warning', 'high'], // write scopes at workflow level with one job
  ['quiet-single-job.yml', 'warning', 'high'],
  ['quiet-write-all-shadowed.yml', 'warning', 'high'],
];

/**
 * Checked by hand: 21 workflow-level write scopes in one-job workflows (fastmcp's marvin, publish
 * and update workflows, docling's dco-advisor, mitmproxy's release, openai-agents' docs and
 * release-tag) and 13 jobs of workflow_call-only workflows without a block (uv's check-release,
 * docling's checks and docs).
 */
const PEDANTIC_IN_CORPUS = 34;

describe('excessive-permissions on fixtures', () => {
  const names = [
    'default',
    'write-all',
    'workflow-scopes',
    'quiet',
    'quiet-single-job',
    'quiet-every-job',
    'quiet-shadowed',
    'quiet-reusable',
    'quiet-write-all-shadowed',
  ];
  const everything = rule.check(riskContext(workflowsFromFixtures(Object.fromEntries(names.map((name) => [W(name), `excessive-permissions/${name}.yml`])))));
  // What the default (regular) persona shows; the pedantic ones are tested below.
  const findings = everything.filter((f) => f.persona === undefined);
  const warning = (name: string, line: number, column: number): Row => ({ file: W(name), line, column, severity: 'warning' });

  it.each<[string, Row[]]>([
    // Jobs without permissions in a workflow without any (a reusable-workflow call included); the job that sets its own is fine.
    ['default', [warning('default', 4, 3), warning('default', 14, 3)]],
    // write-all at workflow level (on the permissions: key) and at job level.
    ['write-all', [warning('write-all', 3, 1), warning('write-all', 11, 5)]],
    // Each write scope at workflow level that a job inherits; read and none scopes are fine.
    ['workflow-scopes', [warning('workflow-scopes', 4, 3), warning('workflow-scopes', 6, 3)]],
    ['quiet', []],
    ['quiet-single-job', []],
    ['quiet-every-job', []],
    ['quiet-shadowed', []],
    ['quiet-reusable', []],
    // write-all at the top that no job inherits: every job's own block replaces it.
    ['quiet-write-all-shadowed', []],
  ])('%s.yml', (name, expected) => {
    expect(rowsOf(findings.filter((f) => f.file === W(name)))).toEqual(expected);
  });

  it("zizmor's pedantic cases: a workflow-level block no job inherits, or one job only, and a reusable workflow's jobs", () => {
    const pedantic = everything.filter((f) => f.persona === 'pedantic');
    expect(everything.filter((f) => f.persona !== undefined && f.persona !== 'pedantic')).toEqual([]);
    expect(pedantic.map((f) => [f.file.slice('.github/workflows/'.length), f.severity, f.confidence])).toEqual(PEDANTIC_ON_FIXTURES);
  });

  it('the default token is medium confidence (a repository setting decides it); the rest high', () => {
    expect(findings.filter((f) => f.message.includes('neither has the workflow')).every((f) => f.confidence === 'medium')).toBe(true);
    expect(findings.filter((f) => !f.message.includes('neither has the workflow')).every((f) => f.confidence === 'high')).toBe(true);
  });

  it('names the job and gives the exact block to add', () => {
    const build = findings.find((f) => f.file === W('default') && f.line === 4)!;
    expect(build).toMatchObject({ rule: 'excessive-permissions', introduced: true });
    expect(build.message).toMatch(/^Job build has no permissions: block and neither has the workflow/);
    expect(build.fix).toBe(
      'Add at the top of the workflow (after on:):\npermissions:\n  contents: read\nand give any job that needs more its own permissions: block.',
    );
  });

  it('names the jobs that inherit a workflow-level write-all', () => {
    const top = findings.find((f) => f.file === W('write-all') && f.line === 3)!;
    expect(top.message).toMatch(/^permissions: write-all gives every job without its own permissions: block \(build\) a token that can push code/);
  });

  it('lists the jobs that inherit a workflow-level write scope', () => {
    const contents = findings.find((f) => f.file === W('workflow-scopes') && f.line === 4)!;
    expect(contents.message).toContain('contents: write at workflow level hands write access to every job without its own permissions (test)');
    expect(contents.fix).toBe(
      'Move contents: write into the permissions: block of the job that needs it and keep the workflow level read-only:\npermissions:\n  contents: read',
    );
  });

  it('ignores odd permission values instead of guessing', () => {
    const odd = workflowsFromTexts({
      [W('odd')]:
        'on: push\npermissions: ${{ fromJSON(vars.P) }}\njobs:\n  a:\n    runs-on: x\n    permissions: [contents]\n    steps: [{run: x}]\n  b:\n    runs-on: x\n    permissions: {contents: 7}\n    steps: [{run: x}]\n',
    });
    expect(rule.check(riskContext(odd))).toEqual([]);
  });

  it('reads a job that calls a local reusable workflow by the token its callee declares', () => {
    const caller =
      'on: push\njobs:\n  bounded:\n    uses: ./.github/workflows/callee.yml\n  open:\n    uses: ./.github/workflows/open.yml\n  elsewhere:\n    uses: org/repo/.github/workflows/x.yml@v1\n';
    const workflows = workflowsFromTexts({
      [W('caller')]: caller,
      // Every job of the callee gets a declared token (the workflow's or its own): the caller's default never reaches a step.
      [W('callee')]:
        'on: workflow_call\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: x\n    steps: [{run: x}]\n  b:\n    runs-on: x\n    permissions:\n      issues: write\n    steps: [{run: x}]\n',
      // One job of this callee is left on whatever the caller passes: the caller's default reaches it.
      [W('open')]: 'on: workflow_call\njobs:\n  a:\n    runs-on: x\n    permissions: {}\n    steps: [{run: x}]\n  b:\n    runs-on: x\n    steps: [{run: x}]\n',
    });
    const found = rule.check(riskContext(workflows)).filter((f) => f.file === W('caller'));
    expect(found.map((f) => f.message.split(' ')[1])).toEqual(['open', 'elsewhere']);
  });

  it('marks a job that lost its permissions as introduced, an old one as not', () => {
    const base = workflowsFromTexts({
      [W('w')]: 'on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: x}]\n  b:\n    runs-on: x\n    permissions: {}\n    steps: [{run: x}]\n',
    });
    const head = workflowsFromTexts({
      [W('w')]: 'on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: x}]\n  b:\n    runs-on: x\n    steps: [{run: x}]\n',
    });
    expect(rule.check(riskContext(head, base)).map((f) => [f.line, f.introduced])).toEqual([
      [3, false],
      [6, true],
    ]);
  });
});

describe('excessive-permissions on the shared corpus', () => {
  const repos = corpusRepos();
  const everything = new Map(repos.map((repo) => [repo.repo, rule.check(riskContext(repo.workflows))]));
  const byRepo = new Map([...everything].map(([repo, found]) => [repo, found.filter((f) => f.persona === undefined)]));

  it('runs over every file and finds the 8 cases inspected by hand', () => {
    const all = [...byRepo.entries()].flatMap(([repo, findings]) => findings.map((f) => `${repo}/${f.file}:${f.line}:${f.column}`));
    expect(all.sort()).toEqual(
      [
        // Workflow-level write scopes that several jobs inherit.
        'PrefectHQ__fastmcp/.github/workflows/publish-fastmcp.yml:11:3', // id-token: write
        'PrefectHQ__fastmcp/.github/workflows/run-upgrade-checks.yml:24:3', // issues: write
        // No permissions anywhere: every job on the default token.
        'docling-project__docling/.github/workflows/cd.yml:22:3',
        'docling-project__docling/.github/workflows/cd.yml:42:3',
        'docling-project__docling/.github/workflows/ci-docs.yml:42:3',
        'docling-project__docling/.github/workflows/ci-heavy-examples.yml:20:3',
        'docling-project__docling/.github/workflows/discord-release.yml:9:3',
        'docling-project__docling/.github/workflows/pr-reminders.yml:9:3',
      ].sort(),
    );
  });

  it("finds zizmor's pedantic cases for --persona pedantic", () => {
    const pedantic = [...everything.values()].flat().filter((f) => f.persona === 'pedantic');
    expect(pedantic).toHaveLength(PEDANTIC_IN_CORPUS);
    expect(pedantic.filter((f) => f.message.includes('reaches the only job'))).toHaveLength(21);
  });

  it('agrees with a line scan: every workflow without a top-level permissions: line that has jobs is reported, unless workflow_call-only', () => {
    for (const repo of repos) {
      for (const wf of repo.workflows) {
        if (wf.kind !== 'workflow') continue;
        const hasTopLevel = /^permissions\s*:/m.test(wf.text);
        const triggers = triggerKeysByLines(wf.text);
        const callOnly = triggers.length > 0 && triggers.every((t) => t === 'workflow_call');
        const reported = byRepo.get(repo.repo)!.some((f) => f.file === wf.file && f.message.includes('neither has the workflow'));
        if (hasTopLevel || callOnly) expect(reported).toBe(false);
        else expect([wf.file, reported || /^ {4}permissions\s*:/m.test(wf.text)]).toEqual([wf.file, true]);
      }
    }
  });
});

/** The trigger names of a workflow read line by line: the inline value of `on:`, or its least-indented child keys. */
function triggerKeysByLines(text: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => /^["']?on["']?\s*:/.test(line));
  if (at < 0) return [];
  const inline = lines[at]
    .replace(/^["']?on["']?\s*:/, '')
    .replace(/#.*/, '')
    .trim();
  if (inline)
    return inline
      .replace(/[[\]]/g, '')
      .split(',')
      .map((name) => name.trim());
  const block: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (/^\S/.test(line)) break;
    if (line.trim() && !line.trim().startsWith('#')) block.push(line);
  }
  const indent = Math.min(...block.map((line) => line.length - line.trimStart().length));
  return block.filter((line) => line.length - line.trimStart().length === indent).map((line) => line.trim().replace(/:.*$/, ''));
}
