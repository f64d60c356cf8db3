import { describe, expect, it } from '@jest/globals';
import { compareFindings, fingerprintOf, makeFinding } from '../src/findings.js';

describe('makeFinding', () => {
  it('fingerprints by rule, file and subject, not by line', () => {
    const a = makeFinding({ rule: 'cooldown', severity: 'error', file: 'uv.lock', line: 3, message: 'm', subject: 'httpx' });
    const b = makeFinding({ rule: 'cooldown', severity: 'error', file: 'uv.lock', line: 90, message: 'other', subject: 'httpx' });
    const c = makeFinding({ rule: 'cooldown', severity: 'error', file: 'uv.lock', line: 3, message: 'm', subject: 'idna' });
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
    expect(a.fingerprint).toBe(fingerprintOf('cooldown', 'uv.lock', 'httpx'));
    expect(a.introduced).toBe(true);
    expect('fix' in a).toBe(false);
  });
  it('orders the most severe first', () => {
    const n = makeFinding({ rule: 'x', severity: 'notice', file: 'a', message: 'm', subject: 's' });
    const e = makeFinding({ rule: 'x', severity: 'error', file: 'b', message: 'm', subject: 's' });
    expect([n, e].sort(compareFindings).map((f) => f.severity)).toEqual(['error', 'notice']);
  });
});
