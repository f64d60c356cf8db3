import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/uv/unsafe-index-strategy.js';
import { settingsFindings, summarize } from './cooldown-helpers.js';

type Row = ReturnType<typeof summarize>[number];
const row = (file: string, line: number, severity: string): Row => ({ rule: 'unsafe-index-strategy', file, line, severity, introduced: true });

describe('unsafe-index-strategy', () => {
  const cases: [string, Row[]][] = [
    // unsafe-best-match is an error, unsafe-first-match (here under [tool.uv.pip]) a warning.
    ['unsafe-best', [row('pyproject.toml', 12, 'error'), row('pyproject.toml', 15, 'warning')]],
    // unsafe-any-match, the alias, under uv.toml's [pip].
    ['uv-toml', [row('uv.toml', 5, 'warning')]],
    ['hardened', []],
    ['no-cooldown', []],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(summarize(settingsFindings(rule, name))).toEqual(expected);
  });

  it('explains the dependency confusion and gives the TOML', () => {
    const [best, pip] = settingsFindings(rule, 'unsafe-best');
    expect(best!.message).toMatch(/^index-strategy = "unsafe-best-match" lets uv take each package from whichever index has the best version/);
    expect(best!.fix).toMatch(/^Use the default strategy \(or delete the line\):\n\[tool\.uv\]\nindex-strategy = "first-index"\n/);
    expect(best!.fix).toContain('[tool.uv.sources]\n<package> = { index = "internal" }');
    expect(pip!.fix).toMatch(/^Use the default strategy \(or delete the line\):\n\[tool\.uv\.pip\]\nindex-strategy = "first-index"\n/);
  });
});
