import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { rule } from '../src/rules/curl-pipe-shell.js';
import { FIXTURES, findingRows } from './workflows-helpers.js';

const DIR = join(FIXTURES, 'rules', 'curl-pipe-shell');

describe('curl-pipe-shell', () => {
  it.each(['fires', 'clean'])('%s fixture: reports exactly the marked lines', (name) => {
    const { rows, expected } = findingRows(rule, join(DIR, name));
    expect(rows).toEqual(expected);
    if (name === 'fires') expect(expected.length).toBeGreaterThanOrEqual(11);
    else expect(expected).toEqual([]);
  });

  it('suggests setup-uv for the uv installer and a checksum otherwise', () => {
    const { findings } = findingRows(rule, join(DIR, 'fires'));
    const byLine = new Map(findings.map((f) => [f.line, f]));
    expect(byLine.get(8)?.message).toContain('downloads https://astral.sh/uv/install.sh and runs it (piped into sh)');
    expect(byLine.get(8)?.fix).toContain('astral-sh/setup-uv@<sha>');
    expect(byLine.get(9)?.fix).toBe('curl -fsSLo install.sh https://example.com/setup && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh');
    expect(byLine.get(11)?.message).toContain('(run by bash)');
  });
});
