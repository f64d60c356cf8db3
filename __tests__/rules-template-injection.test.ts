import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/template-injection.js';
import { classifyContext, type ContextScope } from '../src/workflows/contexts.js';
import { dataflowContexts, findExpressions, parseExpression } from '../src/workflows/expressions.js';
import { envNameFor } from '../src/rules/workflows/template-injection.js';
import { corpusRepos, riskContext, rowsOf, workflowsFromFixtures, workflowsFromTexts, type Row } from './support/workflow-risks.js';

const FIRES = '.github/workflows/fires.yml';
const QUIET = '.github/workflows/quiet.yml';
const ACTION = '.github/actions/composite/action.yml';

function run(files: Record<string, string>) {
  return rule.check(riskContext(workflowsFromFixtures(files)));
}

describe('template-injection on fixtures', () => {
  const everything = run({
    [FIRES]: 'template-injection/fires.yml',
    [QUIET]: 'template-injection/quiet.yml',
    [ACTION]: 'template-injection/composite-action.yml',
  });
  // What the default (regular) persona shows; the pedantic code smells are tested below.
  const findings = everything.filter((f) => f.persona === undefined);

  const error = (line: number, column: number): Row => ({ file: FIRES, line, column, severity: 'error' });
  const warning = (line: number, column: number): Row => ({ file: FIRES, line, column, severity: 'warning' });

  it.each<[string, Row[]]>([
    ['one-line run: PR title', [error(25, 20)]],
    ['block scalar: head_ref and issue body on one line (columns inside the script)', [error(29, 23), error(29, 56)]],
    ['toJSON(github.event) carries every attacker field', [error(30, 17)]],
    ['folded scalar, indexed commit message', [error(33, 16)]],
    ['double-quoted scalar: review body (error) and a step output (warning)', [error(35, 22), warning(35, 56)]],
    ['free-text inputs, declared and undeclared types, both spellings', [warning(38, 16), warning(38, 35), warning(38, 57)]],
    ['env set from a comment body is an error; unknown env and a computed matrix are warnings', [error(39, 16), warning(39, 40), warning(39, 64)]],
    ['job output, ref_name, format() of a PR body', [warning(40, 16), warning(40, 50), error(40, 73)]],
    ['workflow_run head branch behind ||, head repo name', [error(41, 16), error(41, 71)]],
    ['a }} inside a string literal does not end the expression', [error(43, 19)]],
    ['pwsh step', [error(46, 28)]],
    ['actions/github-script script:', [error(51, 28)]],
  ])('%s', (_title, expected) => {
    const lines = new Set(expected.map((row) => row.line));
    expect(rowsOf(findings.filter((f) => f.file === FIRES && lines.has(f.line ?? 0)))).toEqual(expected);
  });

  it('reports nothing else in fires.yml (21 findings, all listed above)', () => {
    expect(findings.filter((f) => f.file === FIRES)).toHaveLength(21);
  });

  it.each<[number, number, string]>([
    // Attacker-controlled: high, whatever the path or the env: indirection.
    [25, 20, 'high'],
    [39, 16, 'high'],
    // zizmor's grading of the rest: other github.* and a matrix that is not all literals medium;
    // inputs of unknown type, step and job outputs, env set at run time low.
    [40, 50, 'medium'],
    [39, 64, 'medium'],
    [38, 16, 'low'],
    [38, 57, 'low'],
    [35, 56, 'low'],
    [40, 16, 'low'],
    [39, 40, 'low'],
  ])('confidence at %i:%i is %s', (line, column, confidence) => {
    expect(findings.find((f) => f.file === FIRES && f.line === line && f.column === column)?.confidence).toBe(confidence);
  });

  it("gives an expansion of only safe values in code a pedantic notice (zizmor's code smell), never a secret or a result", () => {
    const smells = everything.filter((f) => f.persona === 'pedantic');
    expect(smells.every((f) => f.severity === 'notice' && f.confidence === 'high' && f.message.includes('Nothing in it is untrusted today'))).toBe(true);
    const quiet = smells.filter((f) => f.file === QUIET);
    expect(quiet.map((f) => f.message.slice(0, f.message.indexOf(' }}') + 3))).toEqual(
      expect.arrayContaining(['${{ github.sha }}', '${{ inputs.level }}', '${{ matrix.os }}', '${{ env.STATIC }}', '${{ vars.API_URL }}']),
    );
    expect(quiet.some((f) => /secrets|github\.token/.test(f.message.slice(0, 40)))).toBe(false);
    expect(quiet).toHaveLength(25);
    expect(everything.filter((f) => f.persona !== undefined && f.persona !== 'pedantic')).toEqual([]);
  });

  it('never reports safe contexts, typed inputs, literal matrices, env routing or non-sink inputs (quiet.yml)', () => {
    expect(findings.filter((f) => f.file === QUIET)).toEqual([]);
  });

  it('checks composite actions: a string input in run is a warning, a commit message in github-script an error', () => {
    expect(rowsOf(findings.filter((f) => f.file === ACTION))).toEqual([
      { file: ACTION, line: 12, column: 20, severity: 'warning' },
      { file: ACTION, line: 18, column: 29, severity: 'error' },
    ]);
  });

  it('sets rule, introduced and a fix naming the exact env line and the variable reference', () => {
    const title = findings.find((f) => f.file === FIRES && f.line === 25)!;
    expect(title).toMatchObject({ rule: 'template-injection', introduced: true });
    expect(title.message).toContain('github.event.pull_request.title');
    expect(title.message).toContain('anyone who opens a pull request');
    expect(title.fix).toBe(
      'Add env: to this step with the line PR_TITLE: ${{ github.event.pull_request.title }} and write "$PR_TITLE" in place of the expression.',
    );
  });

  it.each<[number, number, string]>([
    [29, 23, 'Replace ${{ github.head_ref }} with "$GITHUB_HEAD_REF": the runner already sets that variable.'],
    [39, 16, 'Replace ${{ env.FROM_RUNTIME }} with "$FROM_RUNTIME": the value is already in the step\'s environment.'],
    [46, 28, 'Add env: to this step with the line ISSUE_TITLE: ${{ github.event.issue.title }} and write $env:ISSUE_TITLE in place of the expression.'],
    [51, 28, 'Add env: to this step with the line PR_TITLE: ${{ github.event.pull_request.title }} and write process.env.PR_TITLE in place of the expression.'],
  ])('fix at %i:%i', (line, column, fix) => {
    expect(findings.find((f) => f.file === FIRES && f.line === line && f.column === column)?.fix).toBe(fix);
  });

  it('explains an env variable by the attacker field that set it', () => {
    const viaEnv = findings.find((f) => f.file === FIRES && f.line === 39 && f.column === 16)!;
    expect(viaEnv.message).toContain('env.FROM_RUNTIME, set from github.event.comment.body, written by anyone who can comment');
  });

  it('adds to an existing step env: instead of creating one', () => {
    const [finding] = rule.check(
      riskContext(
        workflowsFromTexts({
          '.github/workflows/w.yml':
            'on: issues\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          A: b\n        run: echo ${{ github.event.issue.title }}\n',
        }),
      ),
    );
    expect(finding).toMatchObject({ line: 8, column: 19, severity: 'error' });
    expect(finding.fix).toBe(
      'Add the line ISSUE_TITLE: ${{ github.event.issue.title }} under this step\'s env: and write "$ISSUE_TITLE" in place of the expression.',
    );
  });
});

