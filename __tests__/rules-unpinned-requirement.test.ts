import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/unpinned-requirement.js';
import { settingsFindings, settingsFor, summarize } from './cooldown-helpers.js';

type Row = ReturnType<typeof summarize>[number];
const row = (file: string, line: number, pkg: string, introduced = true): Row => ({ rule: 'unpinned-requirement', file, line, severity: 'notice', package: pkg, introduced });

const DIRECT: Row[] = [
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
    ['requirements', 'direct', DIRECT],
    ['requirements', 'all', [...DIRECT.slice(0, 5), row('pyproject.toml', 26, 'hatchling'), DIRECT[5]!]],
    ['requirements', 'none', []],
    ['hardened', 'all', []],
  ] as const)('%s with requirements.pin = %s', (name, scope, expected) => {
    expect(summarize(settingsFindings(rule, name, pin(scope)))).toEqual(expected);
  });

  it('gives the exact replacement with the locked version, keeping extras and marker', () => {
    const findings = settingsFindings(rule, 'requirements');
    const rich = findings.find((f) => f.package?.name === 'rich')!;
    expect(rich.fix).toBe(
      `Replace it with "Rich[Jupyter]==13.9.4; python_version >= '3.12'" (13.9.4 is the locked version), or run: uv add "Rich[Jupyter]==13.9.4; python_version >= '3.12'"`,
    );
    expect(findings.find((f) => f.package?.name === 'pytest')!.fix).toBe('Replace it with "pytest==8.4.0" (8.4.0 is the locked version), or run: uv add --group dev pytest==8.4.0');
    expect(findings.find((f) => f.package?.name === 'click')!.fix).toBe('Replace it with "click==8.2.1" (8.2.1 is the locked version), or run: uv add --package demo-member click==8.2.1');
    expect(findings.find((f) => f.package?.name === 'anyio')!.fix).toBe(`Replace it with "anyio==<version>", or run: uv add "anyio==<version>"`);
  });
});
