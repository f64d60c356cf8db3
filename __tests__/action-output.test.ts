import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hiddenAnnotationsLine, logLine, planAnnotations } from '../src/action/annotations.js';
import { Scrubber } from '../src/action/secrets.js';
import { appendJobSummary, STEP_SUMMARY_MAX_BYTES, summaryBudget } from '../src/action/summary.js';
import { makeFinding, type Severity } from '../src/findings.js';

function many(severity: Severity, n: number) {
  return Array.from({ length: n }, (_, i) =>
    makeFinding({ rule: 'r', severity, file: `f${String(i).padStart(3, '0')}`, line: 1, message: `${severity} ${i}`, subject: `${severity}${i}` }),
  );
}

describe('planAnnotations', () => {
  it("keeps within 10 per type, most severe and first by file first, after lockgate's own messages", () => {
    const plan = planAnnotations([...many('notice', 12), ...many('warning', 3), ...many('error', 25)], { error: 1, notice: 1 });
    expect(plan.shown).toEqual({ error: 9, warning: 3, notice: 9 });
    expect(plan.hidden).toEqual({ error: 16, warning: 0, notice: 3 });
    expect(plan.commands).toHaveLength(21);
    expect(plan.commands[0]).toMatch(/^::error file=f000,line=1,title=lockgate r::error 0$/);
    expect(plan.commands[8]).toMatch(/^::error file=f008,/);
    expect(plan.commands[9]).toMatch(/^::warning /);
    expect(plan.commands[12]).toMatch(/^::notice file=f000,/);
  });

  it('says how many more there are and where', () => {
    const plan = planAnnotations(many('error', 120));
    expect(hiddenAnnotationsLine(plan, ['the check run "lockgate"', 'the job summary'])).toBe(
      '110 more errors not annotated here (GitHub shows 10 of each type per step); every finding is in the check run "lockgate", the job summary.',
    );
    expect(hiddenAnnotationsLine(planAnnotations(many('warning', 10)), ['x'])).toBeNull();
    expect(hiddenAnnotationsLine(planAnnotations(many('notice', 11)), ['x'])).toMatch(/^1 more notice not annotated/);
  });
});

describe('logLine', () => {
  it('cannot start a workflow command or a legacy ##[ command', () => {
    expect(logLine('GitHub: evil\n::error::forged')).toBe('GitHub: evil ::error::forged');
    expect(logLine('pkg ##[add-mask]x and ##[stop-commands]y')).toBe('pkg ##\u200B[add-mask]x and ##\u200B[stop-commands]y');
    expect(logLine('plain')).toBe('plain');
  });
});

describe('Scrubber', () => {
  it('removes the token, and an index password raw, percent-encoded and JSON-escaped', () => {
    const scrubber = new Scrubber();
    scrubber.add('ghs_abcdef123456');
    scrubber.addUrlCredentials('https://user:p%40ss%22word@example.invalid/simple');
    expect(scrubber.scrub('token ghs_abcdef123456 in a line')).toBe('token *** in a line');
    expect(scrubber.scrub('p@ss"word | p%40ss%22word | p@ss\\"word')).toBe('*** | *** | ***');
    // A URL with credentials loses them even when the scrubber did not know them.
    expect(scrubber.scrub('see https://other:hunter22@host/x')).toBe('see https://***@host/x');
  });

  it('treats a bare user name as the credential, but leaves a plain user name next to a password alone', () => {
    const tokenOnly = new Scrubber();
    tokenOnly.addUrlCredentials('https://glpat-0123456789@gitlab.example/simple');
    expect(tokenOnly.scrub('glpat-0123456789')).toBe('***');
    const userAndPassword = new Scrubber();
    userAndPassword.addUrlCredentials('https://user:s3cret-value@example.invalid/simple');
    expect(userAndPassword.scrub('the user said s3cret-value')).toBe('the user said ***');
  });

  it('ignores empty and very short values, which would scrub ordinary text', () => {
    const scrubber = new Scrubber();
    scrubber.add('');
    scrubber.add('ab');
    scrubber.add(null);
    expect(scrubber.scrub('ab cd')).toBe('ab cd');
  });
});

describe('job summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockgate-summary-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('budgets what is left of 1 MiB after what the step already wrote', () => {
    const path = join(dir, 'a.md');
    expect(summaryBudget(path)).toBe(STEP_SUMMARY_MAX_BYTES - 1024);
    writeFileSync(path, 'x'.repeat(1000));
    expect(summaryBudget(path)).toBe(STEP_SUMMARY_MAX_BYTES - 1024 - 1000);
  });

  it('appends with a final newline, and refuses what would go over', () => {
    const path = join(dir, 'b.md');
    expect(appendJobSummary(path, '## lockgate')).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('## lockgate\n');
    expect(appendJobSummary(path, 'x'.repeat(STEP_SUMMARY_MAX_BYTES))).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe('## lockgate\n');
  });
});
