import { afterEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Finding } from '../src/findings.js';
import { artifactFilename, artifactSha256, artifactsOf } from '../src/facts/index-facts.js';
import { gatherIndexFacts, queryUrlFor } from '../src/net/index-enrich.js';
import type { IndexFacts } from '../src/facts/types.js';
import { rule as cooldown } from '../src/rules/uv/cooldown.js';
import { rule as cooldownUnverified } from '../src/rules/uv/cooldown-unverified.js';
import { rule as ghostFile } from '../src/rules/uv/ghost-file.js';
import { rule as yanked } from '../src/rules/uv/yanked.js';
import type { ProjectPair } from '../src/uv/model.js';
import { COOLDOWN_FIXTURES, contextFor, pairsOf, settingsFor } from './cooldown-helpers.js';
import { startIndexServer, type FakeFile, type FakeProject, type Fault, type IndexServer } from './index-server.js';

const NOW = new Date('2026-09-01T12:00:00Z');
const HEAD_TIME = new Date('2026-08-31T12:00:00Z');
const FAST = { timeoutMs: 300, backoffMs: 10, retries: 2 };

let server: IndexServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** The index's view of a locked package: its locked files, each uploaded at `uploadTime`. */
function projectFromLock(pairs: ProjectPair[], name: string, uploadTime: string, edit: (files: FakeFile[]) => FakeFile[] = (f) => f): FakeProject {
  const pkg = pairs[0]!.head!.lock!.packages.find((p) => p.name === name)!;
  const files = artifactsOf(pkg).map((artifact) => ({
    filename: artifactFilename(artifact)!,
    version: pkg.version!,
    sha256: artifactSha256(artifact)!,
    size: artifact.size ?? 1,
    uploadTime,
    yanked: false as boolean | string,
    url: artifact.url!,
  }));
  return { name, versions: ['0.1', pkg.version!], files: edit(files) };
}

function runAll(pairs: ProjectPair[], index: IndexFacts | null): Finding[] {
  const context = contextFor(pairs, { now: NOW, headTime: HEAD_TIME, index });
  return [cooldown, cooldownUnverified, yanked, ghostFile].flatMap((rule) => rule.check(context));
}

const brief = (findings: Finding[]) => findings.map((f) => `${f.rule} ${f.package?.name}`).sort();

