import { afterEach, describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/uv/typosquat.js';
import { gatherIndexFacts } from '../src/net/index-enrich.js';
import { indexKey } from '../src/facts/keys.js';
import type { IndexFacts, IndexLookup } from '../src/facts/types.js';
import type { RuleContext } from '../src/rules/types.js';
import { releaseFiles, startIndexServer, type IndexServer } from './index-server.js';
import { NOW, fixtureContext, packageLine, rowsOf, settingsWith, type Row } from './typosquat-helpers.js';

const PYPI = 'https://pypi.org/simple';
const LOCK = 'uv.lock';
const line = (name: string) => packageLine('rule', 'head', name);
const row = (name: string, severity: string, introduced = true): Row => ({
  rule: 'typosquat',
  file: LOCK,
  line: line(name),
  severity,
  package: name,
  introduced,
});

function facts(entries: Record<string, IndexLookup>): IndexFacts {
  return { projects: new Map(Object.entries(entries).map(([name, lookup]) => [indexKey(PYPI, name), lookup])) };
}

const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
const found = (versions: string[], firstUploadDaysAgo: number, source: 'simple' | 'json' = 'simple'): IndexLookup => ({
  status: 'found',
  versions,
  files: versions.map((version, i) => ({
    filename: `x-${version}.tar.gz`,
    url: `https://files.example/x-${version}.tar.gz`,
    uploadTime: daysAgo(firstUploadDaysAgo - i),
    yanked: false,
  })),
  source,
});

describe('typosquat on fixtures/typosquat/rule (base -> head)', () => {
  const findings = rule.check(fixtureContext('rule'));

  it.each<[string, Row]>([
    ['a swap of a top-1,000 name, required directly: error', row('reqeusts', 'error')],
    ['a dropped version number of urllib3, pulled in by reqeusts: error', row('urllib', 'error')],
    ['a keyboard slip on customtkinter (#4540): warning', row('cusromtkinter', 'warning')],
    ['a weak edit of pandas, already locked at base (upgraded): notice, not introduced', row('pandar', 'notice', false)],
  ])('%s', (_title, expected) => {
    expect(rowsOf(findings.filter((f) => f.package?.name === expected.package))).toEqual([expected]);
  });

  it("carries the match's confidence (zizmor's typosquat-uses): high for an error, medium for a warning, low for a notice", () => {
    expect(findings.map((f) => [f.package?.name, f.severity, f.confidence])).toEqual(
      expect.arrayContaining([
        ['reqeusts', 'error', 'high'],
        ['cusromtkinter', 'warning', 'medium'],
        ['pandar', 'notice', 'low'],
      ]),
    );
    const level = { error: 'high', warning: 'medium', notice: 'low' } as const;
    expect(findings.every((f) => f.confidence === level[f.severity])).toBe(true);
  });

  it("reports nothing else: not requests (ranked), fresh-helper (no look-alike), oldpkg (unchanged), pystyte (imitates a name below the top 5,000, the fixtures' typosquat.top), the workspace root", () => {
    expect(findings.map((f) => f.package?.name).sort()).toEqual(['cusromtkinter', 'pandar', 'reqeusts', 'urllib']);
  });

  it('names the package imitated, its rank and the technique, and points at the [[package]] line', () => {
    const reqeusts = findings.find((f) => f.package?.name === 'reqeusts')!;
    expect(reqeusts.message).toBe(
      '"reqeusts" looks like a typosquat of "requests", the #6 most downloaded PyPI package (two adjacent letters swapped). ' +
        "Installing the wrong package runs its author's code; check that this is the package you meant.",
    );
    expect(reqeusts.package).toEqual({ name: 'reqeusts', version: '2.32.3' });
  });

  it('fixes a direct dependency by replacing it, a transitive one by finding its parent', () => {
    const fixOf = (name: string) => findings.find((f) => f.package?.name === name)!.fix;
    expect(fixOf('reqeusts')).toContain('`uv remove reqeusts && uv add requests`');
    expect(fixOf('reqeusts')).toContain('typosquat.allow');
    expect(fixOf('urllib')).toContain('`uv tree --invert --package urllib`');
    expect(fixOf('urllib')).not.toContain('uv remove');
  });

  it('fingerprints by package name, not by line or version', () => {
    const again = rule.check(fixtureContext('rule', { audit: true }));
    const pandar = (list: typeof findings) => list.find((f) => f.package?.name === 'pandar')!;
    expect(pandar(again).fingerprint).toBe(pandar(findings).fingerprint);
  });
});

describe('typosquat on fixtures/typosquat/successors (an SDK moves to httpx2)', () => {
  const successorRow = (name: string, severity: string): Row => ({
    rule: 'typosquat',
    file: LOCK,
    line: packageLine('successors', 'head', name),
    severity,
    package: name,
    introduced: true,
  });

  it("does not report the listed successors httpx2 and httpcore2, nor pypdf3 (popular itself, #14,310); httpx3 is nobody's successor", () => {
    expect(rowsOf(rule.check(fixtureContext('successors')))).toEqual([successorRow('httpx3', 'warning')]);
  });

  it('still reports a listed successor the index no longer has', () => {
    const index = facts({ httpx2: { status: 'missing-project' } });
    const findings = rule.check(fixtureContext('successors', { index }));
    expect(rowsOf(findings)).toEqual([successorRow('httpx2', 'error'), successorRow('httpx3', 'warning')]);
    const removed = findings.find((f) => f.package?.name === 'httpx2')!;
    expect(removed.message).toContain('no longer has it');
    expect(removed.message).not.toContain('imitates');
  });
});

describe('typosquat configuration', () => {
  it('a full audit (no base) counts everything as introduced', () => {
    const rows = rowsOf(rule.check(fixtureContext('rule', { audit: true })));
    expect(rows.map((r) => [r.package, r.introduced])).toEqual([
      ['cusromtkinter', true],
      ['pandar', true],
      ['reqeusts', true],
      ['urllib', true],
    ]);
  });

  it('typosquat.allow silences a name in any spelling', () => {
    const context = fixtureContext('rule', { settings: settingsWith({ allow: ['Reqeusts', 'URLLIB'] }) });
    expect(
      rule
        .check(context)
        .map((f) => f.package?.name)
        .sort(),
    ).toEqual(['cusromtkinter', 'pandar']);
  });

  it('typosquat.top widens or narrows the names compared against', () => {
    const wide = rule.check(fixtureContext('rule', { settings: settingsWith({ top: 15000 }) }));
    expect(rowsOf(wide.filter((f) => f.package?.name === 'pystyte'))).toEqual([row('pystyte', 'notice')]);
    const narrow = rule.check(fixtureContext('rule', { settings: settingsWith({ top: 1000 }) }));
    expect(narrow.map((f) => f.package?.name).sort()).toEqual(['pandar', 'reqeusts', 'urllib']);
  });

  it('survives a config of the wrong types', () => {
    const context = fixtureContext('rule', { settings: settingsWith({ top: 'many' as unknown as number, allow: 'reqeusts' as unknown as string[] }) });
    expect(
      rule
        .check(context)
        .map((f) => f.package?.name)
        .sort(),
    ).toEqual(['cusromtkinter', 'pandar', 'pystyte', 'reqeusts', 'urllib'] /* a bad top falls back to the default, the whole ranking */);
  });
});

describe('typosquat with index facts', () => {
  const online = (entries: Record<string, IndexLookup>) => rule.check(fixtureContext('rule', { index: facts(entries) }));
  const only = (findings: ReturnType<typeof online>, name: string) => findings.filter((f) => f.package?.name === name);

  it.each<[string, Record<string, IndexLookup>, string, string, string | null]>([
    [
      'a look-alike first uploaded 5 days ago becomes an error',
      { cusromtkinter: found(['5.2.0', '5.2.2'], 5) },
      'cusromtkinter',
      'error',
      'was first uploaded 5 days ago',
    ],
    ['a look-alike with a single release becomes an error', { cusromtkinter: found(['5.2.2'], 400) }, 'cusromtkinter', 'error', 'has a single release'],
    ['both at once', { cusromtkinter: found(['5.2.2'], 3) }, 'cusromtkinter', 'error', 'was first uploaded 3 days ago, with a single release'],
    ['a notice-level look-alike with a single release becomes an error', { pandar: found(['1.1'], 400) }, 'pandar', 'error', 'has a single release'],
    ['an old look-alike with many releases keeps its severity', { cusromtkinter: found(['5.0', '5.1', '5.2.2'], 400) }, 'cusromtkinter', 'warning', null],
    ['an unanswered lookup changes nothing', { cusromtkinter: { status: 'error', message: 'timeout' } }, 'cusromtkinter', 'warning', null],
    // The JSON API answers for the locked versions only: it cannot tell a single release or a first upload.
    ['JSON API facts do not count as a single release or a young project', { cusromtkinter: found(['5.2.2'], 2, 'json') }, 'cusromtkinter', 'warning', null],
  ])('%s', (_title, entries, name, severity, evidence) => {
    const [finding, ...rest] = only(online(entries), name);
    expect(rest).toEqual([]);
    expect(finding!.severity).toBe(severity);
    // What the index shows settles it: the match is then high confidence, as the level is an error.
    expect(finding!.confidence).toBe(severity === 'error' ? 'high' : 'medium');
    if (evidence) expect(finding!.message).toContain(`the index shows it ${evidence}`);
    else expect(finding!.message).not.toContain('the index shows');
  });

  it('reports a locked package the index no longer has, look-alike or not, as removed: error', () => {
    const findings = online({ oldpkg: { status: 'missing-project' }, reqeusts: { status: 'missing-project' } });
    expect(rowsOf(only(findings, 'oldpkg'))).toEqual([row('oldpkg', 'error', false)]);
    expect(only(findings, 'oldpkg')[0]!.message).toBe(
      '"oldpkg" is locked but https://pypi.org/simple no longer has it: removed from the index (the most common fate of malicious packages). ' +
        'Treat machines that installed it as exposed until you know why it was removed.',
    );
    // One finding a package: the removal, which also names the imitation.
    const reqeusts = only(findings, 'reqeusts');
    expect(rowsOf(reqeusts)).toEqual([row('reqeusts', 'error')]);
    expect(reqeusts[0]!.message).toContain('removed from the index');
    expect(reqeusts[0]!.message).toContain('imitates "requests"');
    expect(reqeusts[0]!.fix).toContain('`uv remove reqeusts`');
  });

  it('ignores facts about another index', () => {
    const elsewhere: IndexFacts = { projects: new Map([[indexKey('https://mirror.example/simple', 'oldpkg'), { status: 'missing-project' }]]) };
    expect(rule.check(fixtureContext('rule', { index: elsewhere })).map((f) => f.package?.name)).not.toContain('oldpkg');
  });
});

describe('typosquat with facts gathered from a real index server', () => {
  let server: IndexServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('agrees with the enricher on keys: a young single-release look-alike and a removed package are errors', async () => {
    server = await startIndexServer([
      { name: 'cusromtkinter', versions: ['5.2.2'], files: releaseFiles('cusromtkinter', '5.2.2', daysAgo(3)) },
      {
        name: 'pandar',
        versions: ['1.0', '1.1'],
        files: [...releaseFiles('pandar', '1.0', '2024-01-01T00:00:00Z'), ...releaseFiles('pandar', '1.1', '2024-06-01T00:00:00Z')],
      },
      { name: 'reqeusts', versions: ['2.32.3'], files: releaseFiles('reqeusts', '2.32.3', '2023-01-01T00:00:00Z') },
      { name: 'requests', versions: ['2.32.3'], files: releaseFiles('requests', '2.32.3', '2024-05-29T00:00:00Z') },
      { name: 'fresh-helper', versions: ['0.1.0'], files: releaseFiles('fresh-helper', '0.1.0', daysAgo(1)) },
      { name: 'pystyte', versions: ['1.0'], files: releaseFiles('pystyte', '1.0', '2025-01-01T00:00:00Z') },
      // urllib is not on the index: a 404.
    ]);
    const offline = fixtureContext('rule');
    const settings = settingsWith();
    settings.indexUrl = server.url;
    const index = await gatherIndexFacts(offline.projects, settings, () => {}, { timeoutMs: 2000, retries: 0 });
    const context: RuleContext = { ...offline, settings, index };
    const rows = rowsOf(rule.check(context)).map((r) => [r.package, r.severity]);
    expect(rows).toEqual([
      ['cusromtkinter', 'error'], // 3 days old, one release
      ['pandar', 'notice'], // old, two releases: unchanged
      ['reqeusts', 'error'],
      ['urllib', 'error'], // removed
    ]);
    const urllib = rule.check(context).find((f) => f.package?.name === 'urllib')!;
    expect(urllib.message).toContain('removed from the index');
  });
});

describe('typosquat on hostile input', () => {
  it('never throws on a malformed model, reports the project it cannot check, and still checks the healthy one', () => {
    const context = fixtureContext('rule');
    const healthy = context.projects[0]!;
    const broken = [
      {
        ...healthy,
        head: { ...healthy.head!, lock: { ...healthy.head!.lock!, packages: [null, { name: 42 }, { name: 'reqeusts' }, { name: 'reqeusts', source: {} }] } },
        introduced: [null, {}],
      },
      { ...healthy, head: null, introduced: 'x' },
      null,
    ] as unknown as RuleContext['projects'];
    const findings = rule.check({
      ...context,
      projects: [...broken, healthy],
      settings: { ...context.settings, config: undefined } as never,
      index: { projects: new Map() },
    });
    const typosquats = findings.filter((f) => f.rule === 'typosquat');
    expect(typosquats.map((f) => f.package?.name).sort()).toEqual(
      ['cusromtkinter', 'pandar', 'pystyte', 'reqeusts', 'urllib'] /* no config: the default, the whole ranking */,
    );
    // The null project cannot be checked: said, not dropped (it has no lock to name).
    expect(findings.filter((f) => f.rule !== 'typosquat').map((f) => [f.rule, f.file, f.severity])).toEqual([['internal-error', '.', 'error']]);
  });

  it('puts odd names in messages verbatim and quotes them in commands', () => {
    const context = fixtureContext('rule', { audit: true });
    const pair = context.projects[0]!;
    const evil = { ...pair.head!.lock!.packages.find((p) => p.name === 'oldpkg')!, name: 'x;rm -rf ~ $(id)' };
    const lock = { ...pair.head!.lock!, packages: [...pair.head!.lock!.packages, evil] };
    const withEvil = { ...pair, head: { ...pair.head!, lock }, introduced: [...pair.introduced, { package: evil, newArtifacts: [] }] };
    const index: IndexFacts = { projects: new Map([[indexKey(PYPI, 'x;rm -rf ~ $(id)'), { status: 'missing-project' }]]) };
    const finding = rule.check({ ...context, projects: [withEvil], index }).find((f) => f.package?.name === 'x;rm -rf ~ $(id)')!;
    expect(finding.message).toContain('"x;rm -rf ~ $(id)" is locked');
    expect(finding.fix).toContain("`uv tree --invert --package 'x;rm -rf ~ $(id)'`");
  });
});
