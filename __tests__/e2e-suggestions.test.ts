/**
 * Suggested changes end to end (issue 17): the action bundle in a child process, on a pull request
 * event, against the loopback GitHub speaking the real review payloads (POST /pulls/{n}/reviews
 * with comments[] {path, line, side, body}, GET /pulls/{n}/reviews, PUT .../reviews/{id},
 * PUT .../reviews/{id}/dismissals) and the git refs API for the tags to pin (annotated ones peeled).
 *
 * The bundle: LOCKGATE_DIST when set, else dist/index.js when it is newer than src/, else a fresh
 * build (__tests__/helpers/action-bundle.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { actionBundle } from './helpers/action-bundle.js';
import { isolatedGit } from './support/git-repo.js';
import { FakeGithub } from './helpers/fake-github-api.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const TOKEN = 'ghs_suggestionsTokenNeverPrinted0123456';
const ACTIONS = ['setup-java', 'setup-python', 'cache', 'upload-artifact', 'download-artifact', 'setup-node', 'github-script', 'labeler', 'stale', 'setup-go'];
const sha = (text: string): string => createHash('sha1').update(text).digest('hex');
const commitOf = (name: string): string => sha(`commit ${name}`);

let work: string;
let origin: string;
let baseSha: string;
let headSha: string;
let nextHeadSha: string;
let bundle: { path: string; built: string | null };

const git = isolatedGit(() => work);

const BASE_WORKFLOW =
  'name: release\non: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo build\n';
const tagPinned = (names: string[]): string => names.map((name, i) => `      - uses: actions/${name}@v${i + 1}\n`).join('');
/** The exact line each suggestion must carry. */
const pinnedLine = (name: string, i: number): string => `      - uses: actions/${name}@${commitOf(name)} # v${i + 1}`;

function commit(files: Record<string, string>, message: string): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(origin, path, '..'), { recursive: true });
    writeFileSync(join(origin, path), text);
  }
  git(origin, ['add', '-A']);
  git(origin, ['commit', '-q', '-m', message]);
  return git(origin, ['rev-parse', 'HEAD']);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lockgate-suggestions-'));
  bundle = actionBundle(ROOT);
  origin = join(work, 'origin');
  mkdirSync(origin);
  git(origin, ['init', '-q', '-b', 'main']);
  git(origin, ['config', 'uploadpack.allowReachableSHA1InWant', 'true']);
  baseSha = commit({ '.github/workflows/release.yml': BASE_WORKFLOW }, 'base');
  // The pull request adds ten tag-pinned actions after the existing step, and a uv sync without --locked.
  headSha = commit({ '.github/workflows/release.yml': `${BASE_WORKFLOW}${tagPinned(ACTIONS)}` }, 'head');
  nextHeadSha = commit({ '.github/workflows/release.yml': `${BASE_WORKFLOW}${tagPinned(ACTIONS)}      - run: uv sync\n` }, 'next head');
}, 180_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  if (bundle.built) rmSync(bundle.built, { recursive: true, force: true });
});

async function fakeGithub(options: ConstructorParameters<typeof FakeGithub>[0] = {}): Promise<FakeGithub> {
  const server = await new FakeGithub({ token: TOKEN, ...options }).start();
  ACTIONS.forEach((name, i) => {
    // Every other tag is annotated: its ref names a tag object that names the commit.
    if (i % 2 === 0) server.refs.set(`actions/${name}:tags/v${i + 1}`, { type: 'commit', sha: commitOf(name) });
    else {
      const tagObject = sha(`tag ${name}`);
      server.refs.set(`actions/${name}:tags/v${i + 1}`, { type: 'tag', sha: tagObject });
      server.tagObjects.set(tagObject, { type: 'commit', sha: commitOf(name) });
    }
  });
  return server;
}

let runs = 0;
async function runAction(server: FakeGithub, head: string, inputs: Record<string, string> = {}): Promise<{ code: number | null; stdout: string }> {
  const dir = join(work, `run-${++runs}`);
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  git(workspace, ['init', '-q']);
  git(workspace, ['remote', 'add', 'origin', `file://${origin}`]);
  git(workspace, ['fetch', '-q', '--no-tags', '--depth=1', 'origin', head]);
  git(workspace, ['checkout', '-q', '--detach', 'FETCH_HEAD']);
  const eventPath = join(dir, 'event.json');
  writeFileSync(
    eventPath,
    JSON.stringify({
      action: 'synchronize',
      number: 17,
      pull_request: {
        number: 17,
        base: { sha: baseSha, ref: 'main', repo: { full_name: 'octo/repo' } },
        head: { sha: head, ref: 'feature', repo: { full_name: 'octo/repo' } },
      },
      repository: { full_name: 'octo/repo' },
    }),
  );
  const manifest = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
  const all: Record<string, string> = { offline: 'false', suggestions: 'true', 'check-run': 'false', 'fail-on': 'never', ...inputs };
  const inputEnv = Object.fromEntries(
    Object.entries(manifest.inputs).map(([name, spec]) => [
      `INPUT_${name.toUpperCase()}`,
      name in all ? all[name]! : (spec.default ?? '').replace('${{ github.token }}', TOKEN),
    ]),
  );
  writeFileSync(join(dir, 'output'), '');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'octo/repo',
    GITHUB_SHA: '9'.repeat(40),
    GITHUB_API_URL: server.url,
    GITHUB_OUTPUT: join(dir, 'output'),
    RUNNER_TEMP: dir,
    LOCKGATE_NOW: '2026-11-26T12:00:00Z',
    ...inputEnv,
  };
  const child = spawn(process.execPath, [bundle.path], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  clearTimeout(killer);
  expect(stdout).not.toContain(TOKEN);
  return { code, stdout };
}

