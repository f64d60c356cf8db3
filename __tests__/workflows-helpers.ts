/** Test helpers for the workflow scanner: build SourceFiles from fixture trees or inline texts. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceFiles } from '../src/source/types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/workflows/', import.meta.url));

/** SourceFiles of every file under `root` (recursively), paths relative to `root`. */
export function sourceFromDir(root: string): SourceFiles {
  const texts = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else texts.set(relative(root, full).split(sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return sourceFromTexts(Object.fromEntries(texts));
}

/** SourceFiles holding exactly these texts. */
export function sourceFromTexts(files: Record<string, string>, unreadable: Record<string, string> = {}): SourceFiles {
  const texts = new Map(Object.entries(files));
  const paths = [...new Set([...texts.keys(), ...Object.keys(unreadable)])].sort();
  return { label: 'WORKTREE', paths, texts, unreadable: new Map(Object.entries(unreadable)), time: new Date('2026-01-01T00:00:00Z') };
}

/** The corpus repositories copied from the shared workflow corpus. */
export function corpusRepos(): string[] {
  const dir = join(FIXTURES, 'corpus');
  return readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory()).sort();
}
