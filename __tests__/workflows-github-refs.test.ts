/**
 * The GitHub facts client against a loopback server that speaks the REST shapes GitHub answers with
 * (git/ref, git/tags, commits, tags, branches, compare, repos), with faults injected: 404, 403,
 * rate limits (403/429 with x-ratelimit-remaining: 0 or Retry-After), 5xx, hangs, redirects.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GithubClient } from '../src/net/github.js';
import { gatherGithubFacts } from '../src/net/github-enrich.js';
import { rule as unpinnedUses } from '../src/rules/workflows/unpinned-uses.js';
import { rule as refVersionMismatch } from '../src/rules/workflows/ref-version-mismatch.js';
import { rule as impostorCommit } from '../src/rules/workflows/impostor-commit.js';
import { rule as refConfusion } from '../src/rules/workflows/ref-confusion.js';
import { rule as staleActionRef } from '../src/rules/workflows/stale-action-ref.js';
import { rule as vulnerableAction } from '../src/rules/workflows/vulnerable-action.js';
import { ruleContext, testSettings, workflowsFrom } from './support/workflows.js';

const sha = (c: string): string => c.repeat(40).slice(0, 40);
const TOKEN = 'ghs_testtoken_must_never_be_logged';

/** A repository as the fake GitHub knows it. */
interface FakeRepo {
  defaultBranch: string;
  branches: Record<string, string>;
  /** tag → commit; annotated tags also have a tag object SHA. */
  tags: Record<string, { commit: string; object?: string }>;
  /** ref (branch or tag name) → commits in its history (its tip included). */
  history: Record<string, string[]>;
  /** Commits GitHub serves for this repository, fork-network commits included. */
  commits: string[];
}

type Fault = { status: number; headers?: Record<string, string>; body?: unknown; times?: number } | { hang: true } | { redirect: string } | { hugeBody: true };

