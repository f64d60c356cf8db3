import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { publishCheckRun, toAnnotation } from '../src/action/checks.js';
import { COMMENT_MARKER, commentBody, upsertStickyComment } from '../src/action/comment.js';
import { makeFinding, type Finding, type Severity } from '../src/findings.js';
import { GithubApiError, GithubClient } from '../src/net/github.js';
import type { Report } from '../src/report/types.js';
import { FakeGithub } from './helpers/fake-github-api.js';

const TOKEN = 'ghs_faketoken1234567890';
const HEAD = 'c'.repeat(40);
let server: FakeGithub;
const noSleep = async () => {};

function api(options: Partial<Parameters<typeof GithubClient.forRepository>[0]> = {}): GithubClient {
  return GithubClient.forRepository({ apiUrl: server.url, token: TOKEN, repository: 'octo/repo', sleep: noSleep, ...options });
}

function report(findings: Finding[]): Report {
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  return { tool: 'lockgate', version: '0.1.0', base: null, head: HEAD, now: '2026-11-20T00:00:00Z', projects: [], findings, waived: [], counts, rules: [] };
}

function findings(n: number): Finding[] {
  const severities: Severity[] = ['notice', 'warning', 'error'];
  return Array.from({ length: n }, (_, i) =>
    makeFinding({
      rule: 'unpinned-uses',
      severity: severities[i % 3]!,
      file: '.github/workflows/ci.yml',
      line: i + 1,
      column: 9,
      message: `step ${i} is not pinned`,
      subject: String(i),
    }),
  );
}

beforeEach(async () => {
  server = await new FakeGithub({ token: TOKEN }).start();
});
afterEach(async () => {
  await server.close();
});