describe('template-injection: introduced against base', () => {
  const base = workflowsFromTexts({
    '.github/workflows/w.yml':
      'on: issues\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - name: greet\n        run: echo ${{ github.event.issue.title }}\n',
  });
  const head = workflowsFromTexts({
    // The same expansion two lines lower (a comment added) and a new one in the same step.
    '.github/workflows/w.yml':
      'on: issues\n# a\n# b\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - name: greet\n        run: echo ${{ github.event.issue.title }} ${{ github.event.issue.body }}\n',
  });

  it('keeps an unchanged finding (moved lines) as not introduced and marks the new one', () => {
    const findings = rule.check(riskContext(head, base));
    expect(findings.map((f) => [f.line, f.column, f.introduced])).toEqual([
      [9, 19, false],
      [9, 51, true],
    ]);
  });

  it('treats a second copy of the same expansion as introduced', () => {
    const twice = workflowsFromTexts({
      '.github/workflows/w.yml':
        'on: issues\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - name: greet\n        run: |\n          echo ${{ github.event.issue.title }}\n          echo ${{ github.event.issue.title }}\n',
    });
    expect(rule.check(riskContext(twice, base)).map((f) => [f.line, f.introduced])).toEqual([
      [8, false],
      [9, true],
    ]);
  });

  it('marks everything introduced in a full audit', () => {
    expect(rule.check(riskContext(base, null)).map((f) => f.introduced)).toEqual([true]);
  });
});

