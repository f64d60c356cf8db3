import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/impostor-commit.js';
import type { GithubFacts } from '../src/facts/types.js';
import { ruleContext, workflowsFrom } from './support/workflows.js';

const GOOD = 'a'.repeat(40);
const FORK = 'f'.repeat(40);
const UNKNOWN = 'e'.repeat(40);

const FACTS: GithubFacts = {
  refs: new Map(),
  tagsAtCommit: new Map(),
  reachable: new Map<string, boolean | { error: string }>([
    [`o/r@${GOOD}`, true],
    [`o/r@${FORK}`, false],
    [`o/r@${UNKNOWN}`, { error: 'inconclusive' }],
  ]),
};

const TEXT = [
  'on: push', // 1
  'jobs:', // 2
  '  a:', // 3
  '    runs-on: x', // 4
  '    steps:', // 5
  `      - uses: o/r@${GOOD} # v1`, // 6
  `      - uses: O/R@${FORK.toUpperCase()}`, // 7  case does not hide it
  `      - uses: o/r@${UNKNOWN}`, // 8  inconclusive: silent
  '      - uses: o/r@v1', // 9  not a SHA pin
  `      - uses: o/r/sub/path@${FORK}`, // 10 a subpath action of the same repository
  '  call:',
  `    uses: o/r/.github/workflows/x.yml@${FORK}`, // 12 reusable workflow
  '',
].join('\n');

describe('impostor-commit', () => {
  it('reports unreachable SHAs only, at the uses value', () => {
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': TEXT, 'act/action.yml': `runs:\n  using: composite\n  steps:\n    - uses: o/r@${FORK}\n` });
    const findings = rule.check(ruleContext(workflows, { github: FACTS }));
    expect(findings.map((f) => [f.rule, f.file, f.line, f.severity])).toEqual([
      ['impostor-commit', '.github/workflows/ci.yml', 7, 'error'],
      ['impostor-commit', '.github/workflows/ci.yml', 10, 'error'],
      ['impostor-commit', '.github/workflows/ci.yml', 12, 'error'],
      ['impostor-commit', 'act/action.yml', 4, 'error'],
    ]);
    expect(findings[0].message).toContain('on no branch or tag of O/R');
    expect(findings[0].fix).toContain('gh api repos/O/R/tags');
  });

  it('is silent offline', () => {
    expect(rule.check(ruleContext(workflowsFrom({ '.github/workflows/ci.yml': TEXT }), { github: null }))).toEqual([]);
  });
});
