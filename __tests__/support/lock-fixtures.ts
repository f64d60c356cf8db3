/** The uv.lock fixtures and the random edits the quick lock reader's tests make of them (uv-lock-toml, uv-lock-positions). */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);

/** Every uv.lock under `dir` (by default all of fixtures/). */
export function lockFiles(dir = join(ROOT, 'fixtures')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return lockFiles(path);
    return entry.name === 'uv.lock' ? [path] : [];
  });
}

/**
 * Random edits of a lock's text, each `[kind, at, to, piece]`: 0 drops the character at `at`, 1
 * inserts `pieces[piece]` there, 2 repeats line `at` before line `to` (duplicate keys, headers), 3
 * swaps the two lines (`at` and `to` are fractions of the text's length or line count).
 */
export function mutateLock(text: string, edits: readonly (readonly [number, number, number, number])[], pieces: readonly string[]): string {
  for (const [kind, at, to, piece] of edits) {
    const i = Math.floor(at * text.length);
    if (kind === 0) text = text.slice(0, i) + text.slice(i + 1);
    else if (kind === 1) text = text.slice(0, i) + pieces[piece]! + text.slice(i);
    else {
      const lines = text.split('\n');
      const a = Math.floor(at * lines.length);
      const b = Math.floor(to * lines.length);
      if (kind === 2) lines.splice(b, 0, lines[a]!);
      else [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      text = lines.join('\n');
    }
  }
  return text;
}
