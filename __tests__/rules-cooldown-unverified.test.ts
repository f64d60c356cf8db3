import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { WaivedFinding } from '../src/findings.js';
import { gatherIndexFacts } from '../src/net/index-enrich.js';
import type { IndexFacts } from '../src/facts/types.js';
import { rule as cooldown } from '../src/rules/uv/cooldown.js';
import { rule } from '../src/rules/uv/cooldown-unverified.js';
import { COOLDOWN_FIXTURES, contextFor, pairsOf, settingsFor, summarize } from './cooldown-helpers.js';
import { startIndexServer, type IndexServer } from './index-server.js';

const NOW = new Date('2026-09-01T12:00:00Z');
const HEAD_TIME = new Date('2026-08-31T12:00:00Z');
type Row = ReturnType<typeof summarize>[number];
const unverified = (line: number, pkg: string, extra: Partial<Row> = {}): Row => ({
  rule: 'cooldown-unverified',
  file: 'uv.lock',
  line,
  severity: 'warning',
  package: pkg,
  introduced: true,
  ...extra,
});

describe('cooldown-unverified offline (index facts null)', () => {
  const cases: [string, Row[]][] = [
    // Old lock format: neither introduced entry has an upload time.
    ['no-upload-times', [unverified(24, 'httpx@0.28.1'), unverified(37, 'idna@3.10')]],
    // Git and direct-URL sources never have one.
    ['git-and-url', [unverified(27, 'gitdep@1.0.0'), unverified(44, 'urldep@2.0.0')]],
    // Dated entries: nothing to report here.
    ['young-upgrade', []],
    ['old-upgrade', []],
    ['new-wheel', []],
    // anyio 4.10.0: sdist and one wheel dated months ago, a second wheel with no upload time (a file
    // added to an old release later, or its time stripped): that file's age is unknown. httpx 0.28.1
    // is young by its dated sdist: the cooldown error says so, no second finding. idna: all dated.
    ['mixed-upload-times', [unverified(5, 'anyio@4.10.0')]],
  ];
  it.each(cases)('%s', (name, expected) => {
    const findings = rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, name)), { now: NOW, headTime: HEAD_TIME, index: null }));
    expect(summarize(findings)).toEqual(expected);
  });

  it('says why the age is unknown, for each kind of source', () => {
    const registry = rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'no-upload-times')), { now: NOW, headTime: HEAD_TIME }));
    expect(registry[0]!.message).toBe(
      'httpx 0.28.1 has no upload time in the lock (written by uv before 0.6.15, or from an index without PEP 700 upload times), and lockgate ran offline, so its age against the cooldown of 7 days is unknown.',
    );
    expect(registry[0]!.fix).toMatch(/^Run lockgate online so it can ask the index\. .*https:\/\/pypi\.org\/project\/httpx\//);
    const [git, url] = rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'git-and-url')), { now: NOW, headTime: HEAD_TIME }));
    expect(git!.message).toBe(
      'gitdep 1.0.0 comes from git (https://github.com/example/gitdep at 0123456789abcdef0123456789abcdef01234567), which has no upload time, so its age against the cooldown of 7 days is unknown. exclude-newer does not apply to git sources.',
    );
    expect(url!.message).toMatch(
      /^urldep 2\.0\.0 comes from a direct URL \(https:\/\/example\.com\/dist\/urldep-2\.0\.0-py3-none-any\.whl\), which has no upload time/,
    );
    expect(url!.fix).toContain('reason: <who reviewed it, and why it is trusted>');
  });

  it('names the undated file of an entry whose other files are dated', () => {
    const [anyio] = rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'mixed-upload-times')), { now: NOW, headTime: HEAD_TIME }));
    expect(anyio!.message).toBe(
      'anyio 4.10.0 locks anyio-4.10.0-cp312-cp312-manylinux_2_17_x86_64.whl with no upload time, though its other new files have one (uploaded 2026-05-01 10:00 UTC), ' +
        'and lockgate ran offline, so the age of that file against the cooldown of 7 days is unknown. Files can be added to a release long after it was published, so the dates of the others say nothing about this one.',
    );
    expect(anyio!.fix).toMatch(/^Run lockgate online so it can ask the index\. /);
  });

  it('dates the undated file by the index when online: old is quiet, young is a cooldown finding', () => {
    const pairs = pairsOf(join(COOLDOWN_FIXTURES, 'mixed-upload-times'));
    const file = (time: string) => ({
      filename: 'anyio-4.10.0-cp312-cp312-manylinux_2_17_x86_64.whl',
      url: 'https://files.pythonhosted.org/packages/00/00/anyio-4.10.0-cp312-cp312-manylinux_2_17_x86_64.whl',
      uploadTime: time,
      yanked: false as const,
    });
    const facts = (time: string): IndexFacts => ({
      projects: new Map([['https://pypi.org/simple\nanyio', { status: 'found', versions: ['4.10.0'], files: [file(time)], source: 'simple' }]]),
    });
    const old = contextFor(pairs, { now: NOW, headTime: HEAD_TIME, index: facts('2026-05-02T00:00:00Z') });
    expect(summarize(rule.check(old)).filter((row) => row.package === 'anyio@4.10.0')).toEqual([]);
    const young = contextFor(pairs, { now: NOW, headTime: HEAD_TIME, index: facts('2026-08-31T00:00:00Z') });
    expect(summarize(rule.check(young)).filter((row) => row.package === 'anyio@4.10.0')).toEqual([]);
    expect(summarize(cooldown.check(young)).map((row) => row.package)).toEqual(['anyio@4.10.0', 'httpx@0.28.1']);
  });

  it('shows an exempt entry as waived', () => {
    const settings = settingsFor({ config: { cooldown: { exempt: [{ package: 'gitdep', until: '2027-01-01', reason: 'our fork' }] } } });
    const findings = rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'git-and-url')), { now: NOW, headTime: HEAD_TIME, settings }));
    expect(summarize(findings)).toEqual([unverified(27, 'gitdep@1.0.0', { waivedBy: 'exemption' }), unverified(44, 'urldep@2.0.0')]);
    expect((findings[0] as WaivedFinding).waiver.reason).toBe('our fork');
  });

  it('says what the index answered when online', () => {
    const pairs = pairsOf(join(COOLDOWN_FIXTURES, 'no-upload-times'));
    const index: IndexFacts = {
      projects: new Map([
        ['https://pypi.org/simple\nhttpx', { status: 'error', message: 'https://pypi.org/simple/httpx/ answered HTTP 503 (after 4 attempts)' }],
        ['https://pypi.org/simple\nidna', { status: 'found', versions: ['3.10'], files: [], source: 'simple' }],
      ]),
    };
    const findings = rule.check(contextFor(pairs, { now: NOW, headTime: HEAD_TIME, index }));
    expect(findings.map((f) => f.message)).toEqual([
      'httpx 0.28.1 has no upload time in the lock (written by uv before 0.6.15, or from an index without PEP 700 upload times), and its index (https://pypi.org/simple) could not be asked (https://pypi.org/simple/httpx/ answered HTTP 503 (after 4 attempts)), so its age against the cooldown of 7 days is unknown.',
      'idna 3.10 has no upload time in the lock (written by uv before 0.6.15, or from an index without PEP 700 upload times), and its index (https://pypi.org/simple) no longer lists the locked files, so its age against the cooldown of 7 days is unknown.',
    ]);
  });

  it('is quiet with a cooldown of 0 days', () => {
    const findings = rule.check(
      contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'no-upload-times')), { now: NOW, headTime: HEAD_TIME, settings: settingsFor({ cooldownDays: 0 }) }),
    );
    expect(findings).toEqual([]);
  });
});

