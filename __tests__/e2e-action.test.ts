/**
 * The Action as the runner runs it: `node dist/index.js` in a child process, in a git checkout,
 * with the event at GITHUB_EVENT_PATH, every input as INPUT_<NAME> (defaults from action.yml, as
 * the runner fills them), GITHUB_STEP_SUMMARY / GITHUB_OUTPUT files, and GITHUB_API_URL pointing
 * at a loopback GitHub that records every request.
 *
 * The bundle is LOCKGATE_DIST when set, else dist/index.js when it is newer than every source file,
 * else a fresh ncc build in a temporary folder (so `npm test` never tests a stale bundle).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { actionBundle } from './helpers/action-bundle.js';
import { isolatedGit } from './support/git-repo.js';
import { FakeGithub, type GitCommitData } from './helpers/fake-github-api.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const FIXTURES = join(ROOT, 'fixtures', 'e2e');
const TOKEN = 'ghs_e2eTokenThatMustNeverBePrinted0123';
const INDEX_PASSWORD = 's3cretIndexPassw0rd';
const NOW = '2026-11-26T12:00:00Z';
const UNPINNED_STEPS = 120;
const MERGE_SHA = '9'.repeat(40);

let work: string;
let origin: string;
let baseSha: string;
let headSha: string;
let dist: string;
let builtDir: string | null = null;

const git = isolatedGit(() => work);

/** A workflow with one unpinned action per step: one unpinned-uses error each. */
function manyUnpinned(n: number): string {
  const steps = Array.from({ length: n }, (_, i) => `      - uses: owner-${i}/action-${i}@v1`).join('\n');
  return `name: many\non: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${steps}\n`;
}

function commitTree(dir: string, from: string, date: string, message: string): string {
  for (const entry of readdirSync(dir)) if (entry !== '.git') rmSync(join(dir, entry), { recursive: true, force: true });
  cpSync(from, dir, { recursive: true });
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  return git(dir, ['rev-parse', 'HEAD']);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lockgate-e2e-'));
  ({ path: dist, built: builtDir } = actionBundle(ROOT));
  origin = join(work, 'origin');
  mkdirSync(origin);
  git(origin, ['init', '-q', '-b', 'main']);
  git(origin, ['config', 'uploadpack.allowReachableSHA1InWant', 'true']);
  baseSha = commitTree(origin, join(FIXTURES, 'base'), '2026-11-25T09:00:00Z', 'base');
  const head = join(work, 'head-tree');
  cpSync(join(FIXTURES, 'head'), head, { recursive: true });
  writeFileSync(join(head, '.github', 'workflows', 'many.yml'), manyUnpinned(UNPINNED_STEPS));
  headSha = commitTree(origin, head, '2026-11-26T09:00:00Z', 'head');
}, 180_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  if (builtDir) rmSync(builtDir, { recursive: true, force: true });
});

interface RunOptions {
  event: string;
  payload: unknown;
  inputs?: Record<string, string>;
  server?: FakeGithub | null;
  /** The commit actions/checkout fetched (depth 1) and checked out; default: the PR head. */
  checkout?: string;
  /** Remove the origin remote after cloning (no git fetch possible). */
  noRemote?: boolean;
  /** No actions/checkout step at all: the workspace is an empty folder. */
  noCheckout?: boolean;
  githubSha?: string;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
  workspace: string;
  report: { base: string | null; head: string; findings: ReportedFinding[]; preexisting?: ReportedFinding[]; counts: Record<string, number> };
}

/** Inputs with action.yml's defaults, as the runner sets them (INPUT_ + upper case, dashes kept). */
function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const manifest = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.inputs)) {
    const value = name in inputs ? inputs[name]! : (spec.default ?? '').replace('${{ github.token }}', TOKEN);
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(re)) outputs[match[1]!] = match[3]!;
  return outputs;
}