class FakeGithub {
  server!: Server;
  url = '';
  repos = new Map<string, FakeRepo>();
  /** path prefix (after the origin) → fault; `times` limits how often it fires. */
  faults = new Map<string, Fault>();
  requests: { path: string; authorization?: string }[] = [];
  /** GitHub's global advisories (ecosystem actions): `affected` lists the exact versions the fake's range covers. */
  advisories: { ghsa_id: string; severity: string; summary: string; package: string; affected: string[]; patched: string | null; withdrawn?: boolean }[] = [];
  private sockets = new Set<import('node:net').Socket>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.faults.clear();
    this.advisories = [];
    this.requests = [];
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4999', ...headers });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    this.requests.push({ path: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
    for (const [prefix, fault] of this.faults) {
      if (!path.startsWith(prefix)) continue;
      if ('hang' in fault) return; // never answer
      if ('redirect' in fault) {
        res.writeHead(301, { location: fault.redirect });
        res.end();
        return;
      }
      if ('hugeBody' in fault) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`[${'"x",'.repeat(2_000_000)}"x"]`);
        return;
      }
      if (fault.times !== undefined) {
        if (fault.times <= 0) continue;
        fault.times--;
      }
      this.send(res, fault.status, fault.body ?? { message: 'fault', documentation_url: 'https://docs.github.com/rest' }, fault.headers);
      return;
    }
    if (path === '/advisories') {
      const wanted = (url.searchParams.get('affects') ?? '').split(',').filter(Boolean);
      const hits = this.advisories.filter((a) =>
        wanted.some((w) => {
          const at = w.lastIndexOf('@');
          const name = at < 0 ? w : w.slice(0, at);
          return name.toLowerCase() === a.package && (at < 0 || a.affected.includes(w.slice(at + 1)));
        }),
      );
      return this.send(
        res,
        200,
        hits.map((a) => ({
          ghsa_id: a.ghsa_id,
          cve_id: null,
          url: `https://api.github.com/advisories/${a.ghsa_id}`,
          html_url: `https://github.com/advisories/${a.ghsa_id}`,
          summary: a.summary,
          description: 'd',
          type: 'reviewed',
          severity: a.severity,
          identifiers: [{ type: 'GHSA', value: a.ghsa_id }],
          published_at: '2025-03-15T00:00:00Z',
          withdrawn_at: a.withdrawn ? '2025-04-01T00:00:00Z' : null,
          vulnerabilities: [
            { package: { ecosystem: 'actions', name: a.package }, vulnerable_version_range: '< 9', first_patched_version: a.patched, vulnerable_functions: [] },
          ],
          cvss: null,
        })),
      );
    }
    const match = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    const repo = match ? this.repos.get(`${match[1]}/${match[2]}`.toLowerCase()) : undefined;
    const notFound = (): void => this.send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    if (!match || !repo) return notFound();
    const rest = match[3] ?? '';
    if (rest === '') return this.send(res, 200, { full_name: `${match[1]}/${match[2]}`, default_branch: repo.defaultBranch });
    let m: RegExpExecArray | null;
    if ((m = /^\/git\/ref\/tags\/(.+)$/.exec(rest))) {
      const tag = repo.tags[m[1]];
      if (!tag) return notFound();
      return this.send(res, 200, { ref: `refs/tags/${m[1]}`, object: tag.object ? { type: 'tag', sha: tag.object } : { type: 'commit', sha: tag.commit } });
    }
    if ((m = /^\/git\/ref\/heads\/(.+)$/.exec(rest))) {
      const branch = repo.branches[m[1]];
      if (!branch) return notFound();
      return this.send(res, 200, { ref: `refs/heads/${m[1]}`, object: { type: 'commit', sha: branch } });
    }
    if ((m = /^\/git\/tags\/([0-9a-f]{40})$/.exec(rest))) {
      const entry = Object.entries(repo.tags).find(([, t]) => t.object === m![1]);
      if (!entry) return notFound();
      return this.send(res, 200, { sha: m[1], tag: entry[0], object: { type: 'commit', sha: entry[1].commit } });
    }
    if ((m = /^\/commits\/(.+)$/.exec(rest))) {
      const ref = m[1];
      const full = repo.branches[ref] ?? repo.tags[ref]?.commit ?? repo.commits.find((c) => c === ref || (ref.length >= 7 && c.startsWith(ref)));
      if (!full) return this.send(res, 422, { message: `No commit found for SHA: ${ref}` });
      return this.send(res, 200, { sha: full, commit: { message: 'm' } });
    }
    if (rest === '/tags' || rest === '/branches') {
      const page = Number(url.searchParams.get('page') ?? '1');
      const all =
        rest === '/tags'
          ? Object.entries(repo.tags).map(([name, t]) => ({ name, commit: { sha: t.commit, url: 'u' }, zipball_url: 'z', tarball_url: 't', node_id: 'n' }))
          : Object.entries(repo.branches).map(([name, s]) => ({ name, commit: { sha: s, url: 'u' }, protected: false }));
      return this.send(res, 200, all.slice((page - 1) * 100, page * 100));
    }
    if ((m = /^\/compare\/(.+)\.\.\.([0-9a-f]{40})$/.exec(rest))) {
      const base = m[1].replace(/^refs\/(heads|tags)\//, '');
      const head = m[2];
      if (!repo.commits.includes(head)) return notFound();
      const history = repo.history[base];
      if (!history) return notFound();
      const tip = repo.branches[base] ?? repo.tags[base]?.commit;
      const status = head === tip ? 'identical' : history.includes(head) ? 'behind' : 'diverged';
      return this.send(res, 200, { status, ahead_by: status === 'diverged' ? 1 : 0, behind_by: 1, total_commits: 1, commits: [] });
    }
    return notFound();
  }
}

const github = new FakeGithub();
beforeAll(() => github.start());
afterAll(() => github.stop());

const CHECKOUT_V4 = sha('4');
const CHECKOUT_V422 = CHECKOUT_V4;
const CHECKOUT_OLD = sha('3');
const PYTHON_MAIN = sha('5');
const CACHE_V402 = sha('6');
const CACHE_V410 = sha('7');
const CACHE_MID = sha('8');
const CACHE_RELEASE_FIX = sha('9');
const FORK_COMMIT = sha('f');
const TOOL_FULL = 'abc1234' + sha('0').slice(7);

