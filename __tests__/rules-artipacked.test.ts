import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/artipacked.js';
import { corpusRepos, riskContext, rowsOf, workflowsFromFixtures, workflowsFromTexts, type Row } from './support/workflow-risks.js';

const FIRES = '.github/workflows/fires.yml';
const QUIET = '.github/workflows/quiet.yml';
const ACTION = 'tools/checkout/action.yml';

describe('artipacked on fixtures', () => {
  const all = rule.check(
    riskContext(workflowsFromFixtures({ [FIRES]: 'artipacked/fires.yml', [QUIET]: 'artipacked/quiet.yml', [ACTION]: 'artipacked/composite-action.yml' })),
  );
  // What the default (regular) persona shows; the explicit persist-credentials values are below.
  const findings = all.filter((f) => f.persona === undefined);
  const warning = (file: string, line: number, column: number): Row => ({ file, line, column, severity: 'warning' });

  it.each<[string, string, Row[]]>([
    [
      'SHA-pinned and tag-pinned checkouts, with and without a with: block, and one followed by a workspace upload',
      FIRES,
      [
        warning(FIRES, 9, 15),
        warning(FIRES, 10, 15),
        // A later upload of the whole workspace publishes the token: an error.
        { file: FIRES, line: 18, column: 15, severity: 'error' },
      ],
    ],
    ['persist-credentials false (bool or string), deliberate true, an expression, look-alikes and plain git: nothing for the regular persona', QUIET, []],
    ['a composite action checkout', ACTION, [warning(ACTION, 6, 13)]],
  ])('%s', (_title, file, expected) => {
    expect(rowsOf(findings.filter((f) => f.file === file))).toEqual(expected);
  });

  it("zizmor's personas and confidence: true for the auditor, an expression for the pedantic; low without an upload, high with one", () => {
    expect(all.filter((f) => f.persona !== undefined).map((f) => [f.file, f.line, f.severity, f.confidence, f.persona])).toEqual([
      [QUIET, 17, 'warning', 'low', 'auditor'],
      [QUIET, 20, 'warning', 'low', 'pedantic'],
    ]);
    expect(all.find((f) => f.persona === 'auditor')!.message).toContain('(persist-credentials: true)');
    expect(findings.map((f) => [f.line, f.severity, f.confidence])).toEqual([
      [9, 'warning', 'low'],
      [10, 'warning', 'low'],
      [18, 'error', 'high'],
      [6, 'warning', 'low'],
    ]);
  });

  it('gives the exact YAML to add, depending on whether the step has with:', () => {
    const at = (line: number) => findings.find((f) => f.file === FIRES && f.line === line)!;
    expect(at(9).fix).toBe('Add to this step:\nwith:\n  persist-credentials: false');
    expect(at(10).fix).toBe("Add persist-credentials: false under this step's with:");
    expect(at(9)).toMatchObject({ rule: 'artipacked', introduced: true });
  });

  it('says when a later step of the same job uploads the whole workspace', () => {
    const at = (line: number) => findings.find((f) => f.file === FIRES && f.line === line)!;
    expect(at(18).message).toContain('a later step (line 20) uploads the whole workspace as an artifact, token included');
    expect(at(9).message).not.toContain('uploads');
  });

  it('gives that upload step as a related location (SARIF relatedLocations), and none without one', () => {
    const at = (line: number) => findings.find((f) => f.file === FIRES && f.line === line)!;
    expect(at(18).related).toEqual([{ file: FIRES, line: 20, column: expect.any(Number), message: 'the step that uploads the workspace' }]);
    expect(at(9).related).toBeUndefined();
  });

  it('keeps fingerprints stable when steps are inserted before a checkout', () => {
    const base = workflowsFromTexts({ [FIRES]: 'on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n' });
    const head = workflowsFromTexts({
      [FIRES]:
        'on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - run: echo first\n      - uses: actions/checkout@v4\n      - uses: actions/checkout@v4\n        with: {path: b}\n',
    });
    expect(rule.check(riskContext(head, base)).map((f) => [f.line, f.introduced])).toEqual([
      [7, false],
      [8, true],
    ]);
  });
});

/**
 * Checked by hand: mitmproxy's release.yml checks out with a push token and persist-credentials:
 * true on purpose (the release script pushes); a third-party action runs after it. No corpus
 * workflow writes persist-credentials as an expression.
 */
const AUDITOR_IN_CORPUS = 1;
const PEDANTIC_IN_CORPUS = 0;

describe('artipacked on the shared corpus', () => {
  const repos = corpusRepos();
  const everything = new Map(repos.map((repo) => [repo.repo, rule.check(riskContext(repo.workflows))]));
  const byRepo = new Map([...everything].map(([repo, found]) => [repo, found.filter((f) => f.persona === undefined)]));

  it('reports exactly the actions/checkout steps a line scan finds without persist-credentials', () => {
    let total = 0;
    for (const repo of repos) {
      const expected: string[] = [];
      for (const wf of repo.workflows) {
        const lines = wf.text.split('\n');
        lines.forEach((line, i) => {
          const match = /^(\s*(?:- )?)uses:\s*["']?actions\/checkout@/.exec(line);
          if (!match) return;
          // The step's keys sit at the column of `uses`; the step ends at the first line indented less.
          const indent = match[1].length;
          let persists = true;
          for (const next of lines.slice(i + 1)) {
            if (next.trim() === '' || next.trim().startsWith('#')) continue;
            if (next.length - next.trimStart().length < indent) break;
            if (/^\s*persist-credentials\s*:/.test(next)) persists = false;
          }
          // A persist-credentials key may also come before uses: within the same step.
          for (const previous of lines.slice(0, i).reverse()) {
            if (previous.trim() === '' || previous.trim().startsWith('#')) continue;
            if (previous.length - previous.trimStart().length < indent || /^\s*- /.test(previous)) {
              if (/^\s*- \s*persist-credentials/.test(previous)) persists = false;
              break;
            }
            if (/^\s*persist-credentials\s*:/.test(previous)) persists = false;
          }
          if (persists) expected.push(`${wf.file}:${i + 1}`);
        });
      }
      const found = byRepo.get(repo.repo)!.map((f) => `${f.file}:${f.line}`);
      expect(found.sort()).toEqual(expected.sort());
      total += found.length;
    }
    expect(total).toBe(58);
  });

  it('finds the explicit persist-credentials values for the other personas: true (auditor), an expression (pedantic)', () => {
    const others = [...everything.values()].flat().filter((f) => f.persona !== undefined);
    const count = (persona: string) => others.filter((f) => f.persona === persona).length;
    expect({ auditor: count('auditor'), pedantic: count('pedantic') }).toEqual({ auditor: AUDITOR_IN_CORPUS, pedantic: PEDANTIC_IN_CORPUS });
  });

  it.each<[string, string, number]>([
    // Inspected by hand: a named step `uses: actions/checkout@<sha>` with no with: block, in a job that pushes to gh-pages.
    ['openai__openai-agents-python', '.github/workflows/docs.yml', 19],
    // A composite action that sets up Python but checks nothing out.
    ['docling-project__docling', '.github/actions/setup-ubuntu-ci/action.yml', -1],
  ])('%s %s', (repo, file, line) => {
    const findings = byRepo.get(repo)!.filter((f) => f.file === file);
    if (line < 0) expect(findings).toEqual([]);
    else expect(findings.map((f) => f.line)).toContain(line);
  });

  it('stays quiet on repositories that set persist-credentials: false everywhere', () => {
    expect(byRepo.get('astral-sh__uv')).toEqual([]);
    expect(byRepo.get('pallets__flask')).toEqual([]);
  });
});
