import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/dependabot-cooldown.js';
import { dependabotCooldownDays } from '../src/workflows/dependabot.js';
import type { Settings } from '../src/settings/types.js';
import { corpusRepos, readFixture, riskContext, rowsOf, workflowsFromTexts } from './support/workflow-risks.js';

const FILE = '.github/dependabot.yml';

function check(text: string, cooldownDays = 7, configDays?: number, file = FILE) {
  return rule.check(riskContext(workflowsFromTexts({ [file]: text }), null, cooldownDays, configDays));
}

describe('dependabot-cooldown on fixtures', () => {
  const findings = check(readFixture('dependabot-cooldown/fires.yml'));

  it('reports each entry below the cooldown on the line to change', () => {
    expect(rowsOf(findings)).toEqual([
      { file: FILE, line: 3, column: 5, severity: 'warning' }, // pip: no cooldown at all -> package-ecosystem line
      { file: FILE, line: 12, column: 7, severity: 'warning' }, // uv: default-days 3 -> default-days line
      { file: FILE, line: 13, column: 5, severity: 'warning' }, // github-actions: cooldown without default-days
      { file: FILE, line: 25, column: 7, severity: 'warning' }, // npm: semver-patch-days 1 under a good default
      { file: FILE, line: 31, column: 7, severity: 'warning' }, // docker: default-days is not a number
    ]);
    expect(findings[0]).toMatchObject({ rule: 'dependabot-cooldown', introduced: true });
  });

  it.each<[number, string, string]>([
    [3, 'Dependabot pip updates have no cooldown', 'Add to this entry:\n    cooldown:\n      default-days: 7'],
    [
      12,
      "Dependabot uv updates wait 3 days (cooldown.default-days), less than lockgate's 7-day cooldown, so Dependabot opens pull requests that lockgate's cooldown rule then fails.",
      'Set default-days: 7',
    ],
    [13, 'Dependabot github-actions updates set cooldown: without default-days', 'Add under cooldown:\n      default-days: 7'],
    [
      25,
      'Dependabot npm updates wait only 1 day for patch releases (cooldown.semver-patch-days)',
      'Set semver-patch-days: 7, or delete it so default-days applies.',
    ],
    [31, 'not a number of days', 'Set default-days: 7'],
  ])('line %i: message and exact fix', (line, message, fix) => {
    const finding = findings.find((f) => f.line === line)!;
    expect(finding.message).toContain(message);
    expect(finding.fix).toBe(fix);
  });

  it('is quiet when every entry waits long enough (dependabot.yaml spelling, quoted numbers, entries without an ecosystem)', () => {
    expect(check(readFixture('dependabot-cooldown/quiet.yml'), 7, undefined, '.github/dependabot.yaml')).toEqual([]);
  });

  it('uses the longer of the settings and config cooldown, capped at the 90 days Dependabot allows', () => {
    const quiet = readFixture('dependabot-cooldown/quiet.yml');
    expect(check(quiet, 10).map((f) => f.line)).toEqual([8]); // uv 7 < 10; actions 14 and pip "10" pass
    expect(check(quiet, 7, 15).map((f) => f.line)).toEqual([8, 14, 19]); // config asks 15: uv 7, actions 14, pip 10
    expect(check(quiet, 365).map((f) => f.fix)).toEqual([
      'Set default-days: 90',
      'Set default-days: 90',
      'Set semver-major-days: 90, or delete it so default-days applies.',
      'Set default-days: 90',
    ]);
    expect(dependabotCooldownDays({ cooldownDays: Number.NaN, config: { cooldown: { exempt: [] } } } as unknown as Settings)).toBe(7);
    expect(dependabotCooldownDays({ cooldownDays: 2.5, config: { cooldown: { exempt: [] } } } as unknown as Settings)).toBe(3);
  });

  it('fingerprints entries by ecosystem, directory and branch, so duplicates stay distinct and reordering is not a change', () => {
    const text = 'version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /a\n  - package-ecosystem: pip\n    directory: /b\n';
    const reordered = 'version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /b\n  - package-ecosystem: pip\n    directory: /a\n';
    const base = workflowsFromTexts({ [FILE]: text });
    const findings = rule.check(riskContext(workflowsFromTexts({ [FILE]: reordered }), base));
    expect(findings).toHaveLength(2);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(2);
    expect(findings.map((f) => f.introduced)).toEqual([false, false]);
  });

  it('survives malformed files without throwing', () => {
    for (const text of [
      'updates: 7\n',
      'updates:\n  - 1\n  - [a]\n  - package-ecosystem: [pip]\n',
      'updates:\n  - package-ecosystem: pip\n    cooldown: 7\n',
    ]) {
      expect(() => check(text)).not.toThrow();
    }
    expect(check('updates:\n  - package-ecosystem: pip\n    cooldown: 7\n').map((f) => f.line)).toEqual([2]);
  });
});

describe('dependabot-cooldown on the shared corpus', () => {
  it('reports only openai-agents-python (github-actions without cooldown, inspected by hand)', () => {
    const found = corpusRepos().flatMap((repo) => rule.check(riskContext(repo.workflows)).map((f) => `${repo.repo}/${f.file}:${f.line}:${f.column}`));
    expect(found).toEqual(['openai__openai-agents-python/.github/dependabot.yml:3:5']);
  });

  it('reports every entry of the corpus at a 30-day cooldown except the 14-day ones at 14', () => {
    const repos = corpusRepos();
    const entries = repos.flatMap((repo) =>
      repo.workflows.filter((wf) => wf.kind === 'dependabot').map((wf) => (wf.text.match(/package-ecosystem:/g) ?? []).length),
    );
    const total = entries.reduce((a, b) => a + b, 0);
    const at30 = repos.flatMap((repo) => rule.check(riskContext(repo.workflows, null, 30)));
    expect(at30).toHaveLength(total);
    const at14 = repos.flatMap((repo) => rule.check(riskContext(repo.workflows, null, 14)));
    // python-sdk waits 14 days for both of its entries; every other entry is below 14.
    expect(at14).toHaveLength(total - 2);
  });
});
