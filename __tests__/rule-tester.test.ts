/** The rule tester itself: it must fail a case that does not hold, or it proves nothing. */
import { describe, expect, it } from '@jest/globals';
import { rule as curlPipeShell } from '../src/rules/workflows/curl-pipe-shell.js';
import { rule as downgrade } from '../src/rules/uv/downgrade.js';
import { ruleTester } from './support/rule-tester.js';

const WORKFLOW = (run: string, marker = '') => ({
  '.github/workflows/ci.yml': `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}${marker}\n`,
});

describe('ruleTester', () => {
  const tester = ruleTester(curlPipeShell);

  it('passes a case that holds, from markers or from expected rows', () => {
    tester.verifyInvalid({ files: WORKFLOW('curl -fsSL https://example.com/x | sh', ' # expect[curl-pipe-shell:warning]') });
    tester.verifyInvalid({
      files: WORKFLOW('curl -fsSL https://example.com/x | sh'),
      expected: [{ file: '.github/workflows/ci.yml', line: 6, severity: 'warning' }],
    });
    tester.verifyValid({ files: WORKFLOW('make') });
  });

  it('fails a valid case that finds something, or marks something', () => {
    expect(() => tester.verifyValid({ files: WORKFLOW('curl -fsSL https://example.com/x | sh') })).toThrow();
    expect(() => tester.verifyValid({ files: WORKFLOW('make', ' # expect[curl-pipe-shell:warning]') })).toThrow(/marks 1 expected/);
  });

  it('fails an invalid case with another line, another severity, a missing or an extra finding', () => {
    const files = WORKFLOW('curl -fsSL https://example.com/x | sh');
    expect(() => tester.verifyInvalid({ files, expected: [{ file: '.github/workflows/ci.yml', line: 5, severity: 'warning' }] })).toThrow();
    expect(() => tester.verifyInvalid({ files, expected: [{ file: '.github/workflows/ci.yml', line: 6, severity: 'error' }] })).toThrow();
    expect(() => tester.verifyInvalid({ files, expected: [] })).toThrow();
    expect(() => tester.verifyInvalid({ files: WORKFLOW('make', ' # expect[curl-pipe-shell:warning]') })).toThrow();
  });

  it('leaves out what an inline ignore comment waives, as a run does, and fails on an ignore that waives nothing', () => {
    const piped = 'curl -fsSL https://example.com/x | sh';
    tester.verifyValid({ files: WORKFLOW(piped, ' # lockgate: ignore[curl-pipe-shell] reviewed') });
    expect(tester.findings({ files: WORKFLOW(piped, ' # lockgate: ignore[curl-pipe-shell] reviewed') })).toHaveLength(1);
    expect(() => tester.verifyValid({ files: WORKFLOW(piped, ' # lockgate: ignore[another-rule] reviewed') })).toThrow();
    expect(() => tester.verifyValid({ files: WORKFLOW('make', ' # lockgate: ignore[curl-pipe-shell] stale') })).toThrow(/waives no curl-pipe-shell finding/);
    expect(() =>
      tester.verifyInvalid({
        files: WORKFLOW(piped, ' # lockgate: ignore[curl-pipe-shell] reviewed'),
        expected: [{ file: '.github/workflows/ci.yml', line: 6, severity: 'warning' }],
      }),
    ).toThrow();
  });

  it('refuses an invalid case without expectations', () => {
    expect(() => tester.verifyInvalid({ files: WORKFLOW('curl -fsSL https://example.com/x | sh') })).toThrow(/neither expected rows nor/);
  });

  it('reads fixture folders with base and head sides (uv rules)', () => {
    const uv = ruleTester(downgrade);
    uv.verifyInvalid({ fixture: 'fixtures/uv/cases/downgrade', expected: [{ file: 'uv.lock', line: 63, severity: 'notice' }] });
    expect(() => uv.verifyValid({ fixture: 'fixtures/uv/cases/downgrade' })).toThrow();
    expect(() => uv.verifyValid({ fixture: 'fixtures/uv/cases/no-such-case' })).toThrow(/no fixture folder/);
  });
});
