import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { WaivedFinding } from '../src/findings.js';
import { rule } from '../src/rules/uv/cooldown.js';
import { checkCooldown, cooldownFor, cooldownWaiver } from '../src/rules/uv/cooldown-check.js';
import { COOLDOWN_FIXTURES, contextFor, pairsOf, settingsFor, summarize } from './cooldown-helpers.js';

const NOW = new Date('2026-09-01T12:00:00Z');
const HEAD_TIME = new Date('2026-08-31T12:00:00Z');

type Row = ReturnType<typeof summarize>[number];
const young = (line: number, extra: Partial<Row> = {}): Row => ({
  rule: 'cooldown',
  file: 'uv.lock',
  line,
  severity: 'error',
  package: 'httpx@0.28.1',
  introduced: true,
  ...extra,
});

describe('cooldown on fixture pairs (now 2026-09-01T12:00Z, head commit 2026-08-31T12:00Z, 7 days)', () => {
  const cases: [string, Row[]][] = [
    // httpx 0.27.0 -> 0.28.1 uploaded 2026-08-30: 2.2 days old. idna added, 3 months old: quiet.
    ['young-upgrade', [young(25)]],
    // The same upgrade a month old.
    ['old-upgrade', []],
    // Same version, one wheel added on 2026-08-31: the new file is what counts.
    ['new-wheel', [young(25)]],
    // Young, but already locked at base: not introduced by this change.
    ['young-unchanged', []],
    // exclude-newer-package = { httpx = false }: reported as waived, not hidden.
    ['opt-out', [young(32, { waivedBy: 'exclude-newer-package' })]],
    // The same opt-out, but the change adds it: a waiver a pull request grants itself does not waive.
    ['opt-out-self-granted', [young(32)]],
    // exclude-newer = "2 weeks" beats lockgate's 7 days; 12 days old; past the lock's own cutoff too (one finding says both).
    ['project-span', [young(29)]],
    // Old enough for the cooldown, but every file after the absolute exclude-newer the lock records.
    ['breaks-absolute', [{ rule: 'cooldown', file: 'uv.lock', line: 36, severity: 'error', package: 'httpx@0.28.1', introduced: true }]],
    // The sdist after the cutoff, the wheel before it: uv admitted the version through the wheel and
    // kept the sdist (prioritized_distribution.rs `built_dist`), so the lock is uv's own: quiet.
    ['sdist-late-wheel-admitted', []],
    // The wheel after the cutoff, the sdist before it: uv chose the sdist and kept every wheel (`source_dist`): quiet.
    ['wheel-late-sdist-admitted', []],
    // exclude-newer added without re-locking: an unchanged entry breaks the new cutoff, introduced here.
    ['cutoff-added', [{ rule: 'cooldown', file: 'uv.lock', line: 37, severity: 'error', package: 'httpx@0.28.1', introduced: true }]],
    // The same breach at base: still reported, not introduced.
    ['cutoff-kept', [{ rule: 'cooldown', file: 'uv.lock', line: 38, severity: 'error', package: 'httpx@0.28.1', introduced: false }]],
    // A per-package timestamp beats the global span: no breach; and it admits this release (uploaded
    // 2026-08-30, before the package's 2026-08-31 date): honoured as `= false` is, reported as waived.
    ['package-cutoff', [young(32, { waivedBy: 'exclude-newer-package' })]],
    // The change moves that date from 2026-08-01 (which does not admit the release) to 2026-08-31: self-granted, not honoured.
    ['package-cutoff-widened', [young(32)]],
    // No upload times: nothing for this rule (cooldown-unverified reports it).
    ['no-upload-times', []],
    ['git-and-url', []],
    // httpx young by its dated sdist (its wheel is undated); anyio's undated wheel is cooldown-unverified's.
    ['mixed-upload-times', [young(26)]],
  ];
  it.each(cases)('%s', (name, expected) => {
    const findings = rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, name)), { now: NOW, headTime: HEAD_TIME }));
    expect(summarize(findings)).toEqual(expected);
  });

  it('says when the version becomes eligible, and how to wait, pin or exempt', () => {
    const [finding] = rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'young-upgrade')), { now: NOW, headTime: HEAD_TIME }));
    expect(finding!.message).toBe(
      'httpx 0.28.1 was uploaded 2026-08-30 08:00 UTC, 2.2 days ago, inside the cooldown of 7 days; it becomes eligible on 2026-09-06 08:01 UTC. ' +
        'Most malicious releases are found and removed within days, so a release this young has not had that time.',
    );
    expect(finding!.fix).toBe(
      'Wait until 2026-09-06 08:01 UTC and re-run; or keep the previous version: uv lock --upgrade-package httpx==0.27.0; ' +
        'or, if this release cannot wait, exempt it with a reason and an expiry:\n' +
        '.github/lockgate.yml:\ncooldown:\n  exempt:\n    - package: httpx\n      until: 2026-09-06\n      reason: <why this release cannot wait>',
    );
  });

  it('names the project setting when it sets the length', () => {
    const [finding] = rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'project-span')), { now: NOW, headTime: HEAD_TIME }));
    expect(finding!.message).toContain(
      'inside the cooldown of 14 days (the project\'s own exclude-newer = "2 weeks"); it becomes eligible on 2026-09-03 12:00 UTC.',
    );
    expect(finding!.message).toMatch(
      / It also breaks the lock's own exclude-newer: httpx-0\.28\.1\.tar\.gz \(and 1 more of its files\), uploaded 2026-08-20 12:00 UTC, is past the cutoff 2026-08-17 12:00 UTC \(P2W before the head commit at 2026-08-31 12:00 UTC\), so uv did not write this entry under the project's settings\.$/,
    );
  });

  it('says the lock breaks its own exclude-newer, with the derived cutoff', () => {
    const findings = rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'cutoff-added')), { now: NOW, headTime: HEAD_TIME }));
    expect(findings[0]!.message).toBe(
      'The lock breaks its own exclude-newer: httpx 0.28.1 locks httpx-0.28.1.tar.gz (and 1 more of its files), uploaded 2026-08-28 08:00 UTC, ' +
        'after the cutoff 2026-08-24 12:00 UTC (P7D before the head commit at 2026-08-31 12:00 UTC). ' +
        "uv would not have chosen it under the project's settings, so the lock was written another way (by hand, or by a tool that ignores them).",
    );
    expect(findings[0]!.fix).toContain('uv lock --upgrade-package httpx.');
    expect(findings[0]!.fix).toContain('[tool.uv.exclude-newer-package]\n"httpx" = "2026-08-28T08:00:01Z"');
  });

  it('takes the head commit time, not now, for the derived cutoff', () => {
    // A head commit from 2026-09-10 moves the cutoff past the upload: no breach.
    const findings = rule.check(
      contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'cutoff-added')), { now: new Date('2026-09-10T00:00:00Z'), headTime: new Date('2026-09-10T00:00:00Z') }),
    );
    expect(findings).toEqual([]);
  });

  it('waives with a config exemption, and says when an exemption has expired', () => {
    const exempt = (until: string) =>
      rule.check(
        contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'young-upgrade')), {
          now: NOW,
          headTime: HEAD_TIME,
          settings: settingsFor({ config: { cooldown: { exempt: [{ package: 'HTTPX', until, reason: 'security fix' }] } } }),
        }),
      );
    const waived = exempt('2026-09-01')[0] as WaivedFinding;
    expect(waived.waiver).toEqual({ by: 'exemption', reason: 'security fix', until: '2026-09-01' });
    const expired = exempt('2026-08-31')[0] as WaivedFinding;
    expect(expired.waiver).toBeUndefined();
    expect(expired.message).toMatch(/The exemption for httpx in \.github\/lockgate\.yml expired on 2026-08-31\.$/);
  });

  it('keeps the breach as its own finding when the young entry is exempt', () => {
    const settings = settingsFor({ config: { cooldown: { exempt: [{ package: 'httpx', until: '2026-12-31', reason: 'security fix' }] } } });
    const findings = rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'project-span')), { now: NOW, headTime: HEAD_TIME, settings }));
    expect(summarize(findings)).toEqual([
      young(29, { waivedBy: 'exemption' }),
      { rule: 'cooldown', file: 'uv.lock', line: 37, severity: 'error', package: 'httpx@0.28.1', introduced: true },
    ]);
    expect(findings[1]!.message).toMatch(/^The lock breaks its own exclude-newer: /);
  });

  it('counts everything as introduced in a full audit', () => {
    const findings = rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'young-upgrade'), false), { now: NOW, headTime: HEAD_TIME }));
    expect(summarize(findings)).toEqual([young(25)]);
  });

  it('fires exactly up to the eligibility instant', () => {
    const pairs = pairsOf(join(COOLDOWN_FIXTURES, 'young-upgrade'));
    // The sdist was uploaded 2026-08-30T08:00:00.5Z; 7 days later it is eligible.
    expect(rule.check(contextFor(pairs, { now: new Date('2026-09-06T08:00:00.499Z'), headTime: HEAD_TIME }))).toHaveLength(1);
    expect(rule.check(contextFor(pairs, { now: new Date('2026-09-06T08:00:00.500Z'), headTime: HEAD_TIME }))).toHaveLength(0);
  });

  it('does nothing with a cooldown of 0 days and no project span', () => {
    const findings = rule.check(
      contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'young-upgrade')), { now: NOW, headTime: HEAD_TIME, settings: settingsFor({ cooldownDays: 0 }) }),
    );
    expect(findings).toEqual([]);
  });

  it('takes the index upload time over the lock when they disagree (a lock is editable text)', () => {
    const pairs = pairsOf(join(COOLDOWN_FIXTURES, 'old-upgrade'));
    const httpx = pairs[0]!.introduced.find((entry) => entry.package.name === 'httpx')!;
    const files = [httpx.package.sdist!, ...httpx.package.wheels].map((artifact) => ({
      filename: artifact.url!.slice(artifact.url!.lastIndexOf('/') + 1),
      url: artifact.url!,
      sha256: artifact.hash!.slice('sha256:'.length),
      uploadTime: '2026-08-31T20:00:00.123456Z',
      yanked: false as const,
    }));
    const index = {
      projects: new Map([['https://pypi.org/simple\nhttpx', { status: 'found' as const, versions: ['0.28.1'], files, source: 'simple' as const }]]),
    };
    const [finding] = rule.check(contextFor(pairs, { now: NOW, headTime: HEAD_TIME, index }));
    expect(finding!.message).toContain('httpx 0.28.1 was uploaded 2026-08-31 20:00 UTC (by the index), 16 hours ago');
    expect(finding!.message).toContain('The lock records httpx-0.28.1.tar.gz as uploaded 2026-08-01 08:00 UTC, but the index says 2026-08-31 20:00 UTC');
  });

  it('never throws on hostile model values', () => {
    const pairs = pairsOf(join(COOLDOWN_FIXTURES, 'young-upgrade'));
    const pair = pairs[0]!;
    const entry = pair.introduced[0]!;
    const hostile = {
      ...pair,
      introduced: [
        null,
        {
          ...entry,
          newArtifacts: [
            { kind: 'sdist', uploadTime: 42 },
            { kind: 'wheel', uploadTime: 'yesterday' },
          ],
        },
        { ...entry, package: { ...entry.package, name: 'evil\n::error::<b>x</b>', sdist: undefined, wheels: null } },
      ],
    } as unknown as typeof pair;
    expect(() => rule.check(contextFor([hostile], { now: NOW, headTime: HEAD_TIME }))).not.toThrow();
  });
});

