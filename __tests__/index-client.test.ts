import { afterEach, describe, expect, it } from '@jest/globals';
import { endpointOf, IndexClient, jsonApiRoot, parseSimpleHtml, parseSimpleJson } from '../src/net/pypi-index.js';
import type { IndexLookup } from '../src/facts/types.js';
import { releaseFiles, simpleHtml, simpleJson, startIndexServer, type Fault, type FakeProject, type IndexServer } from './index-server.js';

const httpx: FakeProject = {
  name: 'httpx',
  versions: ['0.27.0', '0.28.1'],
  files: [...releaseFiles('httpx', '0.27.0', '2026-02-01T10:00:00.123456Z'), ...releaseFiles('httpx', '0.28.1', '2026-08-30T08:00:00.500123Z')],
};
const yankedRelease: FakeProject = {
  name: 'oldlib',
  versions: ['1.0'],
  files: releaseFiles('oldlib', '1.0', '2025-01-01T00:00:00Z', 'Broken metadata'),
};

function project(name: string): FakeProject {
  return { name, versions: ['1.0'], files: releaseFiles(name, '1.0', '2026-01-01T00:00:00.000001Z') };
}

let server: IndexServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const FAST = { timeoutMs: 500, backoffMs: 20, retries: 2 };

async function lookupWith(
  fault: Fault | undefined,
  options: Partial<ConstructorParameters<typeof IndexClient>[0]> = {},
  name = 'subject',
): Promise<{ lookup: IndexLookup; log: string[] }> {
  server = await startIndexServer([project(name), httpx, yankedRelease], fault ? { [name]: fault } : {});
  const log: string[] = [];
  const client = new IndexClient({ budgetMs: 8000, ...FAST, ...options, log: (line) => log.push(line) });
  const lookup = await client.lookup(server.url, name, ['1.0']);
  return { lookup, log };
}

