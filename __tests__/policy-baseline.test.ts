/**
 * What "introduced" means for the diff-aware gate (src/policy/baseline.ts): a head finding is
 * pre-existing when base, audited on its own, reports the same fingerprint at the same or a worse
 * severity, as many times.
 */
import { describe, expect, it } from '@jest/globals';
import { makeFinding, type Severity } from '../src/findings.js';
import { baselineOf, markPreexisting } from '../src/policy/baseline.js';

const f = (subject: string, severity: Severity = 'error', extra: { line?: number; introduced?: boolean; file?: string } = {}) =>
  makeFinding({
    rule: 'unpinned-uses',
    severity,
    file: extra.file ?? '.github/workflows/ci.yml',
    line: extra.line ?? 1,
    message: subject,
    subject,
    introduced: extra.introduced,
  });

const introducedOf = (head: ReturnType<typeof f>[], base: ReturnType<typeof f>[]) => markPreexisting(head, baselineOf(base)).map((x) => x.introduced);

describe('markPreexisting', () => {
  it.each([
    ['the same finding on another line is not introduced', [f('a', 'error', { line: 9 })], [f('a', 'error', { line: 3 })], [false]],
    ['a finding base does not have is introduced', [f('b')], [f('a')], [true]],
    ['the same subject in another file is introduced', [f('a', 'error', { file: 'x.yml' })], [f('a')], [true]],
    ['a finding made worse (warning at base, error now) is introduced', [f('a', 'error')], [f('a', 'warning')], [true]],
    ['a finding made milder is not introduced', [f('a', 'notice')], [f('a', 'error')], [false]],
    ['a second occurrence beyond base is introduced, the first is not', [f('a'), f('a')], [f('a')], [false, true]],
    ['as many at head as at base: none introduced', [f('a'), f('a')], [f('a'), f('a')], [false, false]],
    ['no base findings: everything introduced', [f('a'), f('b')], [], [true, true]],
    ['a rule that already said "not introduced" is kept so', [f('z', 'error', { introduced: false })], [], [false]],
  ])('%s', (_name, head, base, expected) => {
    expect(introducedOf(head, base)).toEqual(expected);
  });

  it('does not change its inputs', () => {
    const head = [f('a')];
    markPreexisting(head, baselineOf([f('a')]));
    expect(head[0]!.introduced).toBe(true);
  });
});