function seedRepos(): void {
  github.repos.set('actions/checkout', {
    defaultBranch: 'main',
    branches: { main: sha('1') },
    tags: { v4: { commit: CHECKOUT_V4, object: sha('a') }, 'v4.2.2': { commit: CHECKOUT_V422 }, 'v3.6.0': { commit: CHECKOUT_OLD } },
    history: { main: [sha('1'), CHECKOUT_V4, CHECKOUT_OLD] },
    commits: [sha('1'), CHECKOUT_V4, CHECKOUT_OLD],
  });
  github.repos.set('actions/setup-python', {
    defaultBranch: 'main',
    branches: { main: PYTHON_MAIN },
    tags: {},
    history: { main: [PYTHON_MAIN] },
    commits: [PYTHON_MAIN],
  });
  github.repos.set('actions/cache', {
    defaultBranch: 'main',
    branches: { main: sha('2'), 'releases/v3': CACHE_RELEASE_FIX },
    tags: { 'v4.0.2': { commit: CACHE_V402 }, 'v4.1.0': { commit: CACHE_V410 } },
    history: {
      main: [sha('2'), CACHE_V410, CACHE_MID, CACHE_V402],
      'releases/v3': [CACHE_RELEASE_FIX, sha('c')],
      'v4.0.2': [CACHE_V402],
      'v4.1.0': [CACHE_V410, CACHE_MID, CACHE_V402],
    },
    // The fork commit is served through the parent's network, as GitHub does.
    commits: [sha('2'), CACHE_V402, CACHE_V410, CACHE_MID, CACHE_RELEASE_FIX, sha('c'), FORK_COMMIT],
  });
  github.repos.set('org/tool', {
    defaultBranch: 'trunk',
    branches: { trunk: TOOL_FULL },
    tags: {},
    history: { trunk: [TOOL_FULL] },
    commits: [TOOL_FULL],
  });
}

const WORKFLOW = [
  'on: push', // 1
  'permissions: {}', // 2
  'jobs:', // 3
  '  test:', // 4
  '    runs-on: ubuntu-latest', // 5
  '    steps:', // 6
  '      - uses: actions/checkout@v4', // 7
  '      - uses: actions/setup-python@main', // 8
  '      - uses: org/tool@abc1234', // 9
  `      - uses: actions/cache@${CACHE_V402} # v4.0.2`, // 10  matching comment
  `      - uses: actions/cache@${CACHE_V402} # v4.1.0`, // 11  mismatch
  `      - uses: actions/cache@${CACHE_MID} # v4.0.3`, // 12  no such tag; on main
  `      - uses: actions/cache@${FORK_COMMIT} # v4.1.0`, // 13  impostor, and mismatch
  `      - uses: actions/cache@${CACHE_RELEASE_FIX}`, // 14  on a release branch only
  `      - uses: actions/checkout@${CHECKOUT_OLD} # v3`, // 15  major comment, commit is v3.6.0
  '      - uses: ./local', // 16
  '      - uses: nobody/missing@v1', // 17
  `      - uses: actions/checkout@${sha('a')} # v4`, // 18  pinned to the annotated tag object of v4
  '',
].join('\n');

function settingsFor(overrides: Record<string, unknown> = {}) {
  return testSettings({ offline: false, githubApiUrl: `${github.url}/`, githubToken: TOKEN, networkBudgetMs: 20_000, ...overrides });
}

