/**
 * The OSV client and the advisory facts against a loopback OSV (./osv-server.ts) speaking the
 * documented shapes: querybatch in batches of at most 1,000 with next_page_token paging, vulns by
 * id, and faults (429 with Retry-After, 500, a server that never answers, bad JSON, a results list
 * that does not match the queries). No test touches the network.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { advisorySubjects, cvss3BaseScore, readAdvisory, smallestFix, type AdvisorySubject } from '../src/facts/advisories.js';
import { gatherAdvisoryFacts, OsvClient } from '../src/net/osv.js';
import { malRecord, osvRecord, settingsFor, startOsvServer, type OsvServer } from './osv-server.js';

let server: OsvServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const subject = (name: string, version: string): AdvisorySubject => ({ name, version, key: `${name}==${version}` });
const FAST = { timeoutMs: 300, backoffMs: 10, retries: 2 };

const GHSA = osvRecord(
  'GHSA-aaaa-bbbb-cccc',
  'examplepkg',
  ['2.4.0'],
  {
    aliases: ['CVE-2026-0001'],
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }],
    database_specific: { severity: 'HIGH', cwe_ids: ['CWE-400'], github_reviewed: true },
  },
  ['1.9.8', '2.4.1'],
);
const MAL = malRecord('MAL-2026-15859', '0requests', ['0.0.1']);

describe('OsvClient', () => {
  it('asks querybatch with the documented payload and reads each result in order', async () => {
    server = await startOsvServer([GHSA, MAL]);
    const client = new OsvClient({ baseUrl: server.url, budgetMs: 5000 });
    const outcome = await client.queryBatch([subject('examplepkg', '2.4.0'), subject('certifi', '2024.8.30'), subject('0requests', '0.0.1')]);
    expect([...outcome.ids]).toEqual([
      ['examplepkg==2.4.0', ['GHSA-aaaa-bbbb-cccc']],
      ['certifi==2024.8.30', []],
      ['0requests==0.0.1', ['MAL-2026-15859']],
    ]);
    expect(outcome.unchecked.size).toBe(0);
    expect(server.batches).toEqual([{ queries: 3, pageTokens: 0 }]);
  });

  it('sends at most 1,000 queries a request: 2,500 versions in 3 batches', async () => {
    server = await startOsvServer([GHSA]);
    const client = new OsvClient({ baseUrl: server.url, budgetMs: 10_000 });
    const many = Array.from({ length: 2500 }, (_, i) => subject(`pkg${i}`, '1.0'));
    const outcome = await client.queryBatch(many);
    expect(outcome.ids.size).toBe(2500);
    expect(server.batches.map((b) => b.queries).sort((a, b) => b - a)).toEqual([1000, 1000, 500]);
  });

  it('follows next_page_token for the queries that have one, and only those', async () => {
    const records = ['GHSA-1111-1111-1111', 'GHSA-2222-2222-2222', 'PYSEC-2026-3'].map((id) => osvRecord(id, 'examplepkg', ['2.4.0']));
    server = await startOsvServer([...records, MAL], { pageSize: 1 });
    const client = new OsvClient({ baseUrl: server.url, budgetMs: 5000 });
    const outcome = await client.queryBatch([subject('examplepkg', '2.4.0'), subject('0requests', '0.0.1')]);
    expect(outcome.ids.get('examplepkg==2.4.0')).toEqual(['GHSA-1111-1111-1111', 'GHSA-2222-2222-2222', 'PYSEC-2026-3']);
    expect(outcome.ids.get('0requests==0.0.1')).toEqual(['MAL-2026-15859']);
    expect(server.batches).toEqual([
      { queries: 2, pageTokens: 0 },
      { queries: 1, pageTokens: 1 },
      { queries: 1, pageTokens: 1 },
    ]);
  });

  it('honours Retry-After on a 429 and gets the answer', async () => {
    server = await startOsvServer([GHSA], { batchFault: '429-once' });
    const log: string[] = [];
    const client = new OsvClient({ baseUrl: server.url, budgetMs: 5000, ...FAST, log: (l) => log.push(l) });
    const started = Date.now();
    const outcome = await client.queryBatch([subject('examplepkg', '2.4.0')]);
    expect(outcome.ids.get('examplepkg==2.4.0')).toEqual(['GHSA-aaaa-bbbb-cccc']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(log.join('\n')).toMatch(/querybatch answered HTTP 429, retrying/);
  });

  it.each([
    ['a lasting 500', '500' as const, /querybatch answered HTTP 500 \(after 3 attempts\)$/],
    ['a server that never answers', 'hang' as const, /querybatch did not answer within 300 ms \(after 3 attempts\)$/],
    ['bad JSON', 'bad-json' as const, /querybatch answered with a body that is not JSON/],
    ['a results list that does not match the queries', 'short-results' as const, /querybatch answered with 0 results for 2 queries$/],
  ])('turns %s into unchecked entries that say why', async (_, fault, message) => {
    server = await startOsvServer([GHSA], { batchFault: fault });
    const client = new OsvClient({ baseUrl: server.url, budgetMs: 8000, ...FAST });
    const outcome = await client.queryBatch([subject('examplepkg', '2.4.0'), subject('certifi', '1.0')]);
    expect(outcome.ids.size).toBe(0);
    expect([...outcome.unchecked.keys()]).toEqual(['examplepkg==2.4.0', 'certifi==1.0']);
    for (const reason of outcome.unchecked.values()) expect(reason).toMatch(message);
  });

  it('sends nothing once the budget is spent', async () => {
    server = await startOsvServer([GHSA]);
    const client = new OsvClient({ baseUrl: server.url, budgetMs: 0 });
    const outcome = await client.queryBatch([subject('examplepkg', '2.4.0')]);
    expect(outcome.unchecked.get('examplepkg==2.4.0')).toMatch(/was not asked: the network budget ran out/);
    expect(server.batches).toEqual([]);
  });
});

describe('gatherAdvisoryFacts', () => {
  const pairs = (entries: [string, string, string?][]) =>
    [
      {
        path: '',
        lockFile: 'uv.lock',
        introduced: entries.map(([name, version, registry]) => ({
          package: { name, version, source: { kind: 'registry', url: registry ?? 'https://pypi.org/simple' }, line: 1 },
          newArtifacts: [],
        })),
      },
    ] as never;

  it('asks once per distinct version and once per distinct advisory, PyPI-sourced entries only', async () => {
    server = await startOsvServer([GHSA, MAL]);
    const log: string[] = [];
    const input = pairs([
      ['examplepkg', '2.4.0'],
      ['ExamplePkg', '2.4.0'],
      ['0requests', '0.0.1'],
      ['certifi', '2024.8.30'],
      ['internal', '1.0', 'https://pypi.internal.example/simple'],
    ]);
    const facts = await gatherAdvisoryFacts(
      input,
      settingsFor({ config: { ...settingsFor().config, advisories: { ignore: [], minSeverity: 'low', url: server.url } } }),
      (l) => log.push(l),
    );
    expect(server.batches).toEqual([{ queries: 3, pageTokens: 0 }]);
    expect(server.vulnRequests.sort()).toEqual(['GHSA-aaaa-bbbb-cccc', 'MAL-2026-15859']);
    const examplepkg = facts!.packages.get('examplepkg==2.4.0');
    expect(examplepkg).toEqual({
      status: 'checked',
      advisories: [
        {
          id: 'GHSA-aaaa-bbbb-cccc',
          summary: 'Advisory GHSA-aaaa-bbbb-cccc for examplepkg',
          published: '2026-10-01T08:00:00Z',
          aliases: ['CVE-2026-0001'],
          malicious: false,
          severity: 'high',
          cvssScore: 7.5,
          fixed: ['1.9.8', '2.4.1'],
        },
      ],
    });
    expect(facts!.packages.get('0requests==0.0.1')).toMatchObject({ status: 'checked', advisories: [{ id: 'MAL-2026-15859', malicious: true }] });
    expect(facts!.packages.get('certifi==2024.8.30')).toEqual({ status: 'checked', advisories: [] });
    expect(facts!.packages.has('internal==1.0')).toBe(false);
    expect(log[0]).toMatch(
      /^Advisories: asked OSV \(http:\/\/127\.0\.0\.1:\d+\) about 3 package versions \(1 batch and 2 advisory requests, [\d.]+ s\): 2 with advisories, 0 not checked\.$/,
    );
  });

  it('keeps a hit whose details cannot be read: the id still counts', async () => {
    server = await startOsvServer([GHSA, MAL], { vulnFaults: { 'MAL-2026-15859': '500', 'GHSA-aaaa-bbbb-cccc': 'bad-json' } });
    const settings = settingsFor();
    const facts = await gatherAdvisoryFacts(
      pairs([
        ['0requests', '0.0.1'],
        ['examplepkg', '2.4.0'],
      ]),
      { ...settings, config: { ...settings.config, advisories: { ignore: [], minSeverity: 'low', url: server.url } } },
      () => undefined,
      FAST,
    );
    expect(facts!.packages.get('0requests==0.0.1')).toEqual({
      status: 'checked',
      advisories: [
        {
          id: 'MAL-2026-15859',
          summary: expect.stringMatching(/^details could not be read \(.*vulns\/MAL-2026-15859 answered HTTP 500 \(after 3 attempts\)\)$/),
          aliases: [],
          malicious: true,
          fixed: [],
        },
      ],
    });
    expect(facts!.packages.get('examplepkg==2.4.0')).toMatchObject({
      status: 'checked',
      advisories: [{ id: 'GHSA-aaaa-bbbb-cccc', malicious: false, summary: expect.stringMatching(/not JSON/) }],
    });
  });

  it('sends nothing offline', async () => {
    server = await startOsvServer([GHSA]);
    const settings = settingsFor({ offline: true });
    expect(
      await gatherAdvisoryFacts(
        pairs([['examplepkg', '2.4.0']]),
        { ...settings, config: { ...settings.config, advisories: { ignore: [], minSeverity: 'low', url: server.url } } },
        () => undefined,
      ),
    ).toBeNull();
    expect(server.batches).toEqual([]);
  });
});

describe('advisory records (OSV schema)', () => {
  it('computes CVSS v3 base scores as the specification does', () => {
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H')).toBe(10);
    expect(cvss3BaseScore('CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N')).toBe(6.1);
    expect(cvss3BaseScore('CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:N')).toBe(0);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:N')).toBe(6.8);
    expect(cvss3BaseScore('AV:L/AC:M/Au:N/C:N/I:P/A:C')).toBeNull();
    expect(cvss3BaseScore('CVSS:3.1/AV:X/AC:L')).toBeNull();
  });

  it("reads GitHub's severity label when there is no v3 vector, and CWE-506 as malicious", () => {
    expect(readAdvisory(osvRecord('GHSA-x', 'p', ['1'], { database_specific: { severity: 'MODERATE' } }), 'p')).toMatchObject({
      severity: 'medium',
      malicious: false,
    });
    expect(readAdvisory(osvRecord('GHSA-y', 'p', ['1'], { database_specific: { cwe_ids: ['CWE-506'] } }), 'p')).toMatchObject({ malicious: true });
    expect(readAdvisory({ id: 5 }, 'p')).toBeNull();
    expect(readAdvisory(null, 'p')).toBeNull();
  });

  it('finds the smallest version that clears every advisory', () => {
    const a = { id: 'A', summary: '', aliases: [], malicious: false, fixed: ['1.9.8', '2.4.1'] };
    const b = { id: 'B', summary: '', aliases: [], malicious: false, fixed: ['2.5.0'] };
    expect(smallestFix('2.4.0', [a])).toBe('2.4.1');
    expect(smallestFix('1.9.0', [a])).toBe('1.9.8');
    expect(smallestFix('2.4.0', [a, b])).toBe('2.5.0');
    expect(smallestFix('2.4.0', [{ ...b, fixed: [] }])).toBeNull();
    expect(smallestFix('not a version', [a])).toBeNull();
  });

  it('takes only introduced PyPI-sourced versions as subjects', () => {
    const input = [
      {
        introduced: [
          { package: { name: 'A_b', version: '1', source: { kind: 'registry', url: 'https://pypi.org/simple/' } } },
          { package: { name: 'git', version: '1', source: { kind: 'git', url: 'https://x' } } },
        ],
      },
    ] as never;
    expect(advisorySubjects(input)).toEqual([{ name: 'a-b', version: '1', key: 'a-b==1' }]);
  });
});