describe('offline means no network attempt at all', () => {
  let server: IndexServer;
  let fetchCalls = 0;
  const realFetch = globalThis.fetch;
  beforeEach(async () => {
    server = await startIndexServer([]);
    fetchCalls = 0;
    globalThis.fetch = (async (...args: Parameters<typeof fetch>) => {
      fetchCalls++;
      return realFetch(...args);
    }) as typeof fetch;
  });
  afterEach(async () => {
    globalThis.fetch = realFetch;
    await server.close();
  });

  it('offline: no connection, no fetch; cooldown-unverified for each introduced entry and no cooldown finding', async () => {
    const pairs = pairsOf(join(COOLDOWN_FIXTURES, 'no-upload-times'));
    const settings = settingsFor({ offline: true, indexUrl: server.url });
    const facts = await gatherIndexFacts(pairs, settings, () => {});
    expect(facts.projects.size).toBe(0);
    expect(fetchCalls).toBe(0);
    expect(server.connections).toBe(0);
    // The engine passes index: null when offline.
    const context = contextFor(pairs, { settings, now: NOW, headTime: HEAD_TIME, index: null });
    const introduced = pairs[0]!.introduced.map((entry) => `${entry.package.name}@${entry.package.version}`);
    expect(introduced).toEqual(['httpx@0.28.1', 'idna@3.10']);
    expect(summarize(rule.check(context)).map((row) => row.package)).toEqual(introduced);
    expect(cooldown.check(context)).toEqual([]);
    expect(server.connections).toBe(0);
  });

  it('online, the same setup does connect (the counters work)', async () => {
    const pairs = pairsOf(join(COOLDOWN_FIXTURES, 'no-upload-times'));
    await gatherIndexFacts(pairs, settingsFor({ offline: false, indexUrl: server.url }), () => {}, { timeoutMs: 1000, retries: 0 });
    expect(fetchCalls).toBeGreaterThan(0);
    expect(server.connections).toBeGreaterThan(0);
  });
});
