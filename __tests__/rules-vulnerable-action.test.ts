/** vulnerable-action reads GithubFacts only: the version mapping (SHA pin → tag, symbolic ref → most specific tag) and the severity levels. */
import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/vulnerable-action.js';
import type { ActionAdvisory, GithubFacts } from '../src/facts/types.js';
import { ruleContext, testSettings, workflowsFrom } from './support/workflows.js';

const V1 = '1'.repeat(40);
const UNTAGGED = '2'.repeat(40);
const adv = (ghsaId: string, severity: string, firstPatched?: string): ActionAdvisory => ({
  ghsaId,
  severity,
  summary: `${severity} thing`,
  url: `https://github.com/advisories/${ghsaId}`,
  ...(firstPatched ? { firstPatched } : {}),
});

const FACTS: GithubFacts = {
  refs: new Map([
    ['o/r@v1', { status: 'found', sha: V1, kind: 'tag' }],
    ['o/r@main', { status: 'found', sha: UNTAGGED, kind: 'branch' }],
  ]),
  tagsAtCommit: new Map<string, string[] | { error: string }>([
    [`o/r@${V1}`, ['v1', 'v1.2.3']],
    [`o/r@${UNTAGGED}`, []],
  ]),
  reachable: new Map(),
  actionAdvisories: new Map<string, ActionAdvisory[] | { error: string }>([
    ['o/r@v1.2.3', [adv('GHSA-crit-crit-crit', 'critical', 'v1.2.4'), adv('GHSA-medi-medi-medi', 'medium'), adv('GHSA-loww-loww-loww', 'low')]],
    ['x/y@v2.0.0', { error: 'GitHub answered HTTP 503' }],
    ['o/r@main', [adv('GHSA-neve-rasn-ever', 'high')]],
  ]),
};

const TEXT = [
  'on: push', // 1
  'jobs:', // 2
  '  a:', // 3
  '    runs-on: x', // 4
  '    steps:', // 5
  '      - uses: o/r@v1', // 6  v1 → v1.2.3: three advisories
  `      - uses: o/r@${V1} # v1`, // 7  the same commit, pinned
  `      - uses: o/r@${UNTAGGED}`, // 8  no tag: no version, silent
  '      - uses: o/r@main', // 9  branch without a tag: no version, silent
  '      - uses: x/y@v2.0.0', // 10 look-up failed: silent
  '',
].join('\n');

describe('vulnerable-action', () => {
  it('reports each advisory at the level of its severity', () => {
    const findings = rule.check(ruleContext(workflowsFrom({ '.github/workflows/ci.yml': TEXT }), { github: FACTS }));
    expect(findings.map((f) => [f.line, f.severity, f.message.split(' is affected by ')[1]?.slice(0, 19)])).toEqual([
      [6, 'error', 'GHSA-crit-crit-crit'],
      [6, 'warning', 'GHSA-medi-medi-medi'],
      [6, 'notice', 'GHSA-loww-loww-loww'],
      [7, 'error', 'GHSA-crit-crit-crit'],
      [7, 'warning', 'GHSA-medi-medi-medi'],
      [7, 'notice', 'GHSA-loww-loww-loww'],
    ]);
    expect(findings[0].message).toContain('o/r v1.2.3 is affected by GHSA-crit-crit-crit (critical)');
    expect(findings[0].fix).toBe('Upgrade to v1.2.4 or later, pinned: o/r@<sha of v1.2.4> # v1.2.4');
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(findings.length);
  });

  it('is silent offline and without advisory facts', () => {
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': TEXT });
    expect(rule.check(ruleContext(workflows, { github: null }))).toEqual([]);
    expect(rule.check(ruleContext(workflows, { github: { ...FACTS, actionAdvisories: undefined } }))).toEqual([]);
  });

  it('honours advisories.ignore entries by GHSA id: waived, not dropped; an expired one waives nothing', () => {
    const settingsWith = (until: string) => {
      const settings = testSettings();
      const advisories = { ...(settings.config.advisories ?? {}), ignore: [{ id: 'ghsa-crit-crit-crit', reason: 'input not used', until }] };
      return { ...settings, config: { ...settings.config, advisories } } as typeof settings;
    };
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': TEXT });
    const waived = rule.check(ruleContext(workflows, { github: FACTS, settings: settingsWith('2999-01-01') }));
    const crit = waived.filter((f) => f.message.includes('GHSA-crit-crit-crit'));
    expect(crit).toHaveLength(2);
    expect(crit.every((f) => (f as { waiver?: { reason: string } }).waiver?.reason === 'advisories.ignore ghsa-crit-crit-crit: input not used')).toBe(true);
    const expired = rule.check(ruleContext(workflows, { github: FACTS, settings: settingsWith('2000-01-01') }));
    expect(expired.filter((f) => (f as { waiver?: unknown }).waiver !== undefined)).toEqual([]);
  });
});
