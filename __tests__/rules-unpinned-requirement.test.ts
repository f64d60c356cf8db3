import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/uv/unpinned-requirement.js';
import { settingsFindings, settingsFor, summarize } from './cooldown-helpers.js';

type Row = ReturnType<typeof summarize>[number];
const row = (file: string, line: number, pkg: string, introduced = true): Row => ({
  rule: 'unpinned-requirement',
  file,
  line,
  severity: 'notice',
  package: pkg,
  introduced,
});

// An application (fixtures/uv-settings/requirements-app: no [build-system]): every list it installs from.
const APP: Row[] = [
  row('pyproject.toml', 6, 'httpx', false), // already unpinned at base
  row('pyproject.toml', 8, 'rich'),
  row('pyproject.toml', 12, 'anyio'), // ==4.* is a range
  row('pyproject.toml', 16, 'socksio'),
  row('pyproject.toml', 20, 'pytest'), // pinned at base, unpinned here
  row('member/pyproject.toml', 4, 'click'),
];

describe('unpinned-requirement', () => {
  const pin = (scope: 'none' | 'direct' | 'all') => settingsFor({ config: { requirements: { pin: scope } } });
  // Not reported: idna==3.10 and ruff==0.6.0 (pinned), gitdep (git source), urldep (URL),
  // demo-member (a workspace member), the include-group table.
  it.each([
    ['requirements-app', 'direct', APP],
    ['requirements-app', 'all', APP],
    ['requirements-app', 'none', []],
    // fixtures/uv-settings/requirements: the same lists, but the root has a [build-system], so it is a
    // published package: never asked to pin project.dependencies or optional dependencies, which its
    // users would inherit. Its member has no build system: an application, asked as before.
    ['requirements', 'direct', [APP[5]!]],
    // With requirements.pin = all: also the root's dependency groups (never published) and build requirements.
    ['requirements', 'all', [APP[4]!, row('pyproject.toml', 26, 'hatchling'), APP[5]!]],
    ['requirements', 'none', []],
    // [build-system] but tool.uv.package = false: an application, as uv treats it.
    ['package-false', 'direct', [row('pyproject.toml', 6, 'httpx')]],
    ['package-false', 'all', [row('pyproject.toml', 6, 'httpx'), row('pyproject.toml', 10, 'hatchling')]],
    ['hardened', 'all', []],
  ] as const)('%s with requirements.pin = %s', (name, scope, expected) => {
    expect(summarize(settingsFindings(rule, name, pin(scope)))).toEqual(expected);
  });

  it('says why it asks: an application, or a group that is not published', () => {
    const app = settingsFindings(rule, 'requirements-app').find((f) => f.package?.name === 'httpx')!;
    expect(app.message).toBe(
      '"httpx>=0.27" in project.dependencies is not pinned with ==, so `uv lock --upgrade` or a bot can move it to any release the range allows. ' +
        'This project is an application (no [build-system], or tool.uv.package = false), so nobody installs it as a dependency: an exact pin makes each upgrade a visible change to this file.',
    );
    const group = settingsFindings(rule, 'requirements', pin('all')).find((f) => f.package?.name === 'pytest')!;
    expect(group.message).toContain('dependency group "dev" is not published with the package, so the pin binds only this repository (requirements.pin: all).');
  });

  it('never asks a published package to pin what it publishes, whatever the scope', () => {
    for (const scope of ['direct', 'all'] as const) {
      const findings = settingsFindings(rule, 'requirements', pin(scope)).filter((f) => f.file === 'pyproject.toml');
      expect(findings.filter((f) => /in (project\.dependencies|optional dependency)/.test(f.message))).toEqual([]);
    }
  });

  it('gives the exact replacement with the locked version, keeping extras and marker', () => {
    const findings = settingsFindings(rule, 'requirements-app');
    const rich = findings.find((f) => f.package?.name === 'rich')!;
    expect(rich.fix).toBe(
      `Replace it with "Rich[Jupyter]==13.9.4; python_version >= '3.12'" (13.9.4 is the locked version), or run: uv add "Rich[Jupyter]==13.9.4; python_version >= '3.12'"`,
    );
    expect(findings.find((f) => f.package?.name === 'pytest')!.fix).toBe(
      'Replace it with "pytest==8.4.0" (8.4.0 is the locked version), or run: uv add --group dev pytest==8.4.0',
    );
    expect(findings.find((f) => f.package?.name === 'click')!.fix).toBe(
      'Replace it with "click==8.2.1" (8.2.1 is the locked version), or run: uv add --package demo-member click==8.2.1',
    );
    expect(findings.find((f) => f.package?.name === 'anyio')!.fix).toBe(`Replace it with "anyio==<version>", or run: uv add "anyio==<version>"`);
  });
});