describe('expressions', () => {
  it('finds ${{ }} spans, skipping }} inside string literals and stopping at an unclosed one', () => {
    const text = "a ${{ x }} b ${{ format('}}', y) }} c ${{ 'it''s }}' }} d ${{ never closed";
    expect(findExpressions(text).map((span) => span.body.trim())).toEqual(['x', "format('}}', y)", "'it''s }}'"]);
  });

  it.each<[string, string[]]>([
    ['github.event.issue.title', ['github.event.issue.title']],
    ["github.event['pull_request'].title", ['github.event.pull_request.title']],
    ['github.event.commits[0].message', ['github.event.commits.*.message']],
    ['github.event.commits.*.author.name', ['github.event.commits.*.author.name']],
    ['github.event[inputs.key]', ['github.event.*']],
    ["format('{0} {1}', github.head_ref, inputs.x)", ['github.head_ref', 'inputs.x']],
    ["a.b || 'x'", ['a.b']],
    ["github.event.comment.body && 'yes' || 'no'", []],
    ['x && y.z', ['y.z']],
    ["contains(github.event.issue.title, 'x')", []],
    ["github.event.issue.title == 'x'", []],
    ['!github.event.issue.title', []],
    ["hashFiles('**/uv.lock')", []],
    ['fromJSON(steps.s.outputs.json).name', ['steps.s.outputs.json']],
    ['toJSON(github)', ['github']],
    ["'literal'", []],
    ['(github.event.issue.body)', ['github.event.issue.body']],
    ['-1 < 2', []],
  ])('dataflow of %s', (body, paths) => {
    expect(dataflowContexts(body)).toEqual(paths);
  });

  it('falls back to every context in an unparsable expression (never safe by accident)', () => {
    expect(parseExpression('github.event.issue.title +++ 1')).toBeNull();
    expect(dataflowContexts("github.event.issue.title +++ 'github.sha' steps.a.outputs['b']")).toEqual(['github.event.issue.title', 'steps.a.outputs.*']);
  });

  it('survives pathological input', () => {
    expect(parseExpression('('.repeat(50_000))).toBeNull();
    expect(dataflowContexts('('.repeat(50_000) + 'github.head_ref')).toEqual(['github.head_ref']);
    expect(findExpressions('${{'.repeat(10_000))).toEqual([]);
  });
});

describe('context trust', () => {
  const scope: ContextScope = {
    inputTypes: new Map([
      ['flag', ['boolean']],
      ['mixed', ['boolean', 'string']],
      ['pick', ['choice']],
    ]),
    envSource: (name) =>
      name === 'static' ? { kind: 'literal' } : name === 'title' ? { kind: 'expression', contexts: ['github.event.issue.title'] } : undefined,
    isStaticMatrix: (name) => name === 'os',
  };

  it.each<[string, string]>([
    ['github.event.pull_request.title', 'attacker'],
    ['GitHub.Event.Pull_Request.Title', 'attacker'],
    ['github.event.pull_request.head.repo.description', 'attacker'],
    ['github.event.pull_request.head.repo.id', 'safe'],
    ['github.event.pull_request.head.sha', 'safe'],
    ['github.event.pull_request', 'attacker'],
    ['github.event.commits.*', 'attacker'],
    ['github.event.commits.*.id', 'safe'],
    ['github.event.workflow_run.head_commit.author.email', 'attacker'],
    ['github.event.release.body', 'untrusted'],
    ['github.event.client_payload.cmd', 'untrusted'],
    ['github.head_ref', 'attacker'],
    ['github.ref_name', 'untrusted'],
    ['github.actor', 'untrusted'],
    ['github.sha', 'safe'],
    ['github.repository', 'safe'],
    ['secrets.PYPI_TOKEN', 'safe'],
    ['vars.URL', 'safe'],
    ['runner.os', 'safe'],
    ['steps.a.outputs.b', 'untrusted'],
    ['steps.a.outcome', 'safe'],
    ['needs.a.result', 'safe'],
    ['needs.a.outputs.v', 'untrusted'],
    ['inputs.flag', 'safe'],
    ['inputs.mixed', 'untrusted'],
    ['inputs.pick', 'safe'],
    ['github.event.inputs.flag', 'safe'],
    ['inputs.unknown', 'untrusted'],
    ['env.STATIC', 'safe'],
    ['env.TITLE', 'attacker'],
    ['env.OTHER', 'untrusted'],
    ['matrix.os', 'safe'],
    ['matrix.target', 'untrusted'],
  ])('%s is %s', (path, trust) => {
    expect(classifyContext(path, scope)).toBe(trust);
  });

  it.each<[string, string]>([
    ['github.event.pull_request.title', 'PR_TITLE'],
    ['github.event.commits.*.message', 'COMMITS_MESSAGE'],
    ['steps.meta.outputs.tags', 'META_TAGS'],
    ['needs.plan.outputs.version', 'PLAN_VERSION'],
    ['inputs.test-type', 'INPUT_TEST_TYPE'],
    ['github.event', 'EVENT'],
    ['github.workflow_ref', 'GH_WORKFLOW_REF'],
    ['matrix.2x', 'MATRIX_2X'],
    ['env.github_thing', 'X_GITHUB_THING'],
  ])('env name for %s is %s', (path, name) => {
    expect(envNameFor(path)).toBe(name);
  });
});

