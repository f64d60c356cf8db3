import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/uv/add-bounds-not-exact.js';
import { settingsFindings, summarize } from './cooldown-helpers.js';

type Row = ReturnType<typeof summarize>[number];
const row = (file: string, line: number): Row => ({ rule: 'add-bounds-not-exact', file, line, severity: 'notice', introduced: true });

describe('add-bounds-not-exact', () => {
  const cases: [string, Row[]][] = [
    ['no-tool-uv', [row('pyproject.toml', 1)]],
    ['bounds-major', [row('pyproject.toml', 11)]],
    ['hardened', []],
    ['no-cooldown', []],
    // uv.toml sets it; the pyproject's [tool.uv] would be ignored anyway.
    ['uv-toml', []],
    ['uv-toml-set', []],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(summarize(settingsFindings(rule, name))).toEqual(expected);
  });

  it('gives the exact TOML', () => {
    expect(settingsFindings(rule, 'bounds-major')[0]!.fix).toBe(
      'Add to pyproject.toml (replacing the current value) (uv 0.10.0 or later):\n[tool.uv]\nadd-bounds = "exact"',
    );
    expect(settingsFindings(rule, 'no-tool-uv')[0]!.message).toMatch(/^add-bounds is not set, so `uv add` writes `>=` lower bounds/);
  });
});
