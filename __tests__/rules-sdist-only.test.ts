import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/uv/sdist-only.js';
import type { RuleContext } from '../src/rules/types.js';
import { fixtureContext, packageLine, rowsOf, type Row } from './typosquat-helpers.js';

const row = (name: string, introduced: boolean): Row => ({
  rule: 'sdist-only',
  file: 'uv.lock',
  line: packageLine('sdist-only', 'head', name),
  severity: 'warning',
  package: name,
  introduced,
});

/** The same fixture with the head pyproject's [tool.uv] replaced by `toolUv` (raw TOML table). */
function withToolUv(context: RuleContext, toolUv: unknown): RuleContext {
  const pair = context.projects[0]!;
  const head = pair.head!;
  const raw = { ...head.rootPyproject.raw, tool: { uv: toolUv } };
  return { ...context, projects: [{ ...pair, head: { ...head, rootPyproject: { ...head.rootPyproject, raw } } }] };
}

describe('sdist-only on fixtures/typosquat/sdist-only (base -> head)', () => {
  const findings = rule.check(fixtureContext('sdist-only'));

  it.each<[string, Row]>([
    ['a new package with an sdist and no wheel', row('buildme', true)],
    ['an upgrade that dropped the wheels: new risk, introduced', row('lostwheels', true)],
    ['an upgrade of a package that was sdist-only at base: reported, not introduced', row('oldsdist', false)],
  ])('%s', (_title, expected) => {
    expect(rowsOf(findings.filter((f) => f.package?.name === expected.package))).toEqual([expected]);
  });

  it('reports nothing else: wheels present, wheels only, a git source, the root, an unchanged entry, a package in no-build-package', () => {
    expect(findings.map((f) => f.package?.name).sort()).toEqual(['buildme', 'lostwheels', 'oldsdist']);
  });

  it('says why it matters and gives the exact setting', () => {
    const buildme = findings.find((f) => f.package?.name === 'buildme')!;
    expect(buildme.message).toBe(
      '"buildme" 1.0 is locked with a source distribution and no wheel: installing it builds it, and building runs the ' +
        "package's own code (its setup script or build backend) on every machine that installs it.",
    );
    expect(buildme.fix).toBe(
      'Pick a version of "buildme" that publishes wheels, or make uv refuse to build it: add no-build-package = ["buildme"] ' +
        'under [tool.uv] in pyproject.toml (or no-build = true to refuse every build), then run `uv lock`.',
    );
  });

  it('a full audit reports every sdist-only registry package as introduced, refused builds excepted', () => {
    const rows = rowsOf(rule.check(fixtureContext('sdist-only', { audit: true })));
    expect(rows.map((r) => [r.package, r.introduced])).toEqual([
      ['buildme', true],
      ['lostwheels', true],
      ['oldsdist', true],
      ['unchanged-sdist', true],
    ]);
  });
});

describe('sdist-only and uv build settings', () => {
  const base = fixtureContext('sdist-only', { audit: true });
  const names = (context: RuleContext) =>
    rule
      .check(context)
      .map((f) => f.package?.name)
      .sort();

  it.each<[string, unknown, string[]]>([
    ['no-build = true refuses every build', { 'no-build': true }, []],
    [
      'no-build-package names are PEP 503-normalized',
      { 'no-build-package': ['BuildMe', 'old_sdist', 'oldsdist'] },
      ['lostwheels', 'refused', 'unchanged-sdist'],
    ],
    ['no settings: everything sdist-only is reported', {}, ['buildme', 'lostwheels', 'oldsdist', 'refused', 'unchanged-sdist']],
    [
      'settings of the wrong types are ignored, not trusted',
      { 'no-build': 'yes', 'no-build-package': 'buildme' },
      ['buildme', 'lostwheels', 'oldsdist', 'refused', 'unchanged-sdist'],
    ],
    ['a [tool.uv] that is not a table', 'nonsense', ['buildme', 'lostwheels', 'oldsdist', 'refused', 'unchanged-sdist']],
  ])('%s', (_title, toolUv, expected) => {
    expect(names(withToolUv(base, toolUv))).toEqual(expected);
  });

  it('reads uv.toml instead of [tool.uv] when the project has one, and says so in the fix', () => {
    const pair = base.projects[0]!;
    const head = { ...pair.head!, uvToml: { file: 'uv.toml', raw: { 'no-build-package': ['buildme'] }, lines: new Map() } };
    const findings = rule.check({ ...base, projects: [{ ...pair, head }] });
    // uv ignores [tool.uv] when uv.toml exists: the pyproject's no-build-package = ["Refused"] no longer applies.
    expect(findings.map((f) => f.package?.name).sort()).toEqual(['lostwheels', 'oldsdist', 'refused', 'unchanged-sdist']);
    expect(findings[0]!.fix).toContain('no-build-package = ["lostwheels"] to uv.toml');
  });
});

describe('sdist-only on hostile input', () => {
  it('never throws on a malformed model, and reports the project it cannot check', () => {
    const context = fixtureContext('sdist-only');
    const pair = context.projects[0]!;
    const junk = [
      { ...pair, introduced: [null, {}, { package: { name: 7 } }, { package: { name: 'x', source: { kind: 'registry' }, sdist: {}, wheels: 'none' } }] },
      { ...pair, head: null },
      null,
    ] as unknown as RuleContext['projects'];
    const findings = rule.check({ ...context, projects: [...junk, pair] });
    expect(
      findings
        .filter((f) => f.rule === 'sdist-only')
        .map((f) => f.package?.name)
        .sort(),
    ).toEqual(['buildme', 'lostwheels', 'oldsdist', 'x']);
    expect(findings.filter((f) => f.rule !== 'sdist-only').map((f) => [f.rule, f.file, f.severity])).toEqual([['internal-error', '.', 'error']]);
  });
});
