/**
 * Reads the files of one revision: git objects for a commit, the working tree otherwise.
 * A commit lists its tracked files; the working tree lists what a user sees in it: tracked files
 * still on disk plus untracked files that .gitignore does not exclude (what `git add -A` would
 * stage), so a new workflow or a lock not yet added is read. Symlinks are never followed out of
 * the repository; every limit hit becomes an `unreadable` entry (and so a finding), never a silent
 * skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { speedupEnabled } from '../core/speedups.js';
import { SettingsError } from '../settings/types.js';
import { isReadByLockgate, type SourceFiles } from './types.js';

export interface Repo {
  /** Absolute path of the repository's top level (or of DIR when it is not a git repository). */
  root: string;
  isGit: boolean;
}

const MAX_GIT_OUTPUT = 2 * 1024 * 1024 * 1024;

/**
 * git with fixed arguments and no shell. Nothing of the checked repository's own making changes
 * what is read: paths come unquoted (core.quotepath=off), no fsmonitor hook runs, replace refs do not
 * swap objects (GIT_NO_REPLACE_OBJECTS), and blobs come raw (cat-file without --textconv/--filters,
 * so no textconv or clean/smudge filter from .gitattributes runs).
 */
function git(root: string, args: string[], input?: string): Buffer {
  return execFileSync('git', ['-C', root, '-c', 'core.quotepath=off', '-c', 'core.fsmonitor=false', ...args], {
    input,
    maxBuffer: MAX_GIT_OUTPUT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', GIT_NO_REPLACE_OBJECTS: '1' },
  });
}

export function openRepo(dir: string, needsGit: boolean): Repo {
  try {
    if (!statSync(dir).isDirectory()) throw new SettingsError(`${dir} is not a directory`);
  } catch (error) {
    if (error instanceof SettingsError) throw error;
    throw new SettingsError(`${dir} does not exist`);
  }
  const probe = spawnSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  if (probe.status === 0) return { root: probe.stdout.trim(), isGit: true };
  if (needsGit) throw new SettingsError(`${dir} is not a git repository, so --base/--head cannot be read`);
  return { root: dir, isGit: false };
}

const SHA_RE = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * The repository and the full commit SHA of each revision (null stays null): one `rev-parse` for all
 * of them in the usual case. Anything unusual (not a repository, an unknown revision, a range, odd
 * output) takes the one-call-each path, whose errors name the revision.
 */
export function openRepoWithRevisions(dir: string, needsGit: boolean, revs: readonly (string | null)[]): { repo: Repo; shas: (string | null)[] } {
  const wanted = revs.filter((rev): rev is string => rev !== null);
  if (wanted.length > 0 && speedupEnabled('one-read') && isDirectory(dir)) {
    const probe = spawnSync('git', ['-C', dir, 'rev-parse', '--show-toplevel', '--end-of-options', ...wanted.map((rev) => `${rev}^{commit}`), '--'], {
      encoding: 'utf8',
    });
    // Some git versions echo --end-of-options and -- back; every other line is the top level or a SHA.
    const lines = probe.status === 0 ? probe.stdout.split('\n').filter((line) => line !== '' && line !== '--end-of-options' && line !== '--') : [];
    if (lines.length === wanted.length + 1 && lines.slice(1).every((line) => SHA_RE.test(line))) {
      const repo: Repo = { root: lines[0]!, isGit: true };
      let next = 1;
      return { repo, shas: revs.map((rev) => (rev === null ? null : lines[next++]!)) };
    }
  }
  const repo = openRepo(dir, needsGit);
  return { repo, shas: revs.map((rev) => (rev === null ? null : resolveRevision(repo, rev))) };
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    // openRepo says what is wrong with it.
    return false;
  }
}

