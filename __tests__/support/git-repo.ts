/** Builds throwaway git repositories with a base and a head commit for end-to-end tests. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Tree = Record<string, string | null>;

export interface TestRepo {
  dir: string;
  base: string;
  head: string;
  git(...args: string[]): string;
  cleanup(): void;
}

function write(dir: string, tree: Tree): void {
  for (const [path, content] of Object.entries(tree)) {
    const abs = join(dir, path);
    if (content === null) rmSync(abs, { force: true });
    else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
  }
}

/** A repo whose first commit has `base` and second commit applies `head` (null deletes a file). */
export function makeRepo(base: Tree, head: Tree, date = '2026-11-26T09:00:00Z'): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), 'lockgate-e2e-'));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
      .toString()
      .trim();
  git('init', '-q', '-b', 'main');
  write(dir, base);
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', 'base');
  const baseSha = git('rev-parse', 'HEAD');
  write(dir, head);
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', 'head');
  return { dir, base: baseSha, head: git('rev-parse', 'HEAD'), git, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * git with a clean identity and no system config, HOME at `home` (so no user config either): the
 * e2e suites run it the way a runner's checkout would be made.
 */
export function isolatedGit(home: () => string): (dir: string, args: string[], env?: Record<string, string>) => string {
  const gitEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'e2e',
    GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
    GIT_COMMITTER_NAME: 'e2e',
    GIT_COMMITTER_EMAIL: 'e2e@example.invalid',
  };
  return (dir, args, env = {}) => execFileSync('git', ['-C', dir, ...args], { env: { ...gitEnv, HOME: home(), ...env }, encoding: 'utf8' }).trim();
}
