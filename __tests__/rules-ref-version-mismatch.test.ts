import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/ref-version-mismatch.js';
import type { GithubFacts } from '../src/facts/types.js';
import { ruleContext, workflowsFrom } from './support/workflows.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const T = 'c'.repeat(40);

const FACTS: GithubFacts = {
  refs: new Map([
    ['o/r@v1.0.0', { status: 'found', sha: A, kind: 'tag' }],
    ['o/r@v2.0.0', { status: 'found', sha: B, kind: 'tag' }],
    ['o/r@v1', { status: 'found', sha: B, kind: 'tag' }],
    ['o/r@v3.0.0', { status: 'found', sha: B, kind: 'tag', tagObject: T }],
    ['o/r@v9.9.9', { status: 'missing' }],
    ['o/r@v5.0.0', { status: 'error', message: 'rate limited' }],
    ['o/listing@v2.0.0', { status: 'found', sha: B, kind: 'tag' }],
  ]),
  tagsAtCommit: new Map<string, string[] | { error: string }>([
    [`o/r@${A}`, ['v1.0.0']],
    [`o/r@${B}`, ['v1', 'v2.0.0', 'v3.0.0']],
    [`o/listing@${A}`, { error: 'rate limited' }],
  ]),
  reachable: new Map(),
};

const cases: { name: string; uses: string; fires: boolean; message?: string }[] = [
  { name: 'comment names the tag at the commit', uses: `o/r@${A} # v1.0.0`, fires: false },
  { name: 'tag= form, matching', uses: `o/r@${A} # tag=v1.0.0`, fires: false },
  { name: 'comment names a tag at another commit', uses: `o/r@${A} # v2.0.0`, fires: true, message: 'the pinned commit aaaaaaaaaaaa is v1.0.0' },
  { name: 'version: form, mismatching', uses: `o/r@${A} # version: v2.0.0`, fires: true },
  { name: 'a moving major tag whose release series is at the commit', uses: `o/r@${A} # v1`, fires: false },
  { name: 'a major tag at the commit itself', uses: `o/r@${B} # v1`, fires: false },
  { name: 'pinned to the annotated tag object', uses: `o/r@${T} # v3.0.0`, fires: false },
  { name: 'a tag that does not exist', uses: `o/r@${A} # v9.9.9`, fires: true, message: 'has no tag v9.9.9' },
  { name: 'GitHub could not be asked', uses: `o/r@${A} # v5.0.0`, fires: false },
  { name: 'not asked at all', uses: `o/r@${A} # v7.0.0`, fires: false },
  { name: 'a comment that is not a version', uses: `o/r@${A} # pinned for the release`, fires: false },
  { name: 'no comment', uses: `o/r@${A}`, fires: false },
  { name: 'a tag ref, not a SHA (unpinned-uses reports it)', uses: 'o/r@v2.0.0 # v1.0.0', fires: false },
  { name: 'tag listing unavailable', uses: `o/listing@${A} # v2.0.0`, fires: true, message: 'the tag listing was not available' },
];

describe('ref-version-mismatch', () => {
  it.each(cases)('$name', ({ uses, fires, message }) => {
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ${uses}\n` });
    const findings = rule.check(ruleContext(workflows, { github: FACTS }));
    expect(findings.map((f) => [f.rule, f.file, f.line, f.column, f.severity])).toEqual(
      fires ? [['ref-version-mismatch', '.github/workflows/ci.yml', 6, 15, 'warning']] : [],
    );
    if (message) expect(findings[0].message).toContain(message);
  });

  it('is silent offline', () => {
    const workflows = workflowsFrom({ '.github/workflows/ci.yml': `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: o/r@${A} # v2.0.0\n` });
    expect(rule.check(ruleContext(workflows, { github: null }))).toEqual([]);
  });
});