/** The full commit SHA of a revision, or a SettingsError naming it. */
export function resolveRevision(repo: Repo, rev: string): string {
  const result = spawnSync('git', ['-C', repo.root, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { encoding: 'utf8' });
  if (result.status !== 0 || !/^[0-9a-f]{40,64}$/.test(result.stdout.trim())) throw new SettingsError(`unknown revision "${rev}" in ${repo.root}`);
  return result.stdout.trim();
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text with the BOM removed, or the reason it is not text. */
export function decodeText(bytes: Uint8Array): { text: string } | { reason: string } {
  if (bytes.includes(0)) return { reason: 'a binary file (it contains NUL bytes)' };
  try {
    const text = decoder.decode(bytes);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return { reason: 'not valid UTF-8' };
  }
}

function tooLarge(size: number, maxBytes: number): string {
  return `${size} bytes, over the limit of ${maxBytes} bytes (limits.max-file-bytes)`;
}

/** Lexically resolves a symlink target against the link's folder; null when it leaves the repository. */
function symlinkTargetInRepo(linkPath: string, target: string): string | null {
  if (target.startsWith('/')) return null;
  const resolved = posix.normalize(posix.join(posix.dirname(linkPath), target));
  return resolved.startsWith('../') || resolved === '..' ? null : resolved;
}

/**
 * Decoded blobs by object id, shared by the reads of one run: base and head hold mostly the same
 * blobs, which are then read from git and decoded once (and are the same string at both revisions).
 */
export type BlobCache = Map<string, { text: string } | { reason: string }>;

interface TreeEntry {
  mode: string;
  blob: string;
  size: number;
}

/** Every blob of a commit's tree by path (`ls-tree -r -l`: the sizes come with it, so no blob over the limit is ever read). */
function listTree(repo: Repo, sha: string): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>();
  const listing = git(repo.root, ['ls-tree', '-r', '-l', '-z', '--full-tree', sha]).toString('utf8');
  for (const record of listing.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, blob, size] = record.slice(0, tab).split(/\s+/);
    if (type !== 'blob') continue; // submodules (commit) are not ours to read
    entries.set(record.slice(tab + 1), { mode: mode!, blob: blob!, size: Number(size) || 0 });
  }
  return entries;
}

/**
 * The raw contents of objects, all in one `git cat-file --batch` (one process, whatever the count):
 * by object id, null for an object git does not have.
 */
function readObjects(repo: Repo, oids: readonly string[]): Map<string, Buffer | null> {
  const contents = new Map<string, Buffer | null>();
  if (oids.length === 0) return contents;
  const out = git(repo.root, ['cat-file', '--batch'], `${oids.join('\n')}\n`);
  let offset = 0;
  for (const oid of oids) {
    const newline = out.indexOf(10, offset);
    if (newline < 0) break;
    const header = out.subarray(offset, newline).toString('utf8').split(' ');
    if (header.length !== 3) {
      // `<oid> missing` (or ambiguous): no content follows.
      contents.set(oid, null);
      offset = newline + 1;
      continue;
    }
    const size = Number(header[2]);
    contents.set(oid, out.subarray(newline + 1, newline + 1 + size));
    offset = newline + 1 + size + 1;
  }
  return contents;
}

/** The committer time of a raw commit object (`committer Name <mail> 1764147600 +0100`), or null. */
function committerTime(commit: Buffer | null | undefined): Date | null {
  if (!commit) return null;
  const text = commit.toString('utf8');
  const end = text.indexOf('\n\n');
  for (const line of (end < 0 ? text : text.slice(0, end)).split('\n')) {
    if (!line.startsWith('committer ')) continue;
    const match = /> (\d+) [+-]\d{4}$/.exec(line);
    return match ? new Date(Number(match[1]) * 1000) : null;
  }
  return null;
}

/**
 * Several revisions read together (head and base): one `ls-tree` each, then one `cat-file --batch`
 * for the commits and symlinks and one for every text blob lockgate reads, each blob read and
 * decoded once however many revisions hold it (`blobCache`). Same result as `loadRevision` on each.
 */