describe('gatherIndexFacts + rules against a real index server, per fault', () => {
  // A lock without upload times: the index is the only source of dates.
  const pairs = () => pairsOf(join(COOLDOWN_FIXTURES, 'no-upload-times'));

  async function runCase(fault: Fault | undefined, budgetMs = 5000, httpxEdit?: (files: FakeFile[]) => FakeFile[]) {
    const p = pairs();
    server = await startIndexServer(
      [projectFromLock(p, 'httpx', '2026-08-30T08:00:00.123456Z', httpxEdit), projectFromLock(p, 'idna', '2026-06-01T10:00:00Z')],
      fault ? { httpx: fault } : {},
    );
    const log: string[] = [];
    // The lock says https://pypi.org/simple; the configured URL is a mirror of it (here: the test server).
    const facts = await gatherIndexFacts(p, settingsFor({ indexUrl: server.url, networkBudgetMs: budgetMs }), (line) => log.push(line), FAST);
    return { facts, findings: runAll(p, facts), log };
  }

  it('dates the entries from the index and finds the young one', async () => {
    const { facts, findings, log } = await runCase(undefined);
    expect([...facts.projects.keys()].sort()).toEqual(['https://pypi.org/simple\nhttpx', 'https://pypi.org/simple\nidna']);
    expect(brief(findings)).toEqual(['cooldown httpx']);
    expect(findings[0]!.message).toMatch(/^httpx 0\.28\.1 was uploaded 2026-08-30 08:00 UTC \(upload time from the index; the lock has none\)/);
    expect(log.join('\n')).toMatch(/asked about 2 projects on http:\/\/127\.0\.0\.1:\d+\/simple \(2 requests, [\d.]+ s\): 2 found, 0 missing, 0 unanswered\./);
  });

  const faultCases: [Fault, RegExp | 'found' | 'missing-project', string[]][] = [
    ['500', /HTTP 500 \(after 3 attempts\)/, ['cooldown-unverified httpx']],
    ['500-once', 'found', ['cooldown httpx']],
    ['429-once', 'found', ['cooldown httpx']],
    ['429-long', /Retry-After asks for 3600 s/, ['cooldown-unverified httpx']],
    ['drip', /did not answer within 300 ms \(after 3 attempts\)/, ['cooldown-unverified httpx']],
    ['hang', /did not answer within 300 ms \(after 3 attempts\)/, ['cooldown-unverified httpx']],
    ['reset', /failed: .*\(after 3 attempts\)/, ['cooldown-unverified httpx']],
    ['bad-json', /bad JSON/, ['cooldown-unverified httpx']],
    ['404', 'missing-project', ['cooldown-unverified httpx', 'ghost-file httpx']],
  ];
  it.each(faultCases)('%s: ends with facts or an error entry, and findings', async (fault, expected, rules) => {
    const { facts, findings } = await runCase(fault);
    const lookup = facts.projects.get('https://pypi.org/simple\nhttpx')!;
    if (expected === 'found' || expected === 'missing-project') expect(lookup.status).toBe(expected);
    else expect(lookup).toEqual({ status: 'error', message: expect.stringMatching(expected) });
    // idna is unaffected by httpx's fault.
    expect(facts.projects.get('https://pypi.org/simple\nidna')!.status).toBe('found');
    expect(brief(findings)).toEqual(rules);
    const unverified = findings.find((f) => f.rule === 'cooldown-unverified');
    if (unverified && typeof expected !== 'string')
      expect(unverified.message).toMatch(/could not be asked \(.+\), so its age against the cooldown of 7 days is unknown\.$/);
  });

  it('ends at the budget when the index hangs, and says so', async () => {
    const { facts, findings } = await runCase('hang', 400, undefined);
    const lookup = facts.projects.get('https://pypi.org/simple\nhttpx')!;
    expect(lookup.status).toBe('error');
    expect(brief(findings)).toEqual(['cooldown-unverified httpx']);
  });

  it('reports a yanked release with its reason', async () => {
    const { findings } = await runCase(undefined, 5000, (files) =>
      files.map((f) => ({ ...f, uploadTime: '2026-01-01T00:00:00Z', yanked: 'CVE-2026-0001: remote code execution' })),
    );
    expect(brief(findings)).toEqual(['yanked httpx']);
    expect(findings[0]).toMatchObject({ rule: 'yanked', severity: 'error', file: 'uv.lock', line: 24 });
    expect(findings[0]!.message).toBe(
      'httpx 0.28.1 is yanked on https://pypi.org/simple, with the reason: "CVE-2026-0001: remote code execution". ' +
        'Maintainers yank broken or unsafe releases, and uv still installs a yanked version from the lock without asking the index.',
    );
  });

  it('reports locked files the index no longer lists, and a file listed with another hash', async () => {
    const { findings } = await runCase(undefined, 5000, (files) => [{ ...files[1]!, sha256: 'f'.repeat(64), uploadTime: '2026-01-01T00:00:00Z' }]);
    const ghost = findings.find((f) => f.rule === 'ghost-file')!;
    expect(ghost).toMatchObject({ severity: 'error', file: 'uv.lock', line: 32 });
    expect(ghost.message).toMatch(
      /^httpx 0\.28\.1 on https:\/\/pypi\.org\/simple: 1 of its 2 locked files are no longer listed \(httpx-0\.28\.1\.tar\.gz\); 1 is listed with another sha256 than the lock pins \(httpx-0\.28\.1-py3-none-any\.whl\)\./,
    );
  });

  it('reports a locked version the index no longer has', async () => {
    const p = pairs();
    server = await startIndexServer([
      { ...projectFromLock(p, 'httpx', '2026-01-01T00:00:00Z'), versions: ['0.27.0'], files: [] },
      projectFromLock(p, 'idna', '2026-06-01T10:00:00Z'),
    ]);
    const facts = await gatherIndexFacts(p, settingsFor({ indexUrl: server.url }), () => {}, FAST);
    const findings = runAll(p, facts);
    expect(brief(findings)).toEqual(['cooldown-unverified httpx', 'ghost-file httpx']);
    expect(findings.find((f) => f.rule === 'ghost-file')!.message).toMatch(
      /^httpx 0\.28\.1 is locked, but https:\/\/pypi\.org\/simple no longer lists version 0\.28\.1 of httpx\./,
    );
  });

  it('asks only about introduced registry entries', async () => {
    const p = pairsOf(join(COOLDOWN_FIXTURES, 'git-and-url'));
    server = await startIndexServer([]);
    const facts = await gatherIndexFacts(p, settingsFor({ indexUrl: server.url }), () => {}, FAST);
    expect(facts.projects.size).toBe(0);
    expect(server.connections).toBe(0);
  });
});

describe('queryUrlFor', () => {
  it.each([
    ['https://pypi.org/simple', null, 'https://pypi.org/simple'],
    ['https://pypi.org/simple', 'https://mirror.example/simple', 'https://mirror.example/simple'],
    ['https://idx.example/simple', 'https://u:p@idx.example/simple/', 'https://u:p@idx.example/simple/'],
    ['https://download.pytorch.org/whl/cpu', 'https://mirror.example/simple', 'https://download.pytorch.org/whl/cpu'],
  ])('%s with %s asks %s', (lock, configured, expected) => {
    expect(queryUrlFor(lock, configured)).toBe(expected);
  });
});
