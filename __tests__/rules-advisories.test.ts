/**
 * malicious-package and vulnerable-package on a real change (fixtures/uv/cases/advisories: head
 * bumps examplepkg 2.3.0 -> 2.4.0 and adds 0requests, lowpkg and critpkg; certifi is unchanged),
 * with facts gathered from the loopback OSV of ./osv-server.ts, so the rules read what the client
 * really produced. Fixtures that fire and must not, ignores with expiry, min-severity, offline and
 * fault notices.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContext } from '../src/engine.js';
import type { Finding, WaivedFinding } from '../src/findings.js';
import { gatherAdvisoryFacts } from '../src/net/osv.js';
import type { RuleContext } from '../src/rules/types.js';
import { rule as maliciousPackage } from '../src/rules/uv/malicious-package.js';
import { rule as vulnerablePackage } from '../src/rules/uv/vulnerable-package.js';
import type { AdvisoryConfig, Settings } from '../src/settings/types.js';
import { malRecord, osvRecord, settingsFor, startOsvServer, type OsvServer } from './osv-server.js';
import { sourceFromDir } from './uv-helpers.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CASE = join(ROOT, 'fixtures/uv/cases/advisories');
const head = sourceFromDir(join(CASE, 'head'));
const base = sourceFromDir(join(CASE, 'base'));

const RECORDS = [
  malRecord('MAL-2026-15859', '0requests', ['0.0.1']),
  // The bumped version is vulnerable (high, 7.5), and so was the old one: only head's is reported.
  osvRecord(
    'GHSA-aaaa-bbbb-cccc',
    'examplepkg',
    ['2.3.0', '2.4.0'],
    { aliases: ['CVE-2026-0001'], severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }] },
    ['2.4.1'],
  ),
  osvRecord('PYSEC-2026-7', 'examplepkg', ['2.4.0'], { database_specific: { severity: 'MODERATE' } }, ['2.5.0']),
  osvRecord('GHSA-low0-low0-low0', 'lowpkg', ['1.0'], { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N' }] }, ['1.1']),
  osvRecord('GHSA-crit-crit-crit', 'critpkg', ['5.0'], { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] }),
  // certifi 2024.8.30 is locked at base and head: never asked in a change, so never reported.
  osvRecord('GHSA-cert-cert-cert', 'certifi', ['2024.8.30'], {}, ['2024.9.1']),
];

let server: OsvServer;
beforeAll(async () => {
  server = await startOsvServer(RECORDS);
});
afterAll(() => server.close());

function settingsWith(advisories: Partial<AdvisoryConfig> = {}, overrides: Partial<Settings> = {}): Settings {
  const settings = settingsFor(overrides);
  return { ...settings, config: { ...settings.config, advisories: { ignore: [], minSeverity: 'low', url: server.url, ...advisories } } };
}

async function contextFor(settings: Settings, withBase = true): Promise<RuleContext> {
  const context = buildContext(settings, head, withBase ? base : null);
  const facts = await gatherAdvisoryFacts(context.projects, settings, () => undefined, { timeoutMs: 300, backoffMs: 10, retries: 1 });
  if (facts) context.advisories = facts;
  return context;
}

const rows = (findings: Finding[]) =>
  findings.map((f) => [f.rule, f.file, f.line ?? null, f.severity, f.package?.name ?? null, (f as WaivedFinding).waiver ? 'waived' : 'open']);

describe('malicious-package', () => {
  it('fails a change that introduces a MAL- listed version, naming the advisory, its summary and date', async () => {
    const findings = maliciousPackage.check(await contextFor(settingsWith()));
    expect(rows(findings)).toEqual([['malicious-package', 'uv.lock', 5, 'error', '0requests', 'open']]);
    expect(findings[0]!.message).toBe(
      '0requests 0.0.1 is listed as malicious: MAL-2026-15859 (2026-09-03): Malicious code in 0requests (PyPI). Installing it runs its code, so any machine or CI job that installed it may have leaked what it could read.',
    );
    expect(findings[0]!.fix).toMatch(/^Remove it: .*`uv remove 0requests`.*rotate every secret an install could have read/);
  });

  it('fires on nothing when OSV lists nothing malicious', async () => {
    const clean = await startOsvServer(RECORDS.filter((r) => !String(r.id).startsWith('MAL-')));
    try {
      expect(maliciousPackage.check(await contextFor(settingsWith({ url: clean.url })))).toEqual([]);
    } finally {
      await clean.close();
    }
  });

  it('offline: one notice says the advisory check did not run, naming the versions', async () => {
    const findings = maliciousPackage.check(await contextFor(settingsWith({}, { offline: true })));
    expect(rows(findings)).toEqual([['malicious-package', 'uv.lock', null, 'notice', null, 'open']]);
    expect(findings[0]!.message).toBe(
      'The advisory check did not run for 4 introduced package versions (lockgate ran offline): 0requests 0.0.1, critpkg 5.0, examplepkg 2.4.0, lowpkg 1.0. A known-malicious or known-vulnerable version among them is not reported.',
    );
    expect(vulnerablePackage.check(await contextFor(settingsWith({}, { offline: true })))).toEqual([]);
    expect(server.batches.length).toBeGreaterThan(0); // asked by the online cases only
  });

  it.each([
    ['a lasting 500', '500' as const, /answered HTTP 500 \(after 2 attempts\)/],
    ['bad JSON', 'bad-json' as const, /not JSON/],
  ])('a fault (%s) gives one notice naming what was not checked, never a crash or a pass', async (_, fault, reason) => {
    const broken = await startOsvServer(RECORDS, { batchFault: fault });
    try {
      const context = await contextFor(settingsWith({ url: broken.url }));
      const findings = maliciousPackage.check(context);
      expect(rows(findings)).toEqual([['malicious-package', 'uv.lock', null, 'notice', null, 'open']]);
      expect(findings[0]!.message).toMatch(reason);
      expect(findings[0]!.message).toMatch(/did not run for 4 introduced package versions/);
      expect(vulnerablePackage.check(context)).toEqual([]);
    } finally {
      await broken.close();
    }
  });

  it('waives a listed advisory with an active ignore (reported as waived), and reports an expired one', async () => {
    const waived = maliciousPackage.check(
      await contextFor(settingsWith({ ignore: [{ id: 'MAL-2026-15859', reason: 'name taken over', until: '2026-12-31' }] })),
    );
    expect(rows(waived)).toEqual([['malicious-package', 'uv.lock', 5, 'error', '0requests', 'waived']]);
    const expired = maliciousPackage.check(
      await contextFor(settingsWith({ ignore: [{ id: 'MAL-2026-15859', reason: 'name taken over', until: '2026-10-01' }] })),
    );
    expect(rows(expired)).toEqual([
      ['malicious-package', 'uv.lock', 5, 'error', '0requests', 'open'],
      ['malicious-package', '.github/lockgate.yml', null, 'notice', null, 'open'],
    ]);
    expect(expired[1]!.message).toBe('The advisory ignore of MAL-2026-15859 expired on 2026-10-01 ("name taken over"); it no longer waives anything.');
  });
});

describe('vulnerable-package', () => {
  it('warns with the fixed versions and the smallest upgrade; level from CVSS; only introduced versions', async () => {
    const findings = vulnerablePackage.check(await contextFor(settingsWith()));
    expect(rows(findings)).toEqual([
      ['vulnerable-package', 'uv.lock', 42, 'error', 'critpkg', 'open'],
      ['vulnerable-package', 'uv.lock', 50, 'warning', 'examplepkg', 'open'],
      ['vulnerable-package', 'uv.lock', 58, 'notice', 'lowpkg', 'open'],
    ]);
    const examplepkg = findings[1]!;
    expect(examplepkg.message).toBe(
      'examplepkg 2.4.0 has 2 known vulnerabilities: GHSA-aaaa-bbbb-cccc (high, CVSS 7.5, 2026-10-01): Advisory GHSA-aaaa-bbbb-cccc for examplepkg; PYSEC-2026-7 (medium, 2026-10-01): Advisory PYSEC-2026-7 for examplepkg. Fixed in: GHSA-aaaa-bbbb-cccc: 2.4.1; PYSEC-2026-7: 2.5.0.',
    );
    expect(examplepkg.fix).toMatch(/^Upgrade to 2\.5\.0, the smallest version that fixes all of them: `uv lock --upgrade-package examplepkg==2\.5\.0`/);
    expect(findings[0]!.fix).toMatch(/^No fixed version clears it yet: replace or remove critpkg/);
  });

  it('names the member requirement that refuses the fix, and stays general where none does', async () => {
    // The same change, with the project's requirement on examplepkg capped below the fix (2.5.0), in
    // pyproject.toml and in the lock's record of it (so the lock stays in sync).
    const capped = new Map(head.texts);
    capped.set('pyproject.toml', head.texts.get('pyproject.toml')!.replace('"examplepkg>=0"', '"examplepkg>=2,<2.5"'));
    capped.set('uv.lock', head.texts.get('uv.lock')!.replace('{ name = "examplepkg", specifier = ">=0" }', '{ name = "examplepkg", specifier = ">=2,<2.5" }'));
    const settings = settingsWith();
    const context = buildContext(settings, { ...head, texts: capped }, base);
    const facts = await gatherAdvisoryFacts(context.projects, settings, () => undefined, { timeoutMs: 300, backoffMs: 10, retries: 1 });
    if (facts) context.advisories = facts;
    const examplepkg = vulnerablePackage.check(context).find((f) => f.package?.name === 'examplepkg')!;
    expect(examplepkg.fix).toMatch(
      /^Upgrade to 2\.5\.0, the smallest version that fixes all of them: \S+ requires examplepkg>=2,<2\.5, which refuses 2\.5\.0: widen that requirement in its pyproject\.toml first, then run `uv lock --upgrade-package examplepkg==2\.5\.0`\./,
    );
    // With the requirement as the fixture has it (>=0), 2.5.0 is allowed: the general wording.
    const open = vulnerablePackage.check(await contextFor(settings)).find((f) => f.package?.name === 'examplepkg')!;
    expect(open.fix).toMatch(/`uv lock --upgrade-package examplepkg==2\.5\.0` \(if the project's constraints do not allow 2\.5\.0, widen them first\)\./);
  });

  it('a full audit (no base) checks every locked version, certifi included', async () => {
    const findings = vulnerablePackage.check(await contextFor(settingsWith(), false));
    expect(findings.map((f) => f.package?.name)).toEqual(['certifi', 'critpkg', 'examplepkg', 'lowpkg']);
  });

  it('min-severity leaves out advisories below it', async () => {
    const findings = vulnerablePackage.check(await contextFor(settingsWith({ minSeverity: 'high' })));
    expect(rows(findings)).toEqual([
      ['vulnerable-package', 'uv.lock', 42, 'error', 'critpkg', 'open'],
      ['vulnerable-package', 'uv.lock', 50, 'warning', 'examplepkg', 'open'],
    ]);
    expect(findings[1]!.message).toMatch(/has a known vulnerability: GHSA-aaaa-bbbb-cccc/);
    expect(findings[1]!.fix).toMatch(/uv lock --upgrade-package examplepkg==2\.4\.1/);
  });

  it('an ignore by id or alias waives that advisory only; an expired one is reported', async () => {
    const findings = vulnerablePackage.check(
      await contextFor(
        settingsWith({
          ignore: [
            { id: 'cve-2026-0001', reason: 'not reachable', until: '2026-12-31' },
            { id: 'GHSA-low0-low0-low0', reason: 'old', until: '2026-01-01' },
          ],
        }),
      ),
    );
    expect(rows(findings)).toEqual([
      ['vulnerable-package', 'uv.lock', 42, 'error', 'critpkg', 'open'],
      ['vulnerable-package', 'uv.lock', 50, 'warning', 'examplepkg', 'open'],
      ['vulnerable-package', 'uv.lock', 50, 'warning', 'examplepkg', 'waived'],
      ['vulnerable-package', 'uv.lock', 58, 'notice', 'lowpkg', 'open'],
      ['vulnerable-package', '.github/lockgate.yml', null, 'notice', null, 'open'],
    ]);
    expect(findings[1]!.message).toMatch(/has a known vulnerability: PYSEC-2026-7/);
    expect((findings[2] as WaivedFinding).waiver).toEqual({ by: 'exemption', reason: 'advisories.ignore cve-2026-0001: not reachable', until: '2026-12-31' });
  });

  it('does not report malicious advisories (malicious-package does)', async () => {
    const findings = vulnerablePackage.check(await contextFor(settingsWith()));
    expect(findings.some((f) => f.package?.name === '0requests')).toBe(false);
  });
});