export function loadRevisions(repo: Repo, shas: readonly string[], maxBytes: number, blobCache: BlobCache = new Map()): SourceFiles[] {
  if (!speedupEnabled('one-read')) return shas.map((sha) => loadRevision(repo, sha, maxBytes, blobCache));
  const trees = shas.map((sha) => listTree(repo, sha));
  const paths = trees.map((entries) => [...entries.keys()].sort());
  const links = new Set<string>();
  trees.forEach((entries, i) => {
    for (const path of paths[i]!) if (isReadByLockgate(path) && entries.get(path)!.mode === '120000') links.add(entries.get(path)!.blob);
  });
  // Commits and symlinks first, only when there are symlinks (whose targets decide which blobs to
  // read); otherwise the commits come in the one batch of blobs: a git process fewer.
  const small = links.size > 0 ? readObjects(repo, [...new Set([...shas, ...links])]) : null;
  const revisions = trees.map((entries, i) => {
    const unreadable = new Map<string, string>();
    const wanted = new Map<string, string>(); // path -> blob to read
    for (const path of paths[i]!.filter(isReadByLockgate)) {
      let entry = entries.get(path)!;
      if (entry.mode === '120000') {
        const target = (small?.get(entry.blob) ?? Buffer.alloc(0)).toString('utf8');
        const inRepo = symlinkTargetInRepo(path, target);
        const targetEntry = inRepo === null ? undefined : entries.get(inRepo);
        if (!targetEntry || targetEntry.mode === '120000') {
          unreadable.set(path, `a symlink to "${target}", which lockgate does not follow (outside the repository or not a file)`);
          continue;
        }
        entry = targetEntry;
      }
      if (entry.size > maxBytes) unreadable.set(path, tooLarge(entry.size, maxBytes));
      else wanted.set(path, entry.blob);
    }
    return { unreadable, wanted };
  });
  const missing = [...new Set(revisions.flatMap(({ wanted }) => [...wanted.values()]))].filter((blob) => !blobCache.has(blob));
  const contents = readObjects(repo, small ? missing : [...shas, ...missing]);
  for (const blob of missing) blobCache.set(blob, decodeText(contents.get(blob) ?? Buffer.alloc(0)));
  const commits = small ?? contents;
  return revisions.map(({ unreadable, wanted }, i) => {
    const texts = new Map<string, string>();
    for (const [path, blob] of wanted) {
      const decoded = blobCache.get(blob)!;
      if ('text' in decoded) texts.set(path, decoded.text);
      else unreadable.set(path, decoded.reason);
    }
    const sha = shas[i]!;
    const time = committerTime(commits.get(sha)) ?? new Date(git(repo.root, ['show', '-s', '--format=%cI', sha]).toString('utf8').trim());
    return { label: sha, paths: paths[i]!, texts, unreadable, time };
  });
}

export function loadRevision(repo: Repo, sha: string, maxBytes: number, blobCache: BlobCache = new Map()): SourceFiles {
  if (speedupEnabled('one-read')) return loadRevisions(repo, [sha], maxBytes, blobCache)[0]!;
  const entries = new Map<string, { mode: string; blob: string; size: number }>();
  const listing = git(repo.root, ['ls-tree', '-r', '-l', '-z', '--full-tree', sha]).toString('utf8');
  for (const record of listing.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, blob, size] = record.slice(0, tab).split(/\s+/);
    if (type !== 'blob') continue; // submodules (commit) are not ours to read
    entries.set(record.slice(tab + 1), { mode, blob, size: Number(size) || 0 });
  }
  const paths = [...entries.keys()].sort();
  const texts = new Map<string, string>();
  const unreadable = new Map<string, string>();
  const wanted = new Map<string, string>(); // path -> blob to read
  for (const path of paths.filter(isReadByLockgate)) {
    let entry = entries.get(path)!;
    if (entry.mode === '120000') {
      const target = git(repo.root, ['cat-file', 'blob', entry.blob]).toString('utf8');
      const inRepo = symlinkTargetInRepo(path, target);
      const targetEntry = inRepo === null ? undefined : entries.get(inRepo);
      if (!targetEntry || targetEntry.mode === '120000') {
        unreadable.set(path, `a symlink to "${target}", which lockgate does not follow (outside the repository or not a file)`);
        continue;
      }
      entry = targetEntry;
    }
    if (entry.size > maxBytes) unreadable.set(path, tooLarge(entry.size, maxBytes));
    else wanted.set(path, entry.blob);
  }
  const missing = [...new Set(wanted.values())].filter((blob) => !blobCache.has(blob));
  if (missing.length > 0) {
    const blobs = missing;
    const out = git(repo.root, ['cat-file', '--batch'], blobs.join('\n') + '\n');
    const contents = new Map<string, Buffer>();
    let offset = 0;
    for (const blob of blobs) {
      const newline = out.indexOf(10, offset);
      const header = out.subarray(offset, newline).toString('utf8').split(' ');
      const size = Number(header[2]);
      contents.set(blob, out.subarray(newline + 1, newline + 1 + size));
      offset = newline + 1 + size + 1;
    }
    for (const blob of blobs) blobCache.set(blob, decodeText(contents.get(blob) ?? Buffer.alloc(0)));
  }
  for (const [path, blob] of wanted) {
    const decoded = blobCache.get(blob)!;
    if ('text' in decoded) texts.set(path, decoded.text);
    else unreadable.set(path, decoded.reason);
  }
  const time = new Date(git(repo.root, ['show', '-s', '--format=%cI', sha]).toString('utf8').trim());
  return { label: sha, paths, texts, unreadable, time };
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', '.tox', '.mypy_cache']);