describe('exclude-newer-package entries the change grants itself', () => {
  it.each(['opt-out-self-granted', 'package-cutoff-widened'])('%s: the finding says which entry did not waive it, and why', (name) => {
    const [finding] = rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, name)), { now: NOW, headTime: HEAD_TIME }));
    expect(finding).not.toHaveProperty('waiver');
    expect(finding!.message).toMatch(
      /This change sets exclude-newer-package httpx = (false|"2026-08-31T00:00:00Z") itself, which the base does not: an opt-out a pull request grants itself does not waive the cooldown \(lockgate reads \.github\/lockgate\.yml from the base/,
    );
  });

  it('are the reviewed state in a full audit (no base revision): honoured', () => {
    const findings = rule.check(contextFor(pairsOf(join(COOLDOWN_FIXTURES, 'opt-out-self-granted'), false), { now: NOW, headTime: HEAD_TIME }));
    expect(findings.map((f) => (f as WaivedFinding).waiver?.by)).toEqual(['exclude-newer-package']);
  });

  it('do not waive in a project the change adds (a base revision without the project)', () => {
    const [pair] = pairsOf(join(COOLDOWN_FIXTURES, 'opt-out-self-granted'), false);
    const settings = settingsFor({ base: 'main' });
    const [check] = checkCooldown(pair!, { settings, now: NOW, headTime: HEAD_TIME, index: null }).filter((c) => c.entry.package.name === 'httpx');
    expect(check!.waiver).toEqual({ selfGranted: 'httpx = false' });
    // The same pair in a full audit: waived.
    const [audit] = checkCooldown(pair!, { settings: settingsFor(), now: NOW, headTime: HEAD_TIME, index: null }).filter(
      (c) => c.entry.package.name === 'httpx',
    );
    expect(audit!.waiver.waiver?.by).toBe('exclude-newer-package');
  });

  it('a config exemption (read from the base) still waives a self-granted entry', () => {
    const [pair] = pairsOf(join(COOLDOWN_FIXTURES, 'opt-out-self-granted'));
    const exempt = [{ package: 'httpx', until: '2026-09-30', reason: 'reviewed' }];
    expect(cooldownWaiver(pair!.head, 'httpx', exempt, NOW, undefined, pair!.base).waiver).toEqual({
      by: 'exemption',
      reason: 'reviewed',
      until: '2026-09-30',
    });
  });
});

