/**
 * The unified diff of `lockgate fix --dry-run`: checked against GNU diff's output where diff is on
 * the machine, and by applying each printed hunk back to the old text (a tiny patch) everywhere.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { unifiedDiff } from '../src/fix/diff.js';

/** Applies a unified diff to `before` (what `patch` does), to check the diff says what changed. */
function patch(before: string, diff: string): string {
  const old = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const oldHasNewline = before === '' || before.endsWith('\n');
  const out: string[] = [];
  let at = 0;
  let newHasNewline = oldHasNewline;
  const lines = diff.split('\n').slice(2, -1);
  let last: ' ' | '-' | '+' | null = null;
  for (const line of lines) {
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(line);
    if (hunk) {
      const start = Number(hunk[1]) - (hunk[2] === '0' ? 0 : 1);
      while (at < start) out.push(old[at++]);
      continue;
    }
    if (line === '\\ No newline at end of file') {
      if (last !== '-') newHasNewline = false;
      continue;
    }
    const kind = line[0] as ' ' | '-' | '+';
    last = kind;
    if (kind === ' ') {
      expect(old[at]).toBe(line.slice(1));
      out.push(old[at++]);
    } else if (kind === '-') {
      expect(old[at]).toBe(line.slice(1));
      at++;
      if (at === old.length) newHasNewline = true;
    } else out.push(line.slice(1));
  }
  while (at < old.length) out.push(old[at++]);
  if (at === old.length && lines.length > 0 && !lines.some((l) => l === '\\ No newline at end of file')) newHasNewline = true;
  return out.length === 0 ? '' : `${out.join('\n')}${newHasNewline ? '\n' : ''}`;
}

const hasDiff = spawnSync('diff', ['--version']).status === 0;

function gnuDiff(before: string, after: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockgate-diff-'));
  try {
    writeFileSync(join(dir, 'a'), before);
    writeFileSync(join(dir, 'b'), after);
    const run = spawnSync('diff', ['-u', '--label', 'a/f.yml', '--label', 'b/f.yml', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
    return run.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('unifiedDiff', () => {
  it('prints nothing for equal texts', () => {
    expect(unifiedDiff('f.yml', 'a\n', 'a\n')).toBe('');
  });

  it('prints a one-line change with three lines of context and line counts', () => {
    const before = 'l1\nl2\nl3\nl4\nuses: a@v1\nl6\nl7\nl8\nl9\n';
    const after = before.replace('a@v1', 'a@abc # v1');
    expect(unifiedDiff('ci.yml', before, after)).toBe(
      '--- a/ci.yml\n+++ b/ci.yml\n@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-uses: a@v1\n+uses: a@abc # v1\n l6\n l7\n l8\n',
    );
  });

  it('prints separate hunks for changes far apart and one hunk for changes close together', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const before = `${lines.join('\n')}\n`;
    const far = before.replace('line 2\n', 'line 2 changed\n').replace('line 25\n', 'line 25 changed\n');
    expect(unifiedDiff('f', before, far).match(/^@@/gm)).toHaveLength(2);
    const near = before.replace('line 2\n', 'line 2 changed\n').replace('line 8\n', 'line 8 changed\n');
    expect(unifiedDiff('f', before, near).match(/^@@/gm)).toHaveLength(1);
  });

  it('marks a last line without a newline, and an insertion into an empty file', () => {
    expect(unifiedDiff('f', 'a\nb', 'a\nb\nc\n')).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n');
    expect(unifiedDiff('f', '', 'x\n')).toBe('--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n');
  });

  it('keeps the \\r of CRLF lines', () => {
    expect(unifiedDiff('f', 'a\r\nb\r\n', 'a\r\nc\r\n')).toBe('--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n');
  });

  (hasDiff ? it : it.skip)('prints what GNU diff -u prints, and its hunks rebuild the new text (random edits)', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'uses: x@v1', '', '  - run: uv sync');
    const text = fc.tuple(fc.array(line, { maxLength: 25 }), fc.boolean()).map(([ls, nl]) => (ls.length === 0 ? '' : `${ls.join('\n')}${nl ? '\n' : ''}`));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const ours = unifiedDiff('f.yml', before, after);
        if (before === after) return ours === '';
        expect(patch(before, ours)).toBe(after);
        // Both are shortest edit scripts; where several exist GNU diff may pick another, so only
        // the counts of removed and added lines must agree.
        const count = (diff: string, mark: string): number =>
          diff.split('\n').filter((l) => l.startsWith(mark) && !l.startsWith(`${mark}${mark}${mark} `)).length;
        const theirs = gnuDiff(before, after);
        expect([count(ours, '-'), count(ours, '+')]).toEqual([count(theirs, '-'), count(theirs, '+')]);
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