function walk(root: string, dir: string, out: string[]): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(root, path, out);
    } else if (entry.isFile() || entry.isSymbolicLink()) out.push(path);
  }
}

/** How the working tree is read, in words, for the report header and the docs. */
export function worktreeDescription(repo: Repo): string {
  return repo.isGit ? 'the working tree (tracked and untracked files, .gitignore applied)' : 'the working tree (every file; not a git repository)';
}

/** NUL-separated `git ls-files` output as paths; a nested repository is listed as `dir/` and skipped. */
function listed(output: Buffer): string[] {
  return output
    .toString('utf8')
    .split('\0')
    .filter((path) => path !== '' && !path.endsWith('/'));
}

/** The working tree's files as git sees them: tracked (deleted ones included) and untracked but not ignored. */
function worktreeListing(repo: Repo): string[] {
  return listed(git(repo.root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']));
}

/**
 * Files lockgate would read that are on disk but that .gitignore hides from the working tree (and
 * so from any commit): the uv.lock beside a pyproject.toml of the tree, workflows, lockgate's config
 * and dependabot's. Probed by name rather than by listing every ignored file, which would walk
 * `.venv/` and `node_modules/`.
 */
export function ignoredReadableFiles(repo: Repo): string[] {
  if (!repo.isGit) return [];
  const listing = worktreeListing(repo);
  const known = new Set(listing);
  const candidates = new Set(['.github/lockgate.yml', '.github/lockgate.yaml', '.github/dependabot.yml', '.github/dependabot.yaml']);
  for (const path of listing) {
    if (path === 'pyproject.toml' || path.endsWith('/pyproject.toml')) candidates.add(`${path.slice(0, -'pyproject.toml'.length)}uv.lock`);
  }
  try {
    for (const name of readdirSync(join(repo.root, '.github', 'workflows'))) candidates.add(`.github/workflows/${name}`);
  } catch (error) {
    // No workflows folder is the usual case; anything else (a permission error) is said by the caller.
    if (!isMissingPath(error)) throw error;
  }
  const onDisk = (path: string) => {
    try {
      lstatSync(join(repo.root, ...path.split('/')));
      return true;
    } catch {
      // An existence probe: whatever lstat fails on is not a file on disk to name.
      return false;
    }
  };
  return [...candidates].filter((path) => !known.has(path) && isReadByLockgate(path) && onDisk(path)).sort();
}

/** ENOENT or ENOTDIR: the path is not there (as opposed to there but unreadable). */
function isMissingPath(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function loadWorktree(repo: Repo, maxBytes: number, now: Date): SourceFiles {
  let paths: string[];
  if (repo.isGit) {
    // Tracked (a tracked file deleted on disk is dropped below) and untracked but not ignored.
    paths = worktreeListing(repo);
  } else {
    paths = [];
    walk(repo.root, '', paths);
  }
  paths = [...new Set(paths)].sort();
  const texts = new Map<string, string>();
  const unreadable = new Map<string, string>();
  const realRoot = realpathSync(repo.root);
  const present: string[] = [];
  for (const path of paths) {
    const abs = join(repo.root, ...path.split('/'));
    let stat;
    try {
      stat = lstatSync(abs);
    } catch (error) {
      // Tracked but deleted in the working tree: it is not part of head.
      if (isMissingPath(error)) continue;
      // Present but not inspectable (a folder without search permission): not silently absent.
      present.push(path);
      if (isReadByLockgate(path)) unreadable.set(path, `not accessible: ${(error as NodeJS.ErrnoException).code ?? 'lstat failed'}`);
      continue;
    }
    present.push(path);
    if (!isReadByLockgate(path)) continue;
    let readPath = abs;
    if (stat.isSymbolicLink()) {
      let real: string;
      try {
        real = realpathSync(abs);
      } catch {
        unreadable.set(path, 'a broken symlink');
        continue;
      }
      const rel = relative(realRoot, real);
      if (rel.startsWith('..') || rel.startsWith(sep) || rel === '') {
        unreadable.set(path, 'a symlink that points outside the repository, which lockgate does not follow');
        continue;
      }
      readPath = real;
      stat = statSync(real);
    }
    if (!stat.isFile()) continue;
    if (stat.size > maxBytes) {
      unreadable.set(path, tooLarge(stat.size, maxBytes));
      continue;
    }
    const decoded = decodeText(readFileSync(readPath));
    if ('text' in decoded) texts.set(path, decoded.text);
    else unreadable.set(path, decoded.reason);
  }
  return { label: 'WORKTREE', paths: present, texts, unreadable, time: now };
}
