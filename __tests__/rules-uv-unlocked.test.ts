import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { rule } from '../src/rules/workflows/uv-unlocked.js';
import { FIXTURES, findingRows, ruleContext, workflowsFrom } from './support/workflows.js';

const DIR = join(FIXTURES, 'rules', 'uv-unlocked');

describe('uv-unlocked', () => {
  it.each(['fires', 'clean'])('%s fixture: reports exactly the marked lines', (name) => {
    const { rows, expected } = findingRows(rule, join(DIR, name));
    expect(rows).toEqual(expected);
    if (name === 'fires') expect(expected.length).toBeGreaterThanOrEqual(12);
    else expect(expected).toEqual([]);
  });

  it('gives the command with --locked as the fix', () => {
    const { findings } = findingRows(rule, join(DIR, 'fires'));
    const byLine = new Map(findings.map((f) => [f.line, f]));
    expect(byLine.get(11)?.fix).toBe('uv sync --locked --all-extras --dev; or set UV_LOCKED: "1" in the workflow\'s env');
    expect(byLine.get(11)?.message).toContain('`uv sync --all-extras --dev`');
    // `--locked` after the command belongs to pytest, not to uv.
    expect(byLine.get(12)?.fix).toContain('uv run --locked pytest -x --locked');
    expect(byLine.get(12)?.fix).toContain('uv run --script');
    expect(findings.find((f) => f.message.includes('--upgrade'))?.fix).toBe(
      'Upgrade in a reviewed pull request (uv lock --upgrade) and install here with: uv sync --locked',
    );
  });

  it('is not confused by the env of another job or a later step', () => {
    const workflows = workflowsFrom({
      '.github/workflows/ci.yml': [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        '      - run: uv sync',
        '      - run: echo "UV_FROZEN=1" >> $GITHUB_ENV',
        '  b:',
        '    runs-on: x',
        '    env:',
        '      UV_FROZEN: "1"',
        '    steps:',
        '      - run: uv sync',
        '',
      ].join('\n'),
    });
    expect(rule.check(ruleContext(workflows)).map((f) => [f.line, f.severity])).toEqual([[6, 'warning']]);
  });
});