describe('IndexClient against a real HTTP server', () => {
  it('reads a PEP 691 page: files, PEP 700 upload times, versions, project status', async () => {
    server = await startIndexServer([httpx]);
    const client = new IndexClient({ budgetMs: 5000 });
    const lookup = await client.lookup(server.url, 'httpx', ['0.28.1']);
    expect(lookup).toMatchObject({ status: 'found', source: 'simple', versions: ['0.27.0', '0.28.1'], versionsListed: true, projectStatus: 'active' });
    if (lookup.status !== 'found') throw new Error('not found');
    expect(lookup.files).toHaveLength(4);
    expect(lookup.files[2]).toEqual({
      filename: 'httpx-0.28.1.tar.gz',
      url: expect.stringMatching(/^https:\/\/files\.pythonhosted\.org\/packages\/.*\/httpx-0\.28\.1\.tar\.gz$/),
      sha256: httpx.files[2]!.sha256,
      size: 1000,
      uploadTime: '2026-08-30T08:00:00.500123Z',
      yanked: false,
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/simple/httpx/' });
    expect(server.requests[0]!.accept).toMatch(/^application\/vnd\.pypi\.simple\.v1\+json/);
  });

  it('reads a yank reason', async () => {
    const { lookup } = await lookupWith(undefined, {}, 'oldlib');
    expect(lookup.status === 'found' && lookup.files.map((f) => f.yanked)).toEqual(['Broken metadata', 'Broken metadata']);
  });

  it('asks once per project and run (cache)', async () => {
    server = await startIndexServer([httpx]);
    const client = new IndexClient({ budgetMs: 5000 });
    const [a, b] = await Promise.all([client.lookup(server.url, 'httpx', ['0.28.1']), client.lookup(`${server.url}/`, 'httpx', ['0.27.0'])]);
    expect(a).toBe(b);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `p${i}`);
    server = await startIndexServer(names.map(project), Object.fromEntries(names.map((n) => [n, 'slow' as Fault])));
    const client = new IndexClient({ budgetMs: 8000, concurrency: 3 });
    const lookups = await Promise.all(names.map((n) => client.lookup(server!.url, n, ['1.0'])));
    expect(lookups.every((l) => l.status === 'found')).toBe(true);
    expect(server.requests).toHaveLength(12);
    expect(server.maxInFlight).toBeGreaterThan(1);
    expect(server.maxInFlight).toBeLessThanOrEqual(3);
  });

  it('reads 404 as a missing project, without retrying', async () => {
    const { lookup } = await lookupWith('404');
    expect(lookup).toEqual({ status: 'missing-project' });
    expect(server!.requests).toHaveLength(1);
  });

  it('retries a 500 and gets the page', async () => {
    const { lookup, log } = await lookupWith('500-once');
    expect(lookup.status).toBe('found');
    expect(server!.requests).toHaveLength(2);
    expect(log.join('\n')).toMatch(/HTTP 500, retrying/);
  });

  it('gives up on a lasting 500 after its retries, with an error entry', async () => {
    const { lookup } = await lookupWith('500');
    expect(lookup).toEqual({ status: 'error', message: expect.stringMatching(/answered HTTP 500 \(after 3 attempts\)$/) });
    expect(server!.requests).toHaveLength(3);
  });

  it('honours Retry-After on a 429', async () => {
    const { lookup } = await lookupWith('429-once');
    expect(lookup.status).toBe('found');
    const [first, second] = server!.requests;
    expect(server!.requests).toHaveLength(2);
    // Retry-After: 1 means the second request comes no sooner than a second later (a lower bound, not a speed check).
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('does not wait for a Retry-After longer than it allows', async () => {
    const { lookup } = await lookupWith('429-long');
    expect(lookup).toEqual({ status: 'error', message: expect.stringMatching(/HTTP 429; Retry-After asks for 3600 s, longer than lockgate waits/) });
    expect(server!.requests).toHaveLength(1);
  });

  it('times out a body that drips, retries, and ends with an error entry', async () => {
    const { lookup } = await lookupWith('drip');
    expect(lookup).toEqual({ status: 'error', message: expect.stringMatching(/\/simple\/subject\/ did not answer within 500 ms \(after 3 attempts\)$/) });
    expect(server!.requests).toHaveLength(3);
  });

  it('times out a server that never answers', async () => {
    const { lookup } = await lookupWith('hang', { retries: 1 });
    expect(lookup.status).toBe('error');
    if (lookup.status === 'error') expect(lookup.message).toMatch(/did not answer within/);
    expect(server!.requests).toHaveLength(2);
  });

  it('retries a reset connection and reports it', async () => {
    const { lookup } = await lookupWith('reset');
    expect(lookup.status).toBe('error');
    if (lookup.status === 'error') expect(lookup.message).toMatch(/failed: (ECONNRESET|UND_ERR_SOCKET|other side closed).*after 3 attempts/);
    expect(server!.connections).toBeGreaterThanOrEqual(3);
  });

  it('reports bad JSON as an error entry', async () => {
    const { lookup } = await lookupWith('bad-json');
    expect(lookup).toEqual({ status: 'error', message: expect.stringMatching(/did not answer with a PEP 691 project page \(bad JSON\)/) });
  });

  it('falls back to the JSON API when the simple API serves HTML only', async () => {
    const { lookup } = await lookupWith('html-only');
    expect(lookup).toMatchObject({ status: 'found', source: 'json', versions: ['1.0'], versionsListed: true });
    if (lookup.status === 'found') expect(lookup.files.map((f) => f.uploadTime)).toEqual(['2026-01-01T00:00:00.000001Z', '2026-01-01T00:00:00.000001Z']);
    expect(server!.requests.map((r) => r.path)).toEqual(['/simple/subject/', '/pypi/subject/1.0/json']);
  });

  it('reads a version the JSON API does not have as absent, and a project it does not have as missing', async () => {
    server = await startIndexServer([project('subject')], { subject: 'html-only' });
    const client = new IndexClient({ budgetMs: 5000 });
    expect(await client.lookup(server.url, 'subject', ['9.9'])).toEqual({
      status: 'found',
      versions: ['1.0'],
      versionsListed: true,
      files: [],
      source: 'json',
    });
    expect(await client.lookup(server.url, 'nothing', ['1.0'])).toEqual({ status: 'missing-project' });
  });

  it('reads a plain PEP 503 HTML index: files and yanks, no times, no version list', async () => {
    const { lookup } = await lookupWith('html-no-json', {}, 'oldlib');
    expect(lookup).toMatchObject({ status: 'found', source: 'simple', versionsListed: false });
    if (lookup.status === 'found') {
      expect(lookup.files).toEqual(
        yankedRelease.files.map((f) => ({ filename: f.filename, url: expect.stringContaining(f.filename), sha256: f.sha256, yanked: 'Broken metadata' })),
      );
    }
  });

  it('follows a same-origin redirect', async () => {
    const { lookup } = await lookupWith('redirect');
    expect(lookup.status).toBe('found');
    expect(server!.requests.map((r) => r.path)).toEqual(['/simple/subject/', '/simple/subject/?moved=1']);
  });

  it('sends credentials from the index URL as Basic auth and never prints them', async () => {
    server = await startIndexServer([project('private')], { private: 'auth', other: '500' });
    const log: string[] = [];
    const client = new IndexClient({ budgetMs: 8000, ...FAST, log: (line) => log.push(line) });
    const withCredentials = server.url.replace('http://', 'http://user:s3cret@');
    const found = await client.lookup(withCredentials, 'private', ['1.0']);
    const failed = await client.lookup(withCredentials, 'other', ['1.0']);
    const refused = await client.lookup(server.url.replace('http://', 'http://user:wrong@'), 'private', ['1.0']);
    expect(found.status).toBe('found');
    expect(failed.status).toBe('error');
    expect(refused).toEqual({ status: 'error', message: expect.stringMatching(/refused access \(HTTP 401\)/) });
    expect(server.requests[0]!.authorization).toBe(`Basic ${Buffer.from('user:s3cret').toString('base64')}`);
    const printed = JSON.stringify([found, failed, refused, log]);
    expect(printed).not.toMatch(/s3cret|wrong|user:/);
    expect(printed).toMatch(/http:\/\/127\.0\.0\.1:\d+\/simple\/other\//);
  });

  it('sends nothing after the budget is spent, and ends the request in flight at the budget', async () => {
    server = await startIndexServer([project('slowpoke'), project('next')], { slowpoke: 'hang' });
    const client = new IndexClient({ budgetMs: 300, timeoutMs: 10_000, retries: 3 });
    const stuck = await client.lookup(server.url, 'slowpoke', ['1.0']);
    expect(stuck).toEqual({ status: 'error', message: expect.stringMatching(/did not answer before the network budget ran out/) });
    const after = await client.lookup(server.url, 'next', ['1.0']);
    expect(after).toEqual({ status: 'error', message: expect.stringMatching(/was not asked: the network budget ran out/) });
    expect(server.requests.map((r) => r.path)).toEqual(['/simple/slowpoke/']);
  });

  it('answers an unusable index URL with an error, without a request', async () => {
    const client = new IndexClient({ budgetMs: 1000, fetch: () => Promise.reject(new Error('must not be called')) });
    expect(await client.lookup('../wheels', 'x', [])).toEqual({ status: 'error', message: '../wheels is not an http(s) index URL' });
    expect(await client.lookup('ftp://user:pw@host/simple', 'x', [])).toEqual({ status: 'error', message: 'ftp://host/simple is not an http(s) index URL' });
  });
});

describe('index URLs', () => {
  it('splits credentials off for Basic auth', () => {
    expect(endpointOf('https://us%40er:p%3Ass@example.com/simple/')).toEqual({
      url: 'https://example.com/simple',
      origin: 'https://example.com',
      authorization: `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`,
    });
    expect(endpointOf('https://token@example.com/simple')?.authorization).toBe(`Basic ${Buffer.from('token:').toString('base64')}`);
    expect(endpointOf('not a url')).toBeNull();
  });
  it('finds the JSON API next to /simple', () => {
    expect(jsonApiRoot(endpointOf('https://pypi.org/simple')!)).toBe('https://pypi.org');
    expect(jsonApiRoot(endpointOf('https://test.pypi.org/simple/')!)).toBe('https://test.pypi.org');
    expect(jsonApiRoot(endpointOf('https://download.pytorch.org/whl/cpu')!)).toBeNull();
  });
});

describe('response parsing on hostile bodies', () => {
  const page = 'https://idx.example/simple/x/';
  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['files not an array', '{"files": {}}'],
    ['a string', '"files"'],
  ])('turns %s into an error', (_, body) => {
    expect(parseSimpleJson(body, page).status).toBe('error');
  });
  it('skips malformed file entries and keeps the rest', () => {
    const body = JSON.stringify({
      files: [null, 5, { url: 'x' }, { filename: 'x-1.0.tar.gz', url: '../../files/x-1.0.tar.gz', hashes: { sha256: 'nothex' }, yanked: true, size: 'big' }],
      versions: [1, '1.0'],
    });
    expect(parseSimpleJson(body, page)).toEqual({
      status: 'found',
      versions: ['1.0'],
      versionsListed: true,
      files: [{ filename: 'x-1.0.tar.gz', url: 'https://idx.example/files/x-1.0.tar.gz', yanked: '' }],
      source: 'simple',
    });
  });
  it('reads PEP 691 and PEP 503 pages of the same project alike (files, hashes, yanks)', () => {
    const fromJson = parseSimpleJson(JSON.stringify(simpleJson(yankedRelease)), page);
    const fromHtml = parseSimpleHtml(simpleHtml(yankedRelease), page);
    if (fromJson.status !== 'found' || fromHtml.status !== 'found') throw new Error('not found');
    expect(fromHtml.files.map(({ filename, sha256, yanked, url }) => ({ filename, sha256, yanked, url }))).toEqual(
      fromJson.files.map(({ filename, sha256, yanked, url }) => ({ filename, sha256, yanked, url })),
    );
  });
});