/** `${{ github.sha }}`, `${{ matrix.python }}`, typed inputs and the like in run: scripts of the corpus. */
const CODE_SMELLS_IN_CORPUS = 94;

describe('template-injection on the shared corpus', () => {
  const repos = corpusRepos();
  const everything = new Map(repos.map((repo) => [repo.repo, rule.check(riskContext(repo.workflows))]));
  // The regular persona (the default); the pedantic code smells are counted on their own.
  const byRepo = new Map([...everything].map(([repo, found]) => [repo, found.filter((f) => f.persona === undefined)]));
  const all = [...byRepo.values()].flat();

  it('loads the corpus and runs over every file without throwing', () => {
    expect(repos.length).toBeGreaterThanOrEqual(10);
    expect(repos.reduce((n, repo) => n + repo.workflows.length, 0)).toBeGreaterThan(100);
  });

  it('points every finding at the ${{ of its expression in the file text', () => {
    for (const repo of repos) {
      for (const finding of byRepo.get(repo.repo)!) {
        const line = repo.texts.get(finding.file)!.split('\n')[finding.line! - 1];
        expect(line.slice(finding.column! - 1).startsWith('${{')).toBe(true);
      }
    }
  });

  it('finds no attacker-controlled expansion in these hardened repositories, and 23 untrusted ones', () => {
    expect(all.filter((f) => f.severity === 'error')).toEqual([]);
    expect(all.filter((f) => f.severity === 'warning')).toHaveLength(23);
    // Checked by hand: the medium ones are docling's release fields (release authors have write
    // access) and a computed matrix, and mitmproxy's github.ref_name; the low ones inputs of
    // composite actions and string inputs, and step outputs.
    expect(all.filter((f) => f.confidence === 'medium')).toHaveLength(9);
    expect(all.filter((f) => f.confidence === 'low')).toHaveLength(14);
  });

  it('counts the pedantic code smells apart: expansions of safe values only, shown with --persona pedantic', () => {
    const smells = [...everything.values()].flat().filter((f) => f.persona === 'pedantic');
    expect(smells.every((f) => f.severity === 'notice')).toBe(true);
    expect(smells).toHaveLength(CODE_SMELLS_IN_CORPUS);
  });

  it.each<[string, string, number, number, string]>([
    // A string-typed workflow_dispatch input behind ||, deep in a heredoc (inspected by hand).
    ['PrefectHQ__fastmcp', '.github/workflows/marvin-dedupe-issues.yml', 51, 97, 'inputs.issue_number'],
    // A composite action's string input interpolated into `uv sync`.
    ['docling-project__docling', '.github/actions/setup-ubuntu-ci/action.yml', 59, 20, 'inputs.uv_sync_args'],
    // Release name and body pasted into a shell script: release authors have write access, so a warning.
    ['docling-project__docling', '.github/workflows/discord-release.yml', 23, 13, 'github.event.release.body'],
    // matrix.suite comes from fromJSON(needs.changes.outputs.ml_suites): not literal.
    ['docling-project__docling', '.github/workflows/checks.yml', 265, 39, 'matrix.suite'],
    ['mitmproxy__mitmproxy', '.github/workflows/main.yml', 354, 15, 'github.ref_name'],
  ])('%s %s:%i:%i warns about %s', (repo, file, line, column, path) => {
    const finding = byRepo.get(repo)!.find((f) => f.file === file && f.line === line && f.column === column);
    expect(finding).toMatchObject({ severity: 'warning', rule: 'template-injection' });
    expect(finding!.message).toContain(path);
  });

  it('stays quiet on typed inputs and literal matrices of the corpus', () => {
    // marvin-label-triage.yml line 88 mixes event numbers with a string input: warned for the input only.
    const fastmcp = byRepo.get('PrefectHQ__fastmcp')!;
    expect(fastmcp.filter((f) => f.file === '.github/workflows/run-tests.yml')).toEqual([]);
    expect(byRepo.get('astral-sh__uv')!).toEqual([]);
  });
});
