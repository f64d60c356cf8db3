/** ref-confusion and stale-action-ref read GithubFacts only: fact tables, valid and invalid cases. */
import { describe, expect, it } from '@jest/globals';
import { rule as refConfusion } from '../src/rules/workflows/ref-confusion.js';
import { rule as staleActionRef } from '../src/rules/workflows/stale-action-ref.js';
import type { GithubFacts } from '../src/facts/types.js';
import { ruleContext, workflowsFrom } from './support/workflows.js';

const TAGGED = 'a'.repeat(40);
const UNTAGGED = 'b'.repeat(40);
const TAG_OBJECT = 'c'.repeat(40);
const BIG_REPO_PIN = 'd'.repeat(40);

const FACTS: GithubFacts = {
  refs: new Map([['o/r@v2', { status: 'found', sha: TAGGED, kind: 'tag', tagObject: TAG_OBJECT }]]),
  tagsAtCommit: new Map<string, string[] | { error: string }>([
    [`o/r@${TAGGED}`, ['v2', 'v2.0.1']],
    [`o/r@${UNTAGGED}`, []],
    [`o/r@${TAG_OBJECT}`, []],
    [`big/repo@${BIG_REPO_PIN}`, []],
    [`failed/repo@${UNTAGGED}`, { error: 'HTTP 503' }],
  ]),
  reachable: new Map(),
  branchAndTag: new Map<string, boolean | { error: string }>([
    ['o/r@v1', true],
    ['o/r@v2', false],
    ['o/r@main', false],
    ['x/y@v1', { error: 'GitHub answered HTTP 503' }],
  ]),
  tagListComplete: new Map([
    ['o/r', true],
    ['big/repo', false],
    ['failed/repo', false],
  ]),
};

const TEXT = [
  'on: push', // 1
  'jobs:', // 2
  '  a:', // 3
  '    runs-on: x', // 4
  '    steps:', // 5
  '      - uses: o/r@v1', // 6   branch and tag: ref-confusion
  '      - uses: O/R/sub@v1', // 7   same repository, case and subpath do not hide it
  '      - uses: o/r@v2', // 8   tag only
  '      - uses: o/r@main', // 9   branch only
  '      - uses: x/y@v1', // 10  unknown: silent
  `      - uses: o/r@${TAGGED} # v2.0.1`, // 11  tagged commit
  `      - uses: o/r@${UNTAGGED}`, // 12  stale
  `      - uses: o/r@${TAG_OBJECT} # v2`, // 13  the annotated tag object of v2: tagged
  `      - uses: big/repo@${BIG_REPO_PIN}`, // 14  listing cut short: silent
  `      - uses: failed/repo@${UNTAGGED}`, // 15  listing failed: silent
  '      - uses: ./local', // 16
  '  call:', // 17
  '    uses: o/r/.github/workflows/x.yml@v1', // 18  reusable workflow: ref-confusion
  '  call2:', // 19
  `    uses: o/r/.github/workflows/x.yml@${UNTAGGED}`, // 20  reusable workflow: not stale-checked (as zizmor)
  '',
].join('\n');

const ACTION = `runs:\n  using: composite\n  steps:\n    - uses: o/r@v1\n    - uses: o/r@${UNTAGGED}\n`;

describe('ref-confusion', () => {
  it('reports refs that are both a branch and a tag, in workflows, reusable-workflow jobs and composite actions', () => {
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': TEXT, 'act/action.yml': ACTION });
    const findings = refConfusion.check(ruleContext(workflows, { github: FACTS }));
    expect(findings.map((f) => [f.rule, f.file, f.line, f.severity])).toEqual([
      ['ref-confusion', '.github/workflows/ci.yml', 6, 'warning'],
      ['ref-confusion', '.github/workflows/ci.yml', 7, 'warning'],
      ['ref-confusion', '.github/workflows/ci.yml', 18, 'warning'],
      ['ref-confusion', 'act/action.yml', 4, 'warning'],
    ]);
    expect(findings[0].message).toContain('o/r has both a branch and a tag named v1');
    expect(findings[0].fix).toContain('gh api repos/o/r/git/ref/tags/v1');
    expect(findings[0].confidence ?? 'high').toBe('high');
  });

  it('is silent offline and without the fact', () => {
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': TEXT });
    expect(refConfusion.check(ruleContext(workflows, { github: null }))).toEqual([]);
    expect(refConfusion.check(ruleContext(workflows, { github: { refs: new Map(), tagsAtCommit: new Map(), reachable: new Map() } }))).toEqual([]);
  });
});

describe('stale-action-ref', () => {
  it('reports step pins no tag points at, only when the tag listing was complete', () => {
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': TEXT, 'act/action.yml': ACTION });
    const findings = staleActionRef.check(ruleContext(workflows, { github: FACTS }));
    expect(findings.map((f) => [f.rule, f.file, f.line, f.severity, f.persona])).toEqual([
      ['stale-action-ref', '.github/workflows/ci.yml', 12, 'notice', 'pedantic'],
      ['stale-action-ref', 'act/action.yml', 5, 'notice', 'pedantic'],
    ]);
    expect(findings[0].message).toContain(`Commit ${UNTAGGED.slice(0, 12)} is not the commit of any tag of o/r`);
  });

  it('is silent offline', () => {
    expect(staleActionRef.check(ruleContext(workflowsFrom({ '.github/workflows/ci.yml': TEXT }), { github: null }))).toEqual([]);
  });
});