describe('GithubClient (the Action calls)', () => {
  it("sends the token as a bearer header and GitHub's API version, never in the URL or body", async () => {
    await api().createIssueComment(7, 'hello');
    const [request] = server.requests;
    expect(request!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request!.headers['x-github-api-version']).toBe('2022-11-28');
    expect(request!.headers.accept).toBe('application/vnd.github+json');
    expect(request!.path).not.toContain(TOKEN);
    expect(request!.body).not.toContain(TOKEN);
  });

  it("classifies a read-only token's 403 as a permission failure with the permission GitHub wanted", async () => {
    await server.close();
    server = await new FakeGithub({ token: TOKEN, readOnly: true }).start();
    const error = await api()
      .createCheckRun({ name: 'x', head_sha: HEAD, status: 'completed', conclusion: 'success', output: { title: 't', summary: 's' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GithubApiError);
    expect(error).toMatchObject({ kind: 'permission', status: 403, acceptedPermissions: 'checks=write' });
    expect((error as Error).message).toBe('POST /repos/octo/repo/check-runs: HTTP 403 Resource not accessible by integration');
  });

  it('treats 404 on a write as a permission failure and 404 on a read as not found', async () => {
    server.faults.push({ method: 'POST', path: /comments$/, status: 404, body: { message: 'Not Found' } });
    await expect(api().createIssueComment(1, 'x')).rejects.toMatchObject({ kind: 'permission', status: 404 });
    await expect(api().getTree('d'.repeat(40))).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('reports bad credentials as auth, without echoing the token', async () => {
    const error = (await api({ token: 'ghp_wrongtoken' })
      .listIssueComments(1)
      .catch((e: unknown) => e)) as GithubApiError;
    expect(error.kind).toBe('auth');
    expect(error.message).not.toContain('ghp_wrongtoken');
  });

  it('retries a 502 and a secondary rate limit, then succeeds', async () => {
    const waits: number[] = [];
    server.faults.push({ method: 'GET', path: /comments$/, status: 502, body: { message: 'Server Error' } });
    server.faults.push({
      method: 'GET',
      path: /comments$/,
      status: 403,
      body: { message: 'You have exceeded a secondary rate limit' },
      headers: { 'retry-after': '3' },
    });
    const comments = await api({ sleep: async (ms) => void waits.push(ms) }).listIssueComments(1);
    expect(comments).toEqual([]);
    expect(server.requests).toHaveLength(3);
    expect(waits).toEqual([500, 3000]);
  });

  it('gives up on a rate limit that asks for a longer wait than allowed', async () => {
    server.faults.push({ method: 'GET', path: /comments$/, status: 429, headers: { 'retry-after': '3600' } });
    await expect(api().listIssueComments(1)).rejects.toMatchObject({ kind: 'rate-limit' });
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after the retries on a server that keeps failing', async () => {
    server.faults.push({ path: /comments$/, status: 503, times: 10 });
    await expect(api({ retries: 2 }).listIssueComments(1)).rejects.toMatchObject({ kind: 'unavailable', status: 503 });
    expect(server.requests).toHaveLength(3);
  });

  it('times out on a server that does not answer', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const client = GithubClient.forRepository({
        apiUrl: `http://127.0.0.1:${port}`,
        token: TOKEN,
        repository: 'octo/repo',
        timeoutMs: 200,
        retries: 1,
        sleep: noSleep,
      });
      await expect(client.listIssueComments(1)).rejects.toMatchObject({
        kind: 'unavailable',
        message: 'GET /repos/octo/repo/issues/1/comments: no answer within 200 ms',
      });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('follows comment pagination to the end', async () => {
    await server.close();
    server = await new FakeGithub({ token: TOKEN, maxPerPage: 2 }).start();
    for (let i = 0; i < 5; i++) server.addComment(3, `c${i}`);
    const comments = await api().listIssueComments(3);
    expect(comments.map((c) => c.body)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect(server.requests.map((r) => r.query.get('page'))).toEqual(['1', '2', '3']);
  });

  it('refuses bad configuration before any request', () => {
    expect(() => api({ repository: 'not-a-repo' })).toThrow(/owner\/repo/);
    expect(() => api({ apiUrl: 'file:///etc/passwd' })).toThrow(/http/);
    expect(() => api({ apiUrl: 'https://user:pw@api.github.com' })).toThrow(/credentials/);
  });

  it('joins a GHES API path prefix', async () => {
    await expect(api({ apiUrl: `${server.url}/api/v3/` }).listIssueComments(1)).rejects.toMatchObject({ kind: 'not-found' });
    expect(server.requests[0]!.path).toBe('/api/v3/repos/octo/repo/issues/1/comments');
  });
});

describe('toAnnotation', () => {
  it('maps severity to level, keeps columns only on one line, and puts the fix in raw_details', () => {
    const f = makeFinding({ rule: 'cooldown', severity: 'error', file: 'uv.lock', line: 4, column: 3, message: 'm', fix: 'uv lock', subject: 's' });
    expect(toAnnotation(f)).toEqual({
      path: 'uv.lock',
      start_line: 4,
      end_line: 4,
      start_column: 3,
      end_column: 3,
      annotation_level: 'failure',
      message: 'm',
      title: 'cooldown',
      raw_details: 'Fix: uv lock',
    });
    const multi = makeFinding({ rule: 'x', severity: 'notice', file: 'a', line: 2, endLine: 5, column: 3, message: 'm', subject: 's' });
    expect(toAnnotation(multi)).toEqual({ path: 'a', start_line: 2, end_line: 5, annotation_level: 'notice', message: 'm', title: 'x' });
  });
  it('has no annotation for a finding without a line', () => {
    expect(toAnnotation(makeFinding({ rule: 'x', severity: 'error', file: 'a', message: 'm', subject: 's' }))).toBeNull();
  });
});

describe('publishCheckRun', () => {
  it('sends 120 annotations in three requests of at most 50, on the given head SHA, conclusion in the first', async () => {
    const all = findings(120);
    const outcome = await publishCheckRun(api(), { headSha: HEAD, report: report(all), failOn: 'error', text: '## lockgate' });
    expect(outcome).toMatchObject({ annotations: 120, expected: 120, requests: 3, conclusion: 'failure', unlocated: 0 });
    expect(outcome.incomplete).toBeUndefined();
    const [create, ...updates] = server.requests;
    expect(create!.method).toBe('POST');
    expect(create!.json).toMatchObject({
      name: 'lockgate findings',
      head_sha: HEAD,
      status: 'completed',
      conclusion: 'failure',
      output: { title: '40 errors, 40 warnings, 40 notices' },
    });
    expect(updates.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /repos/octo/repo/check-runs/${outcome.id}`,
      `PATCH /repos/octo/repo/check-runs/${outcome.id}`,
    ]);
    expect(server.requests.map((r) => (r.json as { output: { annotations: unknown[] } }).output.annotations.length)).toEqual([50, 50, 20]);
    const run = server.checkRuns[0]!;
    expect(run.annotations).toHaveLength(120);
    expect(new Set(run.annotations.map((a) => a.start_line)).size).toBe(120);
    // Most severe first.
    expect(run.annotations.slice(0, 40).every((a) => a.annotation_level === 'failure')).toBe(true);
    expect(run.annotations.slice(80).every((a) => a.annotation_level === 'notice')).toBe(true);
  });

  it('stops at maxAnnotations, keeping the most severe', async () => {
    const outcome = await publishCheckRun(api(), { headSha: HEAD, report: report(findings(120)), failOn: 'error', text: '', maxAnnotations: 60 });
    expect(outcome).toMatchObject({ annotations: 60, expected: 60, capped: 60, requests: 2 });
    expect(server.checkRuns[0]!.annotations.filter((a) => a.annotation_level === 'failure')).toHaveLength(40);
  });

  it('creates one request with no annotations when there are no findings; success', async () => {
    const outcome = await publishCheckRun(api(), { headSha: HEAD, report: report([]), failOn: 'error', text: 'x' });
    expect(outcome).toMatchObject({ annotations: 0, requests: 1, conclusion: 'success' });
    expect(server.checkRuns[0]!.output.title).toBe('No findings');
  });

  it('fails per fail-on: warnings fail at warning, never never fails', async () => {
    const warnings = findings(3).filter((f) => f.severity !== 'error');
    expect((await publishCheckRun(api(), { headSha: HEAD, report: report(warnings), failOn: 'error', text: '' })).conclusion).toBe('success');
    expect((await publishCheckRun(api(), { headSha: HEAD, report: report(warnings), failOn: 'warning', text: '' })).conclusion).toBe('failure');
    expect((await publishCheckRun(api(), { headSha: HEAD, report: report(findings(3)), failOn: 'never', text: '' })).conclusion).toBe('success');
  });

  it('keeps summary and text within 65,535 characters and scrubs secrets from everything sent', async () => {
    const secretFinding = makeFinding({
      rule: 'new-index',
      severity: 'error',
      file: 'uv.lock',
      line: 1,
      message: 'index https://u:s3cret@x.example',
      fix: 's3cret',
      subject: 'x',
    });
    const scrub = (t: string) => t.split('s3cret').join('***');
    await publishCheckRun(api(), { headSha: HEAD, report: report([secretFinding]), failOn: 'error', text: 'é'.repeat(70_000) + 's3cret', scrub });
    const run = server.checkRuns[0]!;
    expect(run.output.text!.length).toBeLessThanOrEqual(65_535);
    expect(server.requests[0]!.body).not.toContain('s3cret');
  });

  it('counts findings without a line and says they are only in the text', async () => {
    const fileLevel = makeFinding({ rule: 'lock-missing', severity: 'error', file: 'pyproject.toml', message: 'no lock', subject: 'x' });
    const outcome = await publishCheckRun(api(), { headSha: HEAD, report: report([fileLevel, ...findings(2)]), failOn: 'error', text: '' });
    expect(outcome).toMatchObject({ annotations: 2, unlocated: 1 });
    expect(server.checkRuns[0]!.output.summary).toContain('1 finding concerns a whole file');
  });

  it('keeps the conclusion and reports the gap when a later batch fails', async () => {
    server.faults.push({ method: 'PATCH', path: /check-runs/, status: 500, times: 5 });
    const outcome = await publishCheckRun(api({ retries: 0 }), { headSha: HEAD, report: report(findings(120)), failOn: 'error', text: '' });
    expect(outcome).toMatchObject({ annotations: 50, expected: 120, conclusion: 'failure' });
    expect(outcome.incomplete).toMatch(/HTTP 500/);
    expect(server.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  it('throws a permission error for a read-only token', async () => {
    await server.close();
    server = await new FakeGithub({ token: TOKEN, readOnly: true }).start();
    await expect(publishCheckRun(api(), { headSha: HEAD, report: report(findings(3)), failOn: 'error', text: '' })).rejects.toMatchObject({
      kind: 'permission',
    });
  });
});

describe('upsertStickyComment', () => {
  const body = (text: string) => commentBody(text);

  it('creates the comment, then updates the same one in place', async () => {
    const first = await upsertStickyComment(api(), { issue: 5, mode: 'always', hasFindings: true, body: body('first') });
    expect(first.action).toBe('created');
    const second = await upsertStickyComment(api(), { issue: 5, mode: 'always', hasFindings: true, body: body('second') });
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect(server.comments.get(5)).toHaveLength(1);
    expect(server.comments.get(5)![0]!.body).toBe(`${COMMENT_MARKER}\nsecond`);
  });

  it('on-findings: posts nothing without findings, but updates an old report once findings are gone', async () => {
    expect(await upsertStickyComment(api(), { issue: 5, mode: 'on-findings', hasFindings: false, body: body('clean') })).toMatchObject({ action: 'skipped' });
    expect(server.comments.get(5)).toBeUndefined();
    await upsertStickyComment(api(), { issue: 5, mode: 'on-findings', hasFindings: true, body: body('3 errors') });
    expect(await upsertStickyComment(api(), { issue: 5, mode: 'on-findings', hasFindings: false, body: body('No findings.') })).toMatchObject({
      action: 'updated',
    });
    expect(server.comments.get(5)![0]!.body).toContain('No findings.');
  });

  it('never adopts a marker comment posted by a person (a PR author spoofing the report)', async () => {
    const spoof = server.addComment(5, `${COMMENT_MARKER}\nNo findings, merge away`, { login: 'mallory', type: 'User' });
    const outcome = await upsertStickyComment(api(), { issue: 5, mode: 'always', hasFindings: true, body: body('real report') });
    expect(outcome.action).toBe('created');
    expect(outcome.id).not.toBe(spoof.id);
    expect(spoof.body).toContain('merge away');
  });

  it("with a personal token, adopts that user's own marker comment", async () => {
    await server.close();
    server = await new FakeGithub({ token: TOKEN, userLogin: 'release-bot-user' }).start();
    server.addComment(5, `${COMMENT_MARKER}\nmallory`, { login: 'mallory', type: 'User' });
    const own = server.addComment(5, `${COMMENT_MARKER}\nold`, { login: 'release-bot-user', type: 'User' });
    expect(await upsertStickyComment(api(), { issue: 5, mode: 'always', hasFindings: true, body: body('new') })).toMatchObject({
      action: 'updated',
      id: own.id,
    });
  });

  it('ignores comments that only quote the marker later in their text', async () => {
    server.addComment(5, `> ${COMMENT_MARKER}\nquoted`, { login: 'github-actions[bot]', type: 'Bot' });
    expect((await upsertStickyComment(api(), { issue: 5, mode: 'always', hasFindings: true, body: body('x') })).action).toBe('created');
  });

  it('keeps the body within 65,536 characters', () => {
    expect(commentBody('x'.repeat(70_000)).length).toBeLessThanOrEqual(65_536);
  });
});