let runCount = 0;
async function runAction(options: RunOptions): Promise<RunResult> {
  const dir = join(work, `run-${++runCount}`);
  mkdirSync(dir);
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace);
  if (!options.noCheckout) {
    // What actions/checkout does: init, fetch the one commit at depth 1, check it out detached.
    git(workspace, ['init', '-q']);
    git(workspace, ['remote', 'add', 'origin', `file://${origin}`]);
    git(workspace, ['fetch', '-q', '--no-tags', '--depth=1', 'origin', options.checkout ?? headSha]);
    git(workspace, ['checkout', '-q', '--detach', 'FETCH_HEAD']);
  }
  if (options.noRemote) git(workspace, ['remote', 'remove', 'origin']);
  const runnerTemp = join(dir, 'runner-temp');
  mkdirSync(runnerTemp);
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.payload));
  const summaryPath = join(dir, 'step-summary.md');
  const outputPath = join(dir, 'github-output');
  writeFileSync(summaryPath, '');
  writeFileSync(outputPath, '');
  const server = options.server === undefined ? null : options.server;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'octo/repo',
    GITHUB_SHA: options.githubSha ?? MERGE_SHA,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_ACTION: 'lockgate',
    GITHUB_WORKFLOW: 'Supply chain',
    GITHUB_JOB: 'gate',
    GITHUB_API_URL: server ? server.url : 'http://127.0.0.1:9',
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_OUTPUT: outputPath,
    RUNNER_TEMP: runnerTemp,
    LOCKGATE_NOW: NOW,
    ...inputEnv({ offline: 'true', ...options.inputs }),
  };
  // Async: the fake GitHub runs in this process and must keep answering.
  const child = spawn(process.execPath, [dist], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise<number | null>((resolveExit) => child.on('close', resolveExit));
  clearTimeout(killer);
  const outputs = parseOutputs(readFileSync(outputPath, 'utf8'));
  const reportPath = outputs['report-json'];
  const report = reportPath && existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : null;
  return { code, stdout, stderr, summary: readFileSync(summaryPath, 'utf8'), outputs, workspace, report };
}

/** A commit as GitHub's API lists it (tree entries with their blobs), from the origin repository. */
function apiCommitData(sha: string): GitCommitData {
  const entries: GitCommitData['entries'] = git(origin, ['ls-tree', '-r', '-t', sha])
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
  return { tree: git(origin, ['rev-parse', `${sha}^{tree}`]), date: git(origin, ['show', '-s', '--format=%cI', sha]), entries };
}

function pullRequestPayload(fromFork = false) {
  return {
    action: 'synchronize',
    number: 17,
    pull_request: {
      number: 17,
      base: { sha: baseSha, ref: 'main', repo: { full_name: 'octo/repo' } },
      head: { sha: headSha, ref: 'feature', repo: { full_name: fromFork ? 'fork-owner/repo' : 'octo/repo' } },
    },
    repository: { full_name: 'octo/repo' },
  };
}

type ReportedFinding = { rule: string; severity: string; file: string; message: string; line?: number; introduced: boolean; fingerprint: string };

function annotationLines(stdout: string, type: 'error' | 'warning' | 'notice'): string[] {
  return stdout.split('\n').filter((line) => line.startsWith(`::${type} `) || line.startsWith(`::${type}::`));
}

/** Nothing the user must not see: the token, the index password. */
function expectNoSecrets(result: RunResult, server: FakeGithub | null, secrets: string[] = [TOKEN]): void {
  const files = [result.outputs['report-json'], result.outputs['sarif-file']]
    .filter((p): p is string => !!p && existsSync(p))
    .map((p) => readFileSync(p, 'utf8'));
  const places = {
    stdout: result.stdout,
    stderr: result.stderr,
    summary: result.summary,
    outputs: JSON.stringify(result.outputs),
    files: files.join('\n'),
    requestBodies: (server?.requests ?? []).map((r) => r.body + r.path).join('\n'),
  };
  for (const secret of secrets) {
    for (const [where, text] of Object.entries(places)) {
      expect({ where, leaked: text.includes(secret) }).toEqual({ where, leaked: false });
    }
  }
}

