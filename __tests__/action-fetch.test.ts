import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRevision, gitComplaint, RevisionError } from '../src/action/fetch.js';
import { GithubClient } from '../src/net/github.js';
import { loadRevision, openRepo } from '../src/source/git.js';
import { FakeGithub, type GitCommitData } from './helpers/fake-github-api.js';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.invalid',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: tmpdir(),
};

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { env: GIT_ENV, encoding: 'utf8' }).trim();
}

function commitFiles(dir: string, files: Record<string, string>, message: string, date: string): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  git(dir, 'add', '-A');
  execFileSync('git', ['-C', dir, 'commit', '-q', '-m', message], { env: { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
  return git(dir, 'rev-parse', 'HEAD');
}

let root: string;
let origin: string;
let baseSha: string;
let headSha: string;
const logs: string[] = [];
const log = (line: string) => logs.push(line);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'lockgate-fetch-'));
  origin = join(root, 'origin');
  mkdirSync(origin);
  git(origin, 'init', '-q', '-b', 'main');
  baseSha = commitFiles(
    origin,
    { 'pyproject.toml': '[project]\nname = "a"\n', 'uv.lock': 'version = 1\n', 'src/app.py': 'print(1)\n' },
    'base',
    '2026-11-01T00:00:00Z',
  );
  headSha = commitFiles(origin, { 'uv.lock': 'version = 1\nrevision = 3\n', '.github/workflows/ci.yml': 'on: push\n' }, 'head', '2026-11-02T00:00:00Z');
  // GitHub serves any reachable commit by SHA; a local origin needs to be told to.
  git(origin, 'config', 'uploadpack.allowReachableSHA1InWant', 'true');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  logs.length = 0;
});

function shallowClone(name: string): string {
  const dir = join(root, name);
  execFileSync('git', ['clone', '-q', '--depth=1', `file://${origin}`, dir], { env: GIT_ENV });
  return dir;
}

describe('ensureRevision from git', () => {
  it('uses git objects already in the clone', async () => {
    const dir = shallowClone('present');
    const result = await ensureRevision(dir, headSha, { api: null, log });
    expect(result).toEqual({ requested: headSha, sha: headSha, revision: headSha, via: 'git-objects' });
    expect(logs).toEqual([`${headSha}: read from git objects already in the clone.`]);
  });

  it('fetches a commit a shallow clone does not have, at depth 1, and the clone stays usable', async () => {
    const dir = shallowClone('shallow');
    expect(() => git(dir, 'cat-file', '-e', `${baseSha}^{commit}`)).toThrow();
    const result = await ensureRevision(dir, baseSha, { api: null, log });
    expect(result).toMatchObject({ sha: baseSha, revision: baseSha, via: 'git-fetch' });
    expect(logs.at(-1)).toBe(`${baseSha}: fetched from origin with git.`);
    expect(loadRevision(openRepo(dir, true), baseSha, 1e6).texts.get('uv.lock')).toBe('version = 1\n');
  });

  it('resolves a branch name through origin/<name> or a fetch', async () => {
    const dir = shallowClone('branch');
    git(origin, 'branch', '-f', 'release', baseSha);
    const result = await ensureRevision(dir, 'release', { api: null, log });
    expect(result).toMatchObject({ sha: baseSha, via: 'git-fetch' });
  });

  it('fails with one clear error when the commit is nowhere and there is no API', async () => {
    const dir = shallowClone('nowhere');
    const missing = 'f'.repeat(40);
    await expect(ensureRevision(dir, missing, { api: null, log })).rejects.toThrow(RevisionError);
    expect(logs.some((l) => l.startsWith(`${missing}: git fetch from origin failed (`))).toBe(true);
  });

  it("logs git's fatal line without credentials", () => {
    const stderr = "warning: redirecting\nfatal: repository 'https://x-access-token:ghs_secret123@github.com/octo/repo/' not found\nmore\n";
    expect(gitComplaint({ status: 128, stdout: '', stderr })).toBe("repository 'https://***@github.com/octo/repo/' not found");
    expect(gitComplaint({ status: 1, stdout: '', stderr: 'warning: only this\n' })).toBe('warning: only this');
    expect(gitComplaint({ status: null, stdout: '', stderr: '' })).toBe('timed out');
  });

  it('never logs credentials from the remote URL', async () => {
    const dir = shallowClone('creds');
    git(dir, 'remote', 'set-url', 'origin', 'https://x-access-token:ghs_secret123@127.0.0.1:9/octo/repo.git');
    await expect(ensureRevision(dir, 'e'.repeat(40), { api: null, log, fetchTimeoutMs: 20_000 })).rejects.toThrow(RevisionError);
    expect(logs.join('\n')).not.toContain('ghs_secret123');
  });
});

