import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/secrets-inherit.js';
import { corpusRepos, riskContext, rowsOf, workflowsFromFixtures, workflowsFromTexts } from './support/workflow-risks.js';

const CALLER = '.github/workflows/caller.yml';

describe('secrets-inherit on fixtures', () => {
  const workflows = workflowsFromFixtures({
    [CALLER]: 'secrets-inherit/caller.yml',
    '.github/workflows/publish.yml': 'secrets-inherit/publish.yml',
    '.github/workflows/lint.yml': 'secrets-inherit/lint.yml',
  });
  const findings = rule.check(riskContext(workflows));

  it('reports each reusable-workflow call with secrets: inherit on its secrets: line, and nothing else', () => {
    expect(rowsOf(findings)).toEqual([
      { file: CALLER, line: 8, column: 5, severity: 'warning' },
      { file: CALLER, line: 11, column: 5, severity: 'warning' },
      { file: CALLER, line: 14, column: 5, severity: 'warning' },
    ]);
    expect(findings[0]).toMatchObject({ rule: 'secrets-inherit', introduced: true });
    expect(findings[0].message).toMatch(/^Job publish hands every secret this workflow can see to \.\/\.github\/workflows\/publish\.yml/);
  });

  it.each<[number, string]>([
    // Declared PYPI_TOKEN plus an undeclared SLACK_WEBHOOK it reads; GITHUB_TOKEN never needs passing.
    [
      8,
      'Replace secrets: inherit with:\nsecrets:\n  PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}\n  SLACK_WEBHOOK: ${{ secrets.SLACK_WEBHOOK }}\n' +
        'and declare SLACK_WEBHOOK under on.workflow_call.secrets in .github/workflows/publish.yml (it reads it without declaring).',
    ],
    // A local callee (named with an @ref) that reads no secret at all.
    [11, 'Delete secrets: inherit: the called workflow uses no secrets.'],
    // A remote callee lockgate cannot read.
    [
      14,
      'Replace secrets: inherit with only the secrets the called workflow uses (declared under its on.workflow_call.secrets), each passed by name:\nsecrets:\n  NAME: ${{ secrets.NAME }}',
    ],
  ])('fix for the call on line %i', (line, fix) => {
    expect(findings.find((f) => f.line === line)?.fix).toBe(fix);
  });

  it('falls back to the generic fix when the callee itself passes secrets: inherit on', () => {
    const chained = workflowsFromTexts({
      [CALLER]: 'on: push\njobs:\n  a:\n    uses: ./.github/workflows/mid.yml\n    secrets: inherit\n',
      '.github/workflows/mid.yml': 'on: workflow_call\njobs:\n  b:\n    uses: org/x/.github/workflows/y.yml@v1\n    secrets: inherit\n',
    });
    const fixes = rule.check(riskContext(chained)).map((f) => [f.file, f.fix?.split('\n')[0]]);
    expect(fixes).toEqual([
      [CALLER, 'Replace secrets: inherit with only the secrets the called workflow uses (declared under its on.workflow_call.secrets), each passed by name:'],
      [
        '.github/workflows/mid.yml',
        'Replace secrets: inherit with only the secrets the called workflow uses (declared under its on.workflow_call.secrets), each passed by name:',
      ],
    ]);
  });

  it('is introduced only for calls that did not inherit at base', () => {
    const base = workflowsFromTexts({ [CALLER]: 'on: push\njobs:\n  a:\n    uses: o/r/.github/workflows/x.yml@v1\n    secrets: inherit\n' });
    const head = workflowsFromTexts({
      [CALLER]:
        'on: push\njobs:\n  b:\n    uses: o/r/.github/workflows/y.yml@v1\n    secrets: inherit\n  a:\n    uses: o/r/.github/workflows/x.yml@v1\n    secrets: inherit\n',
    });
    expect(rule.check(riskContext(head, base)).map((f) => [f.line, f.introduced])).toEqual([
      [5, true],
      [8, false],
    ]);
  });
});

describe('secrets-inherit on the shared corpus', () => {
  const repos = corpusRepos();
  const byRepo = new Map(repos.map((repo) => [repo.repo, rule.check(riskContext(repo.workflows))]));

  it('reports exactly the `secrets: inherit` lines of job-level calls (line scan)', () => {
    for (const repo of repos) {
      const expected = repo.workflows.flatMap((wf) =>
        wf.text.split('\n').flatMap((line, i) => (/^ {4}secrets:\s*inherit\s*$/.test(line) ? [`${wf.file}:${i + 1}`] : [])),
      );
      expect(
        byRepo
          .get(repo.repo)!
          .map((f) => `${f.file}:${f.line}`)
          .sort(),
      ).toEqual(expected.sort());
    }
    expect(byRepo.get('astral-sh__uv')).toHaveLength(16);
  });

  it('reads the $/ self-repository syntax and lists what the callee reads (uv bench.yml, inspected by hand)', () => {
    const bench = byRepo.get('astral-sh__uv')!.find((f) => f.file === '.github/workflows/ci.yml' && f.line === 163)!;
    expect(bench.message).toContain('$/.github/workflows/bench.yml');
    expect(bench.fix).toBe(
      'Replace secrets: inherit with:\nsecrets:\n  CODSPEED_TOKEN: ${{ secrets.CODSPEED_TOKEN }}\n' +
        'and declare CODSPEED_TOKEN under on.workflow_call.secrets in .github/workflows/bench.yml (it reads it without declaring).',
    );
    const checkDocs = byRepo.get('astral-sh__uv')!.find((f) => f.file === '.github/workflows/ci.yml' && f.line === 45)!;
    expect(checkDocs.fix).toBe('Delete secrets: inherit: the called workflow uses no secrets.');
  });
});