const servers: FakeGithub[] = [];
async function fakeGithub(options: ConstructorParameters<typeof FakeGithub>[0] = {}): Promise<FakeGithub> {
  const server = await new FakeGithub({ token: TOKEN, ...options }).start();
  servers.push(server);
  return server;
}
afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

describe('the action, end to end', () => {
  it('pull_request with 120+ findings: every located finding in the check run on the PR head, 50 per request; capped annotations; summary, SARIF, outputs; fails per fail-on', async () => {
    const server = await fakeGithub();
    const inputs = { 'sarif-file': 'results/lockgate.sarif', 'index-url': `https://user:${INDEX_PASSWORD}@example.invalid/simple` };
    const result = await runAction({ event: 'pull_request', payload: pullRequestPayload(), server, inputs });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const { report } = result;
    expect(report.base).toBe(baseSha);
    expect(report.head).toBe(headSha);
    const manyFindings = report.findings.filter((f) => f.file === '.github/workflows/many.yml' && f.rule === 'unpinned-uses');
    expect(manyFindings).toHaveLength(UNPINNED_STEPS);
    const located = report.findings.filter((f) => f.line !== undefined);

    // The check run: on the PR head SHA (not GITHUB_SHA, the merge commit), all annotations present.
    expect(server.checkRuns).toHaveLength(1);
    const run = server.checkRuns[0]!;
    expect(run).toMatchObject({ name: 'lockgate findings', head_sha: headSha, status: 'completed', conclusion: 'failure' });
    expect(run.annotations).toHaveLength(located.length);
    const annotatedManyLines = run.annotations.filter((a) => a.path === '.github/workflows/many.yml').map((a) => a.start_line);
    expect(new Set(annotatedManyLines)).toEqual(new Set(manyFindings.map((f) => f.line)));
    const checkRequests = server.requests.filter((r) => r.path.includes('/check-runs'));
    const perRequest = checkRequests.map((r) => (r.json as { output: { annotations: unknown[] } }).output.annotations.length);
    expect(perRequest).toHaveLength(Math.ceil(located.length / 50));
    expect(perRequest.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...perRequest)).toBeLessThanOrEqual(50);
    expect(checkRequests.map((r) => r.method)).toEqual(['POST', ...perRequest.slice(1).map(() => 'PATCH')]);
    for (const request of checkRequests) {
      const output = (request.json as { output: { title: string; summary: string; text: string } }).output;
      expect(output.summary.length).toBeLessThanOrEqual(65_535);
      expect(output.text.length).toBeLessThanOrEqual(65_535);
      expect(request.authorization).toBe(`Bearer ${TOKEN}`);
    }

    // One mark per finding on the diff: the check run carries every located finding, so the
    // workflow commands carry only the findings without a line (and setFailed's own error).
    const errors = annotationLines(result.stdout, 'error');
    const unlocated = report.findings.filter((f) => f.line === undefined);
    const commandFiles = [...errors, ...annotationLines(result.stdout, 'warning'), ...annotationLines(result.stdout, 'notice')].filter((line) =>
      line.includes(' file='),
    );
    expect(commandFiles.every((line) => !/[ ,]line=/.test(line))).toBe(true);
    expect(commandFiles.length).toBe(Math.min(unlocated.length, commandFiles.length));
    expect(errors.at(-1)).toBe(`::error::lockgate: ${report.counts.error} findings at or above fail-on: error`);
    expect(result.stdout).toContain(`lockgate: ${located.length} findings are annotated on the diff by the check run "lockgate findings"`);
    // A pull request is diff-aware by default: the findings base already had are listed, not gating.
    expect(result.stdout).toMatch(/lockgate: diff-aware gate \(only-new\): only what this change introduces counts; \d+ findings? existed before it/);
    expect(report.findings.every((f) => f.introduced)).toBe(true);
    expect(result.stdout).toContain(`read from git objects already in the clone.`);
    expect(result.stdout).toContain(`${baseSha}: fetched from origin with git.`);

    // Job summary within 1 MiB, with counts, the change table and links at the PR head.
    expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024);
    expect(result.summary).toContain(`🔴 **${report.counts.error} errors**`);
    expect(result.summary).toContain('| <code>idna</code> | upgraded | <code>3.15</code> → <code>3.16</code> | 3 d |');
    expect(result.summary).toContain(`(https://github.com/octo/repo/blob/${headSha}/.github/workflows/many.yml#L8)`);

    // Outputs, the JSON report and the SARIF file.
    expect(result.outputs).toMatchObject({
      errors: String(report.counts.error),
      warnings: String(report.counts.warning),
      notices: String(report.counts.notice),
    });
    expect(result.outputs['report-json']).toMatch(/runner-temp\/lockgate-lockgate\.json$/);
    expect(result.outputs['sarif-file']).toBe(join(result.workspace, 'results', 'lockgate.sarif'));
    const sarif = JSON.parse(readFileSync(result.outputs['sarif-file']!, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(report.findings.length);
    // Its code-scanning category: the workflow and the job, so another lockgate job keeps its own alerts.
    expect(sarif.runs[0].automationDetails).toEqual({ id: 'lockgate/Supply chain/gate/' });
    // findings-json: the gating findings as the JSON report has them, in one line; changes-json: the lock diff, flat.
    const findingsJson = result.outputs['findings-json']!;
    expect(findingsJson).not.toContain('\n');
    expect(JSON.parse(findingsJson)).toEqual({ truncated: false, total: report.findings.length, findings: report.findings });
    const changesJson = JSON.parse(result.outputs['changes-json']!) as { truncated: boolean; total: number; changes: Record<string, string>[] };
    expect(changesJson.truncated).toBe(false);
    expect(changesJson.changes).toContainEqual(
      expect.objectContaining({ project: '', lock: 'uv.lock', name: 'idna', kind: 'upgraded', from: '3.15', to: '3.16' }),
    );
    expect(changesJson.total).toBe(changesJson.changes.length);
    expectNoSecrets(result, server, [TOKEN, INDEX_PASSWORD]);
  }, 120_000);

  it('fork PR with a read-only token: one notice naming the missing permissions; annotations, summary, SARIF and outputs still go out', async () => {
    const server = await fakeGithub({ readOnly: true });
    const result = await runAction({
      event: 'pull_request',
      payload: pullRequestPayload(true),
      server,
      inputs: { comment: 'always', 'sarif-file': 'lockgate.sarif', 'sarif-category': 'lockgate/forks' },
    });
    expect(result.code).toBe(1);
    // lockgate's own notices carry no file; findings' notices do.
    const notices = annotationLines(result.stdout, 'notice').filter((line) => line.startsWith('::notice title=lockgate::'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('Missing permission: checks: write, pull-requests: write');
    expect(notices[0]).toContain('the check run and the PR comment were skipped');
    expect(server.checkRuns).toHaveLength(0);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/octo/repo/check-runs',
      'GET /repos/octo/repo/issues/17/comments',
      'POST /repos/octo/repo/issues/17/comments',
    ]);
    expect(annotationLines(result.stdout, 'error').length).toBeGreaterThan(1);
    expect(result.summary).toContain('## lockgate');
    expect(result.outputs.errors).toBe(String(result.report.counts.error));
    expect(existsSync(result.outputs['sarif-file']!)).toBe(true);
    // The sarif-category input wins over the workflow and job.
    expect(JSON.parse(readFileSync(result.outputs['sarif-file']!, 'utf8')).runs[0].automationDetails).toEqual({ id: 'lockgate/forks/' });
    expect(JSON.parse(result.outputs['findings-json']!).total).toBe(result.report.findings.length);
    // No warning: a read-only token is expected on fork PRs, not a problem to flag.
    expect(annotationLines(result.stdout, 'warning').every((line) => !line.includes('title=lockgate::'))).toBe(true);
    expectNoSecrets(result, server);
  }, 120_000);

  it('push: before..after, the check run on after', async () => {
    const server = await fakeGithub();
    const result = await runAction({
      event: 'push',
      payload: { ref: 'refs/heads/main', before: baseSha, after: headSha },
      server,
      githubSha: headSha,
      inputs: { comment: 'always' },
    });
    expect(result.report.base).toBe(baseSha);
    expect(result.stdout).toContain('lockgate: comment: always needs a pull request event; skipped.');
    expect(server.requests.filter((r) => r.path.includes('/comments'))).toEqual([]);
    expect(result.report.head).toBe(headSha);
    expect(server.checkRuns[0]!.head_sha).toBe(headSha);
    expect(result.stdout).toContain(`lockgate: push: base ${baseSha} from the push, head ${headSha} from the push`);
    expectNoSecrets(result, server);
  }, 120_000);

  it('only-new: auto on a pull request is diff-aware; false restores the full gate; a push is a full gate', async () => {
    const server = await fakeGithub();
    const auto = await runAction({ event: 'pull_request', payload: pullRequestPayload(), server });
    const full = await runAction({ event: 'pull_request', payload: pullRequestPayload(), server, inputs: { 'only-new': 'false' } });
    const push = await runAction({ event: 'push', payload: { ref: 'refs/heads/main', before: baseSha, after: headSha }, server, githubSha: headSha });
    const preexisting = auto.report.preexisting ?? [];
    expect(preexisting.length).toBeGreaterThan(0);
    expect(auto.report.findings.every((f) => f.introduced)).toBe(true);
    // The full gate reports what the diff-aware one gates on plus what it set aside, nothing else.
    const fingerprints = (findings: { fingerprint: string }[]) => findings.map((f) => f.fingerprint).sort();
    expect(fingerprints(full.report.findings)).toEqual(fingerprints([...auto.report.findings, ...preexisting]));
    expect(full.report.preexisting).toEqual([]);
    expect(full.stdout).not.toContain('diff-aware gate');
    expect(fingerprints(push.report.findings)).toEqual(fingerprints(full.report.findings));
    const bad = await runAction({ event: 'pull_request', payload: pullRequestPayload(), server, inputs: { 'only-new': 'sometimes' } });
    expect(bad.stdout.trim().split('\n').at(-1)).toBe('::error::lockgate: input only-new must be auto, true or false, not "sometimes"');
  }, 240_000);

  it('push of a new branch (before all zeros): a full audit, no base', async () => {
    const server = await fakeGithub();
    const result = await runAction({
      event: 'push',
      payload: { ref: 'refs/heads/new', before: '0'.repeat(40), after: headSha, created: true },
      server,
      githubSha: headSha,
    });
    expect(result.report.base).toBeNull();
    expect(result.report.head).toBe(headSha);
    expect(result.summary).toContain('Base none (full audit)');
  }, 120_000);

  it('merge_group: base_sha and head_sha, the check run on the queue commit', async () => {
    const server = await fakeGithub();
    const payload = {
      merge_group: { base_sha: baseSha, head_sha: headSha, base_ref: 'refs/heads/main', head_ref: 'refs/heads/gh-readonly-queue/main/pr-17-x' },
    };
    const result = await runAction({ event: 'merge_group', payload, server, githubSha: headSha });
    expect(result.report).toMatchObject({ base: baseSha, head: headSha });
    expect(server.checkRuns).toHaveLength(1);
    expect(server.checkRuns[0]).toMatchObject({ head_sha: headSha, conclusion: 'failure' });
  }, 120_000);

  it('the sticky PR comment is created once and updated in place on the second run', async () => {
    const server = await fakeGithub();
    server.addComment(17, 'LGTM', { login: 'reviewer', type: 'User' });
    const first = await runAction({ event: 'pull_request', payload: pullRequestPayload(), server, inputs: { comment: 'on-findings', 'check-run': 'false' } });
    expect(first.stdout).toMatch(/lockgate: PR comment created \(id \d+\)/);
    const created = server.comments.get(17)!.find((c) => c.body.startsWith('<!-- lockgate:comment -->'))!;
    expect(created.body).toContain('## lockgate');
    expect(created.body).toContain('[Workflow run](https://github.com/octo/repo/actions/runs/4242)');
    expect(created.body.length).toBeLessThanOrEqual(65_536);
    const second = await runAction({ event: 'pull_request', payload: pullRequestPayload(), server, inputs: { comment: 'on-findings', 'check-run': 'false' } });
    expect(second.stdout).toContain(`lockgate: PR comment updated (id ${created.id}).`);
    expect(server.comments.get(17)).toHaveLength(2); // the reviewer's and lockgate's
    expect(server.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([`/repos/octo/repo/issues/comments/${created.id}`]);
    expect(server.checkRuns).toHaveLength(0);
    expectNoSecrets(second, server);
  }, 120_000);

  it('workflow_dispatch with base-ref and head-ref inputs (a branch name resolved to its SHA for the check run)', async () => {
    git(origin, ['branch', '-f', 'release', headSha]);
    const server = await fakeGithub();
    const result = await runAction({
      event: 'workflow_dispatch',
      payload: { inputs: {} },
      server,
      inputs: { 'base-ref': baseSha, 'head-ref': 'release' },
      githubSha: baseSha,
      checkout: baseSha,
    });
    expect(result.report).toMatchObject({ base: baseSha, head: headSha });
    expect(server.checkRuns[0]!.head_sha).toBe(headSha);
  }, 120_000);

  it('schedule without inputs: a full audit of the checkout', async () => {
    const result = await runAction({ event: 'schedule', payload: { schedule: '0 6 * * 1' }, server: null, inputs: { token: '' } });
    expect(result.report.base).toBeNull();
    expect(result.report.head).toBe('WORKTREE');
    expect(result.stdout).toContain('no token or repository: the check run is skipped.');
    expect(result.outputs.errors).toBe(String(result.report.counts.error));
  }, 120_000);

  it('pull_request_target with the base branch checked out and no way to fetch: the PR head is read through the API, never checked out', async () => {
    const server = await fakeGithub();
    server.commits.set(headSha, apiCommitData(headSha));
    const result = await runAction({ event: 'pull_request_target', payload: pullRequestPayload(true), server, checkout: baseSha, noRemote: true });
    expect(result.stdout).toContain(`${headSha}: read through the GitHub API`);
    expect(result.report).toMatchObject({ base: baseSha, head: headSha });
    expect(result.report.findings.filter((f) => f.rule === 'unpinned-uses' && f.file === '.github/workflows/many.yml')).toHaveLength(UNPINNED_STEPS);
    expect(server.checkRuns[0]!.head_sha).toBe(headSha);
    // The working tree is still the base commit: nothing of the PR was checked out.
    expect(git(result.workspace, ['rev-parse', 'HEAD'])).toBe(baseSha);
    expect(existsSync(join(result.workspace, '.github', 'workflows', 'many.yml'))).toBe(false);
  }, 120_000);

  it('no checkout step at all: base and head both come from the API into a repository in RUNNER_TEMP', async () => {
    const server = await fakeGithub();
    server.commits.set(headSha, apiCommitData(headSha));
    server.commits.set(baseSha, apiCommitData(baseSha));
    const result = await runAction({ event: 'pull_request', payload: pullRequestPayload(), server, noCheckout: true });
    expect(result.stdout).toContain('is not a git repository; reading revisions into');
    expect(result.stdout).toContain(`${headSha}: read through the GitHub API`);
    expect(result.stdout).toContain(`${baseSha}: read through the GitHub API`);
    expect(result.report).toMatchObject({ base: baseSha, head: headSha });
    expect(result.report.findings.filter((f) => f.rule === 'unpinned-uses' && f.file === '.github/workflows/many.yml')).toHaveLength(UNPINNED_STEPS);
    expect(readdirSync(result.workspace)).toEqual([]);
    expectNoSecrets(result, server);
  }, 120_000);

  it('no checkout and the working tree as head: one clear error, not an empty head', async () => {
    const result = await runAction({ event: 'workflow_dispatch', payload: {}, server: null, noCheckout: true, inputs: { 'base-ref': baseSha } });
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(
      /^::error::lockgate: .* is not a git repository: check it out with actions\/checkout, or set head-ref too$/,
    );
  }, 120_000);

  it('never shows the token or an index URL password, online, with the index asked for real', async () => {
    const indexRequests: IncomingMessage[] = [];
    const index: Server = createServer((req, res) => {
      indexRequests.push(req);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `not found: ${req.url}` }));
    });
    await new Promise<void>((done) => index.listen(0, '127.0.0.1', done));
    try {
      const server = await fakeGithub();
      const indexUrl = `http://lockgate-user:${INDEX_PASSWORD}@127.0.0.1:${(index.address() as AddressInfo).port}/simple`;
      const result = await runAction({
        event: 'pull_request',
        payload: pullRequestPayload(),
        server,
        inputs: { offline: 'false', 'index-url': indexUrl, comment: 'always', 'sarif-file': 'lockgate.sarif' },
      });
      expect(result.outputs['report-json']).toBeTruthy();
      expect(result.report.findings.length).toBeGreaterThan(0);
      // OSV (fixtures/e2e's config points it at a loopback port where nothing listens) is asked and
      // fails: one notice says which versions went unchecked, never a silent pass.
      const advisoryNotices = result.report.findings.filter((f) => f.rule === 'malicious-package');
      expect(advisoryNotices).toHaveLength(1);
      expect(advisoryNotices[0]).toMatchObject({ severity: 'notice' });
      expect(advisoryNotices[0]!.message).toMatch(/advisory check did not run/);
      // The credential is used (Basic auth) but appears nowhere else.
      expect(indexRequests.length).toBeGreaterThan(0);
      for (const request of indexRequests) {
        expect(Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString()).toBe(`lockgate-user:${INDEX_PASSWORD}`);
      }
      expectNoSecrets(result, server, [TOKEN, INDEX_PASSWORD, encodeURIComponent(INDEX_PASSWORD)]);
    } finally {
      index.closeAllConnections();
      await new Promise<void>((done) => index.close(() => done()));
    }
  }, 120_000);

  it('a push that deletes a branch: nothing to check, zero outputs, success', async () => {
    const result = await runAction({ event: 'push', payload: { ref: 'refs/heads/gone', before: headSha, after: '0'.repeat(40), deleted: true }, server: null });
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ errors: '0', warnings: '0', notices: '0', 'report-json': '', 'sarif-file': '' });
    expect(JSON.parse(result.outputs['findings-json']!)).toEqual({ truncated: false, total: 0, findings: [] });
    expect(JSON.parse(result.outputs['changes-json']!)).toEqual({ truncated: false, total: 0, changes: [] });
  }, 120_000);

  it('a bad input fails the step with one line and no stack trace', async () => {
    const result = await runAction({ event: 'push', payload: { before: baseSha, after: headSha }, server: null, inputs: { 'fail-on': 'sometimes' } });
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('::error::lockgate: input fail-on must be one of error, warning, notice, never, not "sometimes"');
    expect(result.stdout).not.toMatch(/\n\s+at /);
  }, 120_000);
});
