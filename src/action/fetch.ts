/**
 * Makes a revision readable from git objects before the engine runs, so the engine's one source
 * layer (`git ls-tree` / `git cat-file`) serves every event. In order:
 *
 *   1. git objects already in the clone (a full clone, or the commit that was checked out);
 *   2. `git fetch origin <sha>` (depth 1 in a shallow clone; GitHub serves any reachable SHA);
 *   3. the GitHub API: the tree listing plus the blobs lockgate reads, written into the object
 *      database as a stand-in commit (every other path points at the empty blob). Each blob is
 *      checked against the SHA the API listed, so what the engine reads is what GitHub has.
 *
 * Nothing here checks out or runs code: under `pull_request_target` the PR head is only ever read
 * as data.
 */
import { spawnSync } from 'node:child_process';
import { posix } from 'node:path';
import { redactUrl } from '../core/text.js';
import type { GithubClient, TreeEntry } from '../net/github.js';
import { isReadByLockgate } from '../source/types.js';
import { RevisionError } from './revision-error.js';

export type RevisionSource = 'git-objects' | 'git-fetch' | 'contents-api';

export interface EnsuredRevision {
  /** What was asked for (a SHA, branch or tag). */
  requested: string;
  /** The real commit SHA. */
  sha: string;
  /** What to give the engine: `sha`, or the stand-in commit built from the API. */
  revision: string;
  via: RevisionSource;
}

export interface EnsureOptions {
  /** For the API fallback; null skips it. */
  api: GithubClient | null;
  log: (line: string) => void;
  /** Budget for `git fetch`, in ms. */
  fetchTimeoutMs?: number;
  /** Parallel blob downloads. */
  concurrency?: number;
}

export { RevisionError } from './revision-error.js';