describe('gatherGithubFacts against a fake GitHub', () => {
  it('resolves refs, tags at commits and reachability, and the rules use them', async () => {
    github.reset();
    seedRepos();
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': WORKFLOW });
    const log: string[] = [];
    const facts = await gatherGithubFacts(workflows, settingsFor(), (line) => log.push(line), { backoffMs: 10 });

    expect(facts.refs.get('actions/checkout@v4')).toEqual({ status: 'found', sha: CHECKOUT_V4, kind: 'tag', tagObject: sha('a') });
    expect(facts.refs.get('actions/setup-python@main')).toEqual({ status: 'found', sha: PYTHON_MAIN, kind: 'branch' });
    expect(facts.refs.get('org/tool@abc1234')).toEqual({ status: 'found', sha: TOOL_FULL, kind: 'commit' });
    expect(facts.refs.get('actions/cache@v4.0.3')).toEqual({ status: 'missing' });
    expect(facts.refs.get('nobody/missing@v1')).toEqual({ status: 'missing' });
    expect(facts.tagsAtCommit.get(`actions/checkout@${CHECKOUT_V4}`)).toEqual(['v4', 'v4.2.2']);
    expect(facts.reachable.get(`actions/cache@${CACHE_V402}`)).toBe(true);
    expect(facts.reachable.get(`actions/cache@${CACHE_MID}`)).toBe(true);
    expect(facts.reachable.get(`actions/cache@${CACHE_RELEASE_FIX}`)).toBe(true);
    expect(facts.reachable.get(`actions/cache@${FORK_COMMIT}`)).toBe(false);
    expect(facts.refs.get('actions/checkout@v4')).toMatchObject({ tagObject: sha('a') });
    expect(facts.reachable.get(`actions/checkout@${sha('a')}`)).toBe(true);

    const ctx = ruleContext(workflows, { github: facts });
    expect(unpinnedUses.check(ctx).map((f) => [f.line, f.fix])).toEqual([
      [7, `actions/checkout@${CHECKOUT_V4} # v4.2.2`],
      [8, `actions/setup-python@${PYTHON_MAIN}`],
      [9, `org/tool@${TOOL_FULL}`],
      [17, 'Pin an existing release: nobody/missing@<sha> # <tag>; list them with: gh api repos/nobody/missing/tags --jq \'.[] | .name + " " + .commit.sha\''],
    ]);
    const mismatches = refVersionMismatch.check(ctx);
    expect(mismatches.map((f) => [f.line, f.severity])).toEqual([
      [11, 'warning'],
      [12, 'warning'],
      [13, 'warning'],
    ]);
    expect(mismatches[0].message).toContain(`v4.1.0 of actions/cache is commit ${CACHE_V410.slice(0, 12)}`);
    expect(mismatches[0].fix).toBe(`actions/cache@${CACHE_V402} # v4.0.2   (keep this commit)\nactions/cache@${CACHE_V410} # v4.1.0   (run v4.1.0)`);
    expect(mismatches[1].message).toContain('has no tag v4.0.3');
    expect(impostorCommit.check(ctx).map((f) => [f.rule, f.line, f.severity])).toEqual([['impostor-commit', 13, 'error']]);

    expect(github.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(log.join('\n')).not.toContain(TOKEN);
    expect(log[0]).toMatch(/^GitHub: looked up \d+ refs and 6 pinned commits in 5 repositories/);
    expect(log.join('\n')).toContain('nobody/missing: repository: not found');
  });

  it('asks each URL once per run (cache) and not at all offline or without uses', async () => {
    github.reset();
    seedRepos();
    const twice = workflowsFrom({ '.github/workflows/a.yml': WORKFLOW, '.github/workflows/b.yml': WORKFLOW });
    await gatherGithubFacts(twice, settingsFor(), () => undefined);
    const paths = github.requests.map((r) => r.path);
    expect(new Set(paths).size).toBe(paths.length);

    github.reset();
    expect((await gatherGithubFacts(twice, settingsFor({ offline: true }), () => undefined)).refs.size).toBe(0);
    expect((await gatherGithubFacts(workflowsFrom({ '.github/dependabot.yml': 'version: 2\nupdates: []\n' }), settingsFor(), () => undefined)).refs.size).toBe(
      0,
    );
    expect(github.requests).toEqual([]);
  });
});

describe('faults', () => {
  const one = (uses: string) => workflowsFrom({ '.github/workflows/ci.yml': `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ${uses}\n` });

  it('a primary rate limit (403, x-ratelimit-remaining: 0, reset far away) ends at once with a clear error and stops asking', async () => {
    github.reset();
    seedRepos();
    const reset = Math.floor(Date.now() / 1000) + 3600;
    github.faults.set('/repos', {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded for installation ID 1.' },
    });
    const log: string[] = [];
    const facts = await gatherGithubFacts(one(`actions/cache@${CACHE_V402} # v4.0.2`).concat(one('actions/checkout@v4')), settingsFor(), (l) => log.push(l));
    expect(facts.reachable.get(`actions/cache@${CACHE_V402}`)).toEqual({ error: expect.stringContaining('rate limit was reached (HTTP 403)') });
    expect(facts.refs.get('actions/checkout@v4')).toEqual({ status: 'error', message: expect.stringContaining('rate limit') });
    // One request per repository at most: after the first "stop", nothing more goes out.
    expect(github.requests.length).toBeLessThanOrEqual(2);
    expect(log.join('\n')).toMatch(/rate limit was reached/);
    // Online rules stay silent on unknowns; unpinned-uses falls back to the offline fix.
    const ctx = ruleContext(one('actions/checkout@v4'), { github: facts });
    expect(impostorCommit.check(ctx)).toEqual([]);
    expect(unpinnedUses.check(ctx)[0].fix).toContain('gh api repos/actions/checkout/commits/v4');
  });

  it('a 429 with Retry-After is retried once after the wait, within the budget', async () => {
    github.reset();
    seedRepos();
    github.faults.set('/repos/actions/checkout/git/ref/tags/v4', { status: 429, headers: { 'retry-after': '2', 'x-ratelimit-remaining': '0' }, times: 1 });
    const waits: number[] = [];
    const facts = await gatherGithubFacts(one('actions/checkout@v4'), settingsFor(), () => undefined, { sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([2000]);
    expect(facts.refs.get('actions/checkout@v4')).toEqual({ status: 'found', sha: CHECKOUT_V4, kind: 'tag', tagObject: sha('a') });
  });

  it('a rate limit whose wait exceeds the budget is not waited for', async () => {
    github.reset();
    seedRepos();
    github.faults.set('/repos/actions/checkout', { status: 429, headers: { 'retry-after': '30' } });
    const waits: number[] = [];
    const facts = await gatherGithubFacts(one('actions/checkout@v4'), settingsFor({ networkBudgetMs: 5_000 }), () => undefined, {
      sleep: async (ms) => void waits.push(ms),
    });
    expect(waits).toEqual([]);
    expect(facts.refs.get('actions/checkout@v4')).toEqual({ status: 'error', message: expect.stringContaining('HTTP 429') });
  });

  it('a 5xx is retried once; twice is an error', async () => {
    github.reset();
    seedRepos();
    github.faults.set('/repos/actions/checkout/git/ref/tags/v4', { status: 502, times: 1 });
    const ok = await gatherGithubFacts(one('actions/checkout@v4'), settingsFor(), () => undefined, { backoffMs: 5 });
    expect(ok.refs.get('actions/checkout@v4')).toMatchObject({ status: 'found' });

    github.reset();
    github.faults.set('/repos/actions/checkout/git/ref/tags/v4', { status: 503, times: 2 });
    const failed = await gatherGithubFacts(one('actions/checkout@v4'), settingsFor(), () => undefined, { backoffMs: 5 });
    expect(failed.refs.get('actions/checkout@v4')).toEqual({ status: 'error', message: 'GitHub answered HTTP 503' });
  });

  it('a 403 that is not a rate limit is an error, not retried', async () => {
    github.reset();
    seedRepos();
    github.faults.set('/repos/actions/checkout', { status: 403, body: { message: 'Resource protected by organization SAML enforcement.' } });
    const facts = await gatherGithubFacts(one(`actions/checkout@${CHECKOUT_V4}`), settingsFor(), () => undefined, { backoffMs: 5 });
    expect(facts.reachable.get(`actions/checkout@${CHECKOUT_V4}`)).toEqual({
      error: 'access denied (HTTP 403) (Resource protected by organization SAML enforcement.)',
    });
    expect(github.requests).toHaveLength(1);
  });

  it('a 404 repository makes its refs missing and its commits unknown', async () => {
    github.reset();
    seedRepos();
    const facts = await gatherGithubFacts(one(`ghost/action@${sha('d')}`).concat(one('ghost/action@v2')), settingsFor(), () => undefined);
    expect(facts.refs.get('ghost/action@v2')).toEqual({ status: 'missing' });
    expect(facts.reachable.get(`ghost/action@${sha('d')}`)).toEqual({ error: 'ghost/action does not exist or is private' });
  });

  it('a server that never answers ends with a timeout, never a hang', async () => {
    github.reset();
    seedRepos();
    github.faults.set('/repos', { hang: true });
    const facts = await gatherGithubFacts(one('actions/checkout@v4'), settingsFor({ networkBudgetMs: 1500 }), () => undefined, {
      timeoutMs: 200,
      backoffMs: 10,
    });
    expect(facts.refs.get('actions/checkout@v4')).toEqual({ status: 'error', message: expect.stringMatching(/no answer within|network budget/) });
  });

  it('an exhausted budget sends nothing', async () => {
    github.reset();
    const facts = await gatherGithubFacts(one('actions/checkout@v4'), settingsFor({ networkBudgetMs: 0 }), () => undefined);
    expect(facts.refs.get('actions/checkout@v4')).toEqual({ status: 'error', message: 'the network budget was spent before this request' });
    expect(github.requests).toEqual([]);
  });

  it('follows a same-origin redirect (renamed repository), never one to another origin', async () => {
    github.reset();
    seedRepos();
    github.faults.set('/repos/old/name', { redirect: `${github.url}/repos/actions/checkout` });
    const client = new GithubClient({ apiUrl: github.url, token: TOKEN, budgetMs: 5000 });
    const moved = await client.get<{ default_branch: string }>('/repos/old/name');
    expect(moved).toMatchObject({ ok: true, body: { default_branch: 'main' } });

    github.faults.set('/repos/evil', { redirect: 'http://localhost:1/steal' });
    const away = await client.get('/repos/evil/x');
    expect(away).toEqual({ ok: false, failure: 'bad-response', status: 301, message: 'a redirect outside the GitHub API was not followed' });
    expect(github.requests.filter((r) => r.path.includes('steal'))).toEqual([]);
  });

  it('refuses an oversized answer', async () => {
    github.reset();
    github.faults.set('/repos/big', { hugeBody: true });
    const client = new GithubClient({ apiUrl: github.url, token: null, budgetMs: 5000, maxBodyBytes: 1024 * 1024 });
    expect(await client.get('/repos/big/x')).toEqual({ ok: false, failure: 'bad-response', status: 200, message: 'the answer is larger than 1048576 bytes' });
  });

  it('a 401 stops all further requests', async () => {
    github.reset();
    seedRepos();
    github.faults.set('/repos', { status: 401, body: { message: 'Bad credentials' } });
    const client = new GithubClient({ apiUrl: github.url, token: 'bad', budgetMs: 5000 });
    expect(await client.get('/repos/a/b')).toMatchObject({ ok: false, failure: 'unauthorized' });
    expect(await client.get('/repos/c/d')).toMatchObject({ ok: false, failure: 'unauthorized' });
    expect(github.requests).toHaveLength(1);
  });

  it('an unusable API URL is an error result, not a throw', async () => {
    const client = new GithubClient({ apiUrl: 'not a url', token: null, budgetMs: 1000 });
    expect(await client.get('/repos/a/b')).toMatchObject({ ok: false, failure: 'unavailable' });
  });
});

describe('ref-confusion and stale-action-ref facts', () => {
  const confusing = (): void => {
    github.repos.set('org/confusing', {
      defaultBranch: 'main',
      branches: { main: sha('1'), v1: sha('2') },
      tags: { v1: { commit: sha('3') }, 'v1.0.0': { commit: sha('3') } },
      history: { main: [sha('1'), sha('3'), sha('4')], v1: [sha('2')] },
      commits: [sha('1'), sha('2'), sha('3'), sha('4')],
    });
  };
  const text = [
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    steps:',
    '      - uses: org/confusing@v1', // 6  branch and tag
    '      - uses: org/confusing@main', // 7  branch only
    '      - uses: org/confusing@v1.0.0', // 8  tag only
    `      - uses: org/confusing@${sha('4')}`, // 9  on main, no tag: stale
    `      - uses: org/confusing@${sha('3')} # v1.0.0`, // 10 tagged
    '',
  ].join('\n');

  it('asks git/ref/heads only for uses refs that are tags, and the rules report from the facts', async () => {
    github.reset();
    seedRepos();
    confusing();
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': text });
    const facts = await gatherGithubFacts(workflows, settingsFor(), () => undefined, { backoffMs: 5 });
    expect(facts.branchAndTag?.get('org/confusing@v1')).toBe(true);
    expect(facts.branchAndTag?.get('org/confusing@main')).toBe(false);
    expect(facts.branchAndTag?.get('org/confusing@v1.0.0')).toBe(false);
    expect(facts.tagListComplete?.get('org/confusing')).toBe(true);
    const headsAsked = github.requests.filter((r) => r.path.includes('/git/ref/heads/')).map((r) => r.path);
    // main: asked once by resolveRef (no tag main); v1 and v1.0.0: once each because they are tags.
    expect(headsAsked.sort()).toEqual([
      '/repos/org/confusing/git/ref/heads/main',
      '/repos/org/confusing/git/ref/heads/v1',
      '/repos/org/confusing/git/ref/heads/v1.0.0',
    ]);
    const ctx = ruleContext(workflows, { github: facts });
    expect(refConfusion.check(ctx).map((f) => [f.rule, f.line, f.severity])).toEqual([['ref-confusion', 6, 'warning']]);
    expect(staleActionRef.check(ctx).map((f) => [f.rule, f.line, f.severity])).toEqual([['stale-action-ref', 9, 'notice']]);
  });

  it('a failing branch look-up, a failed or cut-short tag listing report nothing', async () => {
    github.reset();
    seedRepos();
    confusing();
    github.faults.set('/repos/org/confusing/git/ref/heads/v1', { status: 500 });
    github.faults.set('/repos/org/confusing/tags', { status: 200, body: 'not a list' });
    const log: string[] = [];
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': text });
    const facts = await gatherGithubFacts(workflows, settingsFor(), (l) => log.push(l), { backoffMs: 5 });
    expect(facts.branchAndTag?.get('org/confusing@v1')).toEqual({ error: 'GitHub answered HTTP 500' });
    expect(facts.tagListComplete?.get('org/confusing')).toBe(false);
    expect(log.join('\n')).toContain('could not be checked');
    expect(log.join('\n')).not.toContain(TOKEN);
    const ctx = ruleContext(workflows, { github: facts });
    expect(refConfusion.check(ctx)).toEqual([]);
    expect(staleActionRef.check(ctx)).toEqual([]);
  });

  it('a repository with more tags than listed is not called stale', async () => {
    github.reset();
    seedRepos();
    confusing();
    const repo = github.repos.get('org/confusing')!;
    for (let i = 0; i < 320; i++) repo.tags[`v0.${i}`] = { commit: sha('1') };
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': text });
    const facts = await gatherGithubFacts(workflows, settingsFor(), () => undefined, { backoffMs: 5 });
    expect(facts.tagListComplete?.get('org/confusing')).toBe(false);
    expect(staleActionRef.check(ruleContext(workflows, { github: facts }))).toEqual([]);
  });
});

describe('vulnerable-action facts', () => {
  const text = [
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    steps:',
    '      - uses: actions/checkout@v4', // 6  v4 → v4.2.2, affected (high)
    `      - uses: actions/cache@${CACHE_V402} # v4.0.2`, // 7  affected (medium) and a withdrawn one
    `      - uses: actions/cache@${CACHE_V410} # v4.1.0`, // 8  patched
    '      - uses: actions/setup-python@main', // 9  a branch without a tag: no version
    '',
  ].join('\n');
  const seedAdvisories = (): void => {
    github.advisories = [
      { ghsa_id: 'GHSA-aaaa-bbbb-cccc', severity: 'high', summary: 'Token leak', package: 'actions/checkout', affected: ['v4.2.2'], patched: 'v4.2.3' },
      { ghsa_id: 'GHSA-dddd-eeee-ffff', severity: 'medium', summary: 'Cache poisoning', package: 'actions/cache', affected: ['v4.0.2'], patched: null },
      {
        ghsa_id: 'GHSA-gone-gone-gone',
        severity: 'critical',
        summary: 'Withdrawn',
        package: 'actions/cache',
        affected: ['v4.0.2'],
        patched: null,
        withdrawn: true,
      },
    ];
  };

  it('one request finds the actions with advisories, then one per version of those; the rule maps severities', async () => {
    github.reset();
    seedRepos();
    seedAdvisories();
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': text });
    const facts = await gatherGithubFacts(workflows, settingsFor(), () => undefined, { backoffMs: 5 });
    const asked = github.requests.filter((r) => r.path.startsWith('/advisories')).map((r) => decodeURIComponent(r.path));
    expect(asked).toHaveLength(4);
    expect(asked[0]).toBe('/advisories?ecosystem=actions&per_page=100&affects=actions/checkout,actions/cache');
    expect(asked.slice(1).sort()).toEqual([
      '/advisories?ecosystem=actions&per_page=100&affects=actions/cache@v4.0.2',
      '/advisories?ecosystem=actions&per_page=100&affects=actions/cache@v4.1.0',
      '/advisories?ecosystem=actions&per_page=100&affects=actions/checkout@v4.2.2',
    ]);
    expect(facts.actionAdvisories?.get('actions/cache@v4.1.0')).toEqual([]);
    const findings = vulnerableAction.check(ruleContext(workflows, { github: facts }));
    expect(findings.map((f) => [f.rule, f.line, f.severity])).toEqual([
      ['vulnerable-action', 6, 'error'],
      ['vulnerable-action', 7, 'warning'],
    ]);
    expect(findings[0].message).toBe(
      'actions/checkout v4.2.2 is affected by GHSA-aaaa-bbbb-cccc (high): Token leak. https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
    );
    expect(findings[0].fix).toContain('Upgrade to v4.2.3');
    expect(findings[1].fix).toContain('No fixed version is listed');
  });

  it('an action without advisories costs no per-version request', async () => {
    github.reset();
    seedRepos();
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': text });
    const facts = await gatherGithubFacts(workflows, settingsFor(), () => undefined, { backoffMs: 5 });
    expect(github.requests.filter((r) => r.path.startsWith('/advisories'))).toHaveLength(1);
    expect(vulnerableAction.check(ruleContext(workflows, { github: facts }))).toEqual([]);
  });

  it('a failing or malformed advisory answer reports nothing and says so in the log', async () => {
    for (const fault of [{ status: 500 }, { status: 200, body: { not: 'a list' } }, { status: 429, headers: { 'retry-after': '3600' } }]) {
      github.reset();
      seedRepos();
      seedAdvisories();
      github.faults.set('/advisories', fault);
      const log: string[] = [];
      const workflows = workflowsFrom({ '.github/workflows/ci.yml': text });
      const facts = await gatherGithubFacts(workflows, settingsFor(), (l) => log.push(l), { backoffMs: 5 });
      expect(facts.actionAdvisories?.get('actions/checkout@v4.2.2')).toEqual({ error: expect.any(String) });
      expect(vulnerableAction.check(ruleContext(workflows, { github: facts }))).toEqual([]);
      expect(log.join('\n')).toContain('advisories:');
      expect(log.join('\n')).not.toContain(TOKEN);
    }
  });
});