describe('ensureRevision through the GitHub API', () => {
  let server: FakeGithub;
  let dir: string;
  const TOKEN = 'ghs_apitoken';
  const api = () => GithubClient.forRepository({ apiUrl: server.url, token: TOKEN, repository: 'octo/repo', sleep: async () => {} });

  /** The commit as the API would list it, from the real repository. */
  function apiCommit(sha: string, truncated = false): GitCommitData {
    const listing = git(origin, 'ls-tree', '-r', '-t', sha)
      .split('\n')
      .map((line) => {
        const [meta, path] = line.split('\t');
        const [mode, type, objectSha] = meta!.split(' ');
        return {
          path: path!,
          mode: mode!,
          type: type as 'blob' | 'tree',
          sha: objectSha!,
          content: type === 'blob' ? execFileSync('git', ['-C', origin, 'cat-file', 'blob', objectSha!]) : undefined,
        };
      });
    return { tree: git(origin, 'rev-parse', `${sha}^{tree}`), date: git(origin, 'show', '-s', '--format=%cI', sha), entries: listing, truncated };
  }

  beforeEach(async () => {
    server = await new FakeGithub({ token: TOKEN }).start();
    dir = join(root, `api-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    git(dir, 'init', '-q');
  });
  afterEach(async () => {
    await server.close();
  });

  it('writes the files lockgate reads as a stand-in commit the engine reads like any other', async () => {
    server.commits.set(headSha, apiCommit(headSha));
    const result = await ensureRevision(dir, headSha, { api: api(), log });
    expect(result).toMatchObject({ requested: headSha, sha: headSha, via: 'contents-api' });
    expect(result.revision).not.toBe(headSha);
    expect(logs.at(-1)).toBe(`${headSha}: read through the GitHub API (3 of 4 files downloaded).`);
    const files = loadRevision(openRepo(dir, true), result.revision, 1e6);
    expect(files.paths).toEqual(['.github/workflows/ci.yml', 'pyproject.toml', 'src/app.py', 'uv.lock']);
    expect(Object.fromEntries(files.texts)).toEqual({
      '.github/workflows/ci.yml': 'on: push\n',
      'pyproject.toml': '[project]\nname = "a"\n',
      'uv.lock': 'version = 1\nrevision = 3\n',
    });
    expect(files.time.toISOString()).toBe('2026-11-02T00:00:00.000Z');
    // Only the files lockgate reads were downloaded.
    expect(server.requests.filter((r) => r.path.includes('/git/blobs/'))).toHaveLength(3);
  });

  it('follows a symlinked uv.lock to its target', async () => {
    const data = apiCommit(headSha);
    const target = data.entries.find((e) => e.path === 'uv.lock')!;
    const linkText = Buffer.from('locks/uv.lock');
    const linkSha = execFileSync('git', ['hash-object', '--stdin'], { input: linkText, encoding: 'utf8' }).trim();
    data.entries = data.entries.filter((e) => e.path !== 'uv.lock');
    data.entries.push({ ...target, path: 'locks/uv.lock' }, { path: 'uv.lock', mode: '120000', type: 'blob', sha: linkSha, content: linkText });
    server.commits.set(headSha, data);
    const result = await ensureRevision(dir, headSha, { api: api(), log });
    expect(loadRevision(openRepo(dir, true), result.revision, 1e6).texts.get('uv.lock')).toBe('version = 1\nrevision = 3\n');
  });

  it('refuses a blob whose content does not match the SHA the tree lists', async () => {
    const data = apiCommit(headSha);
    data.entries.find((e) => e.path === 'uv.lock')!.content = Buffer.from('version = 1\n# tampered\n');
    server.commits.set(headSha, data);
    await expect(ensureRevision(dir, headSha, { api: api(), log })).rejects.toThrow(/does not match its SHA/);
  });

  it('refuses a truncated tree listing rather than checking part of the repository', async () => {
    server.commits.set(headSha, apiCommit(headSha, true));
    await expect(ensureRevision(dir, headSha, { api: api(), log })).rejects.toThrow(/too large for the GitHub API/);
  });

  it('says all three ways failed when the API fails too', async () => {
    await expect(ensureRevision(dir, headSha, { api: api(), log })).rejects.toThrow(/not in the clone, git fetch failed, and the GitHub API failed too/);
  });
});