const EMPTY_BLOB_SHA1 = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';
const SHA_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export interface GitResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function git(dir: string, args: string[], options: { input?: string | Buffer; timeoutMs?: number; env?: Record<string, string> } = {}): GitResult {
  const result = spawnSync('git', ['-C', dir, ...args], {
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: options.timeoutMs ?? 60_000,
    // Never wait for a person: no password prompt, no ssh passphrase or host-key question.
    env: { GIT_SSH_COMMAND: 'ssh -o BatchMode=yes', ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', ...options.env },
  });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** git's fatal/error line (else its first line), without credentials (a remote URL may carry a token). */
export function gitComplaint(result: GitResult): string {
  const lines = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const line = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? (result.status === null ? 'timed out' : `exit ${result.status}`);
  return redactUrl(line.replace(/^(fatal|error):\s*/, ''), { mask: '***' }).slice(0, 200);
}

function resolveLocal(dir: string, rev: string): string | null {
  const candidates = SHA_RE.test(rev) ? [rev] : [rev, `refs/remotes/origin/${rev}`];
  for (const candidate of candidates) {
    const result = git(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`]);
    const sha = result.stdout.trim();
    // The tree must be here too (a commit object alone is not enough to read files).
    if (result.status === 0 && SHA_RE.test(sha) && git(dir, ['cat-file', '-e', `${sha}^{tree}`]).status === 0) return sha;
  }
  return null;
}

export function isGitRepository(dir: string): boolean {
  return git(dir, ['rev-parse', '--git-dir']).status === 0;
}

function tryFetch(dir: string, rev: string, options: EnsureOptions): string | null {
  if (git(dir, ['remote', 'get-url', 'origin']).status !== 0) {
    options.log(`${rev}: not in the clone, and there is no "origin" remote to fetch it from.`);
    return null;
  }
  const shallow = git(dir, ['rev-parse', '--is-shallow-repository']).stdout.trim() === 'true';
  // Depth 1 only in a shallow clone: in a full clone it would make the repository shallow.
  const args = ['-c', 'protocol.version=2', 'fetch', '--quiet', '--no-tags', '--no-recurse-submodules', ...(shallow ? ['--depth=1'] : []), 'origin', rev];
  const result = git(dir, args, { timeoutMs: options.fetchTimeoutMs ?? 120_000 });
  if (result.status !== 0) {
    options.log(`${rev}: git fetch from origin failed (${gitComplaint(result)}).`);
    return null;
  }
  if (SHA_RE.test(rev)) return resolveLocal(dir, rev);
  const head = git(dir, ['rev-parse', '--verify', '--quiet', 'FETCH_HEAD^{commit}']).stdout.trim();
  return SHA_RE.test(head) ? head : null;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Paths whose content the engine reads: lockgate's files and the targets of those that are symlinks. */
function blobsToRead(entries: TreeEntry[], linkTargets: Map<string, string>): TreeEntry[] {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const wanted = new Map<string, TreeEntry>();
  for (const entry of entries) {
    if (entry.type !== 'blob' || !isReadByLockgate(entry.path)) continue;
    wanted.set(entry.path, entry);
    const target = linkTargets.get(entry.path);
    if (target !== undefined) {
      const targetEntry = byPath.get(target);
      if (targetEntry?.type === 'blob') wanted.set(targetEntry.path, targetEntry);
    }
  }
  return [...wanted.values()];
}

function writeBlob(dir: string, content: Buffer): string {
  const result = git(dir, ['hash-object', '-w', '--stdin'], { input: content });
  const sha = result.stdout.trim();
  if (result.status !== 0 || !SHA_RE.test(sha)) throw new RevisionError(`could not write a blob into the repository (${gitComplaint(result)})`);
  return sha;
}

/** Builds the nested trees bottom-up (one `git mktree --batch` per depth) and returns the root. */
function writeTrees(dir: string, files: { path: string; mode: string; type: 'blob' | 'commit'; sha: string }[]): string {
  const dirs = new Map<string, { mode: string; type: string; sha: string; name: string }[]>([['', []]]);
  for (const file of files) {
    const parts = file.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (!dirs.has(folder)) dirs.set(folder, []);
    }
    dirs.get(parts.slice(0, -1).join('/'))!.push({ mode: file.mode, type: file.type, sha: file.sha, name: parts[parts.length - 1]! });
  }
  const byDepth = [...dirs.keys()].filter((d) => d !== '').sort((a, b) => b.split('/').length - a.split('/').length);
  const depths = [...new Set(byDepth.map((d) => d.split('/').length))];
  const treeOf = new Map<string, string>();
  const mktree = (folders: string[]): void => {
    // --batch: trees separated by blank lines, one SHA out per tree; mktree sorts the entries.
    const input = folders
      .map((folder) =>
        dirs
          .get(folder)!
          .map((e) => `${e.mode} ${e.type} ${e.sha}\t${e.name}\n`)
          .join(''),
      )
      .join('\n');
    const result = git(dir, ['mktree', '--missing', '--batch'], { input });
    const shas = result.stdout.trim().split('\n');
    if (result.status !== 0 || shas.length !== folders.length) throw new RevisionError(`could not write the tree (${gitComplaint(result)})`);
    folders.forEach((folder, i) => treeOf.set(folder, shas[i]!));
  };
  for (const depth of depths) {
    const folders = byDepth.filter((d) => d.split('/').length === depth);
    mktree(folders);
    for (const folder of folders) {
      const parent = folder.split('/').slice(0, -1).join('/');
      dirs.get(parent)!.push({ mode: '040000', type: 'tree', sha: treeOf.get(folder)!, name: folder.split('/').pop()! });
    }
  }
  mktree(['']);
  return treeOf.get('')!;
}

async function materializeFromApi(dir: string, rev: string, api: GithubClient, options: EnsureOptions): Promise<{ sha: string; revision: string }> {
  const format = git(dir, ['rev-parse', '--show-object-format']).stdout.trim() || 'sha1';
  if (format !== 'sha1') throw new RevisionError('the GitHub API fallback needs a SHA-1 repository');
  const commit = await api.getCommit(rev);
  const listing = await api.getTree(commit.tree);
  if (listing.truncated)
    throw new RevisionError(`the tree of ${commit.sha} is too large for the GitHub API (truncated listing); fetch it with actions/checkout (fetch-depth: 0)`);
  // mktree's text input cannot carry a newline in a name; such paths are not lockgate's anyway.
  const entries = listing.entries.filter((e) => e.type !== 'tree' && !/[\n\0]/.test(e.path));

  // Symlink targets first (they decide which extra blobs the engine will read).
  const links = entries.filter((e) => e.type === 'blob' && e.mode === '120000' && isReadByLockgate(e.path));
  const linkTargets = new Map<string, string>();
  const contents = new Map<string, Buffer>();
  for (const link of links) {
    const bytes = await api.getBlob(link.sha);
    contents.set(link.sha, bytes);
    const target = bytes.toString('utf8');
    if (!target.startsWith('/')) {
      const resolved = posix.normalize(posix.join(posix.dirname(link.path), target));
      if (!resolved.startsWith('../')) linkTargets.set(link.path, resolved);
    }
  }
  const wanted = blobsToRead(entries, linkTargets).filter((e) => !contents.has(e.sha));
  const unique = [...new Map(wanted.map((e) => [e.sha, e])).values()];
  const fetched = await mapLimit(unique, options.concurrency ?? 6, async (entry) => [entry.sha, await api.getBlob(entry.sha)] as const);
  for (const [sha, bytes] of fetched) contents.set(sha, bytes);

  for (const [expected, bytes] of contents) {
    const written = writeBlob(dir, bytes);
    if (written !== expected) throw new RevisionError(`a blob from the GitHub API does not match its SHA (${expected}): refusing to use it`);
  }
  const empty = writeBlob(dir, Buffer.alloc(0));
  if (empty !== EMPTY_BLOB_SHA1) throw new RevisionError('unexpected empty-blob SHA');
  const files = entries.map((e) => ({
    path: e.path,
    mode: e.type === 'commit' ? '160000' : e.mode,
    type: e.type === 'commit' ? ('commit' as const) : ('blob' as const),
    sha: e.type === 'commit' || contents.has(e.sha) ? e.sha : EMPTY_BLOB_SHA1,
  }));
  const tree = writeTrees(dir, files);
  const date = commit.committedAt ?? new Date().toISOString();
  const identity = {
    GIT_AUTHOR_NAME: 'lockgate',
    GIT_AUTHOR_EMAIL: 'lockgate@localhost',
    GIT_COMMITTER_NAME: 'lockgate',
    GIT_COMMITTER_EMAIL: 'lockgate@localhost',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
  const made = git(dir, ['commit-tree', tree, '-m', `lockgate: the files lockgate reads from ${commit.sha}, through the GitHub API`], { env: identity });
  const revision = made.stdout.trim();
  if (made.status !== 0 || !SHA_RE.test(revision)) throw new RevisionError(`could not write the stand-in commit (${gitComplaint(made)})`);
  options.log(`${commit.sha}: read through the GitHub API (${contents.size} of ${entries.length} files downloaded).`);
  return { sha: commit.sha, revision };
}

/**
 * Makes `rev` readable by the engine, logging which way. Throws RevisionError when every way fails.
 */
export async function ensureRevision(dir: string, rev: string, options: EnsureOptions): Promise<EnsuredRevision> {
  const local = resolveLocal(dir, rev);
  if (local) {
    options.log(`${rev}: read from git objects already in the clone.`);
    return { requested: rev, sha: local, revision: local, via: 'git-objects' };
  }
  const fetched = tryFetch(dir, rev, options);
  if (fetched) {
    options.log(`${rev}: fetched from origin with git.`);
    return { requested: rev, sha: fetched, revision: fetched, via: 'git-fetch' };
  }
  if (!options.api) throw new RevisionError(`cannot read ${rev}: it is not in the clone, git fetch failed, and there is no token for the GitHub API`);
  try {
    const { sha, revision } = await materializeFromApi(dir, rev, options.api, options);
    return { requested: rev, sha, revision, via: 'contents-api' };
  } catch (error) {
    if (error instanceof RevisionError) throw error;
    throw new RevisionError(`cannot read ${rev}: not in the clone, git fetch failed, and the GitHub API failed too (${(error as Error).message})`);
  }
}
