/**
 * Throwaway git repositories for the hostile-input suites: files may be bytes (invalid UTF-8, NUL,
 * a BOM) or symlinks, and paths may hold anything a file system allows (newlines, `::`, HTML).
 * Also the CLI runner shared by those suites, with the checks every run must pass.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Finding } from '../../src/findings.js';
import type { OutputFormat } from '../../src/settings/types.js';
import { outputProblems, runnerCommandProblems } from './output-checks.js';

export type Content = string | Buffer | { symlink: string };
export type HostileTree = Record<string, Content>;

export interface HostileRepo {
  dir: string;
  /** Commits, in order; the last is HEAD. */
  commits: string[];
  cleanup(): void;
}

const DATE = '2026-11-26T09:00:00Z';

function writeTree(dir: string, tree: HostileTree): void {
  for (const [path, content] of Object.entries(tree)) {
    const abs = join(dir, ...path.split('/'));
    mkdirSync(dirname(abs), { recursive: true });
    rmSync(abs, { force: true });
    if (typeof content === 'object' && !Buffer.isBuffer(content)) symlinkSync(content.symlink, abs);
    else writeFileSync(abs, content);
  }
}

/** A repository with one commit per tree (each applied over the previous one). */
export function hostileRepo(...trees: HostileTree[]): HostileRepo {
  const dir = mkdtempSync(join(tmpdir(), 'lockgate-hostile-'));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
    GIT_AUTHOR_DATE: DATE,
    GIT_COMMITTER_DATE: DATE,
  };
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 })
      .toString()
      .trim();
  git('init', '-q', '-b', 'main');
  git('config', 'core.symlinks', 'true');
  const commits: string[] = [];
  for (const [i, tree] of trees.entries()) {
    writeTree(dir, tree);
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', `commit ${i}`);
    commits.push(git('rev-parse', 'HEAD'));
  }
  return { dir, commits, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const CLI = resolve(process.env.LOCKGATE_CLI ?? 'dist/cli.js');
export const NOW = '2026-11-26T12:00:00Z';
export const FORMATS: OutputFormat[] = ['text', 'json', 'sarif', 'markdown', 'github'];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd = process.cwd()): CliRun {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    // A runner-like environment: no token (offline anyway), no colour decisions left to chance.
    env: { ...process.env, GITHUB_TOKEN: '', LOCKGATE_DEBUG: '', FORCE_COLOR: '' },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const STACK_RE = /^\s+at .+:\d+:\d+\)?$/m;

/** Everything a run on hostile input must satisfy, as a list of problems (empty when fine). */
export function cliProblems(format: OutputFormat, run: CliRun, findings: readonly Finding[]): string[] {
  const problems: string[] = [];
  if (run.code !== 0 && run.code !== 1) problems.push(`exit ${String(run.code)}; stderr: ${run.stderr.slice(0, 500)}`);
  if (STACK_RE.test(run.stderr) || STACK_RE.test(run.stdout)) problems.push('a stack trace');
  if (/internal error/i.test(run.stderr)) problems.push(`an internal error: ${run.stderr.slice(0, 300)}`);
  problems.push(...runnerCommandProblems(run.stderr).map((p) => `stderr: ${p}`));
  if (run.code === 0 || run.code === 1) problems.push(...outputProblems(format, run.stdout, findings).map((p) => `stdout: ${p}`));
  return problems;
}