describe('cooldownFor and cooldownWaiver', () => {
  it('uses the larger of lockgate days and the project span; a package span replaces the global one', () => {
    const [pair] = pairsOf(join(COOLDOWN_FIXTURES, 'project-span'));
    expect(cooldownFor(pair!.head, 'httpx', 7)).toEqual({ ms: 14 * 86_400_000, source: 'exclude-newer', text: '2 weeks' });
    expect(cooldownFor(pair!.head, 'httpx', 30)).toEqual({ ms: 30 * 86_400_000, source: 'settings' });
    const [withPackage] = pairsOf(join(COOLDOWN_FIXTURES, 'package-cutoff'));
    // An absolute per-package date is a date, not a span: only lockgate's days remain.
    expect(cooldownFor(withPackage!.head, 'httpx', 7)).toEqual({ ms: 7 * 86_400_000, source: 'settings' });
    expect(cooldownFor(null, 'x', -3)).toEqual({ ms: 0, source: 'settings' });
  });

  it('checks every introduced entry once', () => {
    const [pair] = pairsOf(join(COOLDOWN_FIXTURES, 'young-upgrade'));
    const checks = checkCooldown(pair!, { settings: settingsFor(), now: NOW, headTime: HEAD_TIME, index: null });
    expect(checks.map((c) => [c.entry.package.name, c.young, c.eligibleMs && new Date(c.eligibleMs).toISOString()])).toEqual([
      ['httpx', true, '2026-09-06T08:00:00.500Z'],
      ['idna', false, '2026-06-08T10:00:00.000Z'],
    ]);
  });

  it('honours a per-package timestamp for the files it admits, and only those', () => {
    const [withPackage] = pairsOf(join(COOLDOWN_FIXTURES, 'package-cutoff'));
    const ms = (iso: string) => Date.parse(iso);
    // httpx = "2026-08-31T00:00:00Z": a file uploaded before it is admitted by the project.
    expect(cooldownWaiver(withPackage!.head, 'httpx', [], NOW, ms('2026-08-30T08:00:00Z')).waiver).toMatchObject({
      by: 'exclude-newer-package',
      reason: expect.stringContaining('httpx = "2026-08-31T00:00:00Z"'),
    });
    // At or after it, uv would not have picked the file: no waiver.
    expect(cooldownWaiver(withPackage!.head, 'httpx', [], NOW, ms('2026-08-31T00:00:00Z')).waiver).toBeUndefined();
    // Another package, or no upload time: no waiver.
    expect(cooldownWaiver(withPackage!.head, 'idna', [], NOW, ms('2026-08-30T08:00:00Z')).waiver).toBeUndefined();
    expect(cooldownWaiver(withPackage!.head, 'httpx', [], NOW).waiver).toBeUndefined();
  });

  it('ignores malformed exemptions', () => {
    const bad = [null, { package: 5 }, { package: 'httpx', until: 'soon', reason: 'x' }] as never;
    expect(cooldownWaiver(null, 'httpx', bad, NOW)).toEqual({ expired: { package: 'httpx', until: 'soon', reason: 'x' } });
  });
});
