import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/uv/exclude-newer-missing.js';
import { settingsFindings, settingsFor, summarize } from './cooldown-helpers.js';

type Row = ReturnType<typeof summarize>[number];
const row = (file: string, line: number, introduced = true): Row => ({ rule: 'exclude-newer-missing', file, line, severity: 'warning', introduced });

describe('exclude-newer-missing', () => {
  const cases: [string, Row[]][] = [
    // Fires: at the [tool.uv] header, the [project] line, or the key itself.
    ['no-cooldown', [row('pyproject.toml', 9)]],
    ['no-tool-uv', [row('pyproject.toml', 1)]],
    ['cooldown-false', [row('pyproject.toml', 11)]],
    ['cooldown-invalid', [row('pyproject.toml', 11)]],
    // uv.toml wins over [tool.uv]: its missing key counts, the pyproject's is ignored by uv.
    ['uv-toml', [row('uv.toml', 1)]],
    // This change removed the setting: introduced. Missing at base too: not introduced.
    ['removed-cooldown', [row('pyproject.toml', 9, true)]],
    ['still-missing', [row('pyproject.toml', 9, false)]],
    // Quiet: a relative or absolute cutoff, in pyproject or uv.toml.
    ['hardened', []],
    ['cooldown-absolute', []],
    ['uv-toml-set', []],
    ['bounds-major', []],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(summarize(settingsFindings(rule, name))).toEqual(expected);
  });

  it('gives the exact TOML to add, with the configured cooldown', () => {
    const [finding] = settingsFindings(rule, 'no-tool-uv', settingsFor({ cooldownDays: 14 }));
    expect(finding!.fix).toBe(
      'Add to pyproject.toml:\n[tool.uv]\nexclude-newer = "14 days"\nrequired-version = ">=0.9.17"  # relative exclude-newer needs uv 0.9.17 or later\nthen run: uv lock',
    );
    const [inUvToml] = settingsFindings(rule, 'uv-toml');
    expect(inUvToml!.fix).toMatch(/^Add to uv\.toml:\nexclude-newer = "7 days"\n/);
    expect(inUvToml!.message).toMatch(/The exclude-newer in pyproject\.toml has no effect: uv reads only uv\.toml when it exists\.$/);
  });

  it('names what is wrong with a value uv rejects', () => {
    const [finding] = settingsFindings(rule, 'cooldown-invalid');
    expect(finding!.message).toMatch(/^pyproject\.toml sets exclude-newer = "1 month", which uv does not understand \(.*years or months.*\)/);
  });
});