const reviewPosts = (server: FakeGithub) => server.requests.filter((r) => r.method === 'POST' && /\/pulls\/17\/reviews$/.test(r.path));

describe('suggested changes on the pull request', () => {
  const servers: FakeGithub[] = [];
  afterAll(async () => Promise.all(servers.map((s) => s.close())));
  const server = async (options: ConstructorParameters<typeof FakeGithub>[0] = {}) => {
    const s = await fakeGithub(options);
    servers.push(s);
    return s;
  };

  it('posts one review with 10 suggestions whose text is the exact pinned line (annotated tags peeled)', async () => {
    const github = await server();
    const { code, stdout } = await runAction(github, headSha);
    expect(code).toBe(0);
    expect(stdout).toMatch(/suggested changes: review \d+ with 10 suggestions/);
    const posts = reviewPosts(github);
    expect(posts).toHaveLength(1);
    const payload = posts[0]!.json as {
      commit_id: string;
      event: string;
      body: string;
      comments: { path: string; line: number; side: string; start_line?: number; body: string }[];
    };
    expect(payload.commit_id).toBe(headSha);
    expect(payload.event).toBe('COMMENT');
    expect(payload.body).toContain('<!-- lockgate:suggestions -->');
    expect(payload.comments).toHaveLength(10);
    ACTIONS.forEach((name, i) => {
      const comment = payload.comments[i]!;
      expect({ path: comment.path, line: comment.line, side: comment.side, start_line: comment.start_line }).toEqual({
        path: '.github/workflows/release.yml',
        line: 10 + i,
        side: 'RIGHT',
        start_line: undefined,
      });
      const block = /```suggestion\n([\s\S]*?)\n```$/.exec(comment.body);
      expect(block?.[1]).toBe(pinnedLine(name, i));
    });
    // The existing line (touched by no one) gets nothing; the annotated tags were peeled.
    expect(github.requests.filter((r) => /\/git\/tags\//.test(r.path)).length).toBeGreaterThanOrEqual(5);
  }, 120_000);

  it('posts at most one review per head commit, and supersedes the old one on a new head', async () => {
    const github = await server();
    await runAction(github, headSha);
    await runAction(github, headSha);
    expect(reviewPosts(github)).toHaveLength(1);
    // A change-requesting review of an older lockgate is dismissed; the commented one is marked superseded.
    const old = github.addReview(17, {
      body: '<!-- lockgate:suggestions -->\nold',
      state: 'CHANGES_REQUESTED',
      commit_id: baseSha,
      user: { login: 'github-actions[bot]', type: 'Bot' },
      comments: [],
    });
    const { stdout } = await runAction(github, nextHeadSha);
    expect(stdout).toMatch(/review \d+ with 11 suggestions; 2 earlier reviews superseded/);
    const posts = reviewPosts(github);
    expect(posts).toHaveLength(2);
    const second = posts[1]!.json as { commit_id: string; comments: { line: number; body: string }[] };
    expect(second.commit_id).toBe(nextHeadSha);
    expect(second.comments.at(-1)).toEqual(
      expect.objectContaining({ line: 20, body: expect.stringContaining('```suggestion\n      - run: uv sync --locked\n```') }),
    );
    const dismissals = github.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/reviews/${old.id}/dismissals`));
    expect(dismissals.map((r) => r.json)).toEqual([{ message: expect.stringContaining(nextHeadSha.slice(0, 12)), event: 'DISMISS' }]);
    const first = github.reviews.get(17)!.find((r) => r.commit_id === headSha)!;
    expect(first.body).toContain('lockgate reviewed a newer commit');
    expect(github.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/reviews/${first.id}`))).toHaveLength(1);
    expect(old.state).toBe('DISMISSED');
  }, 240_000);

  it('skips with one notice on a read-only token', async () => {
    const github = await server({ readOnly: true });
    const { code, stdout } = await runAction(github, headSha);
    expect(code).toBe(0);
    expect(stdout.split('\n').filter((line) => line.startsWith('::notice') && line.includes('suggested changes'))).toHaveLength(1);
    expect(github.reviews.get(17) ?? []).toEqual([]);
  }, 120_000);

  it('does nothing unless asked', async () => {
    const github = await server();
    await runAction(github, headSha, { suggestions: 'false' });
    expect(github.requests.filter((r) => r.path.includes('/pulls/'))).toEqual([]);
  }, 120_000);
});
