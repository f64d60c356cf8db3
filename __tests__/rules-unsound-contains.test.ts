import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/unsound-contains.js';
import { ruleTester } from './support/rule-tester.js';

const DIR = 'fixtures/workflows/rules/unsound-contains';
const WF = '.github/workflows/ci.yml';
const tester = ruleTester(rule);
const job = (condition: string) => ({ [WF]: `on: push\njobs:\n  a:\n    runs-on: x\n    if: ${condition}\n    steps:\n      - run: echo\n` });

tester.run({
  valid: [
    { fixture: `${DIR}/clean` },
    { name: 'a list from fromJSON', files: job(`contains(fromJSON('["main", "dev"]'), github.ref_name)`) },
    { name: 'the context as the haystack', files: job("contains(github.ref, 'refs/tags/')") },
    { name: 'in a YAML comment', files: job("true # contains('a b', github.ref)") },
    {
      name: 'in a run script',
      files: { [WF]: 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo "${{ contains(\'a b\', github.ref) }}"\n' },
    },
    { name: 'unparsable', files: job("contains('a b', github.ref) +++") },
  ],
  invalid: [
    { fixture: `${DIR}/fires` },
    { name: 'fenced', files: job("${{ contains('refs/heads/main', github.ref) }}"), expected: [{ file: WF, line: 5, severity: 'error' }] },
    {
      name: 'under && and !',
      files: job("github.event_name == 'push' && !contains('a b', github.actor)"),
      expected: [{ file: WF, line: 5, severity: 'error' }],
    },
    { name: 'a child of env', files: job("contains('a b', env.X.y)"), expected: [{ file: WF, line: 5, severity: 'warning' }] },
    { name: 'not a child of github.ref', files: job("contains('a b', github.refs)"), expected: [{ file: WF, line: 5, severity: 'notice' }] },
  ],
});

describe('unsound-contains wording', () => {
  it.each([
    ["!contains('a b', github.actor)", true],
    ["github.event_name == 'push' && !contains('a b', github.actor)", true],
    ["!(contains('a b', github.actor) || false)", true],
    ["!!contains('a b', github.actor)", false],
    ["contains('a b', github.actor)", false],
    // Inside a comparison the polarity is unknown: the plain wording.
    ["!(contains('a b', github.actor) == false)", false],
  ])('%s: negated %s', (condition, negated) => {
    // Fenced: a plain YAML scalar that starts with `!` is a tag.
    const [finding] = tester.findings({ files: job(`\${{ ${condition} }}`) });
    expect(finding.severity).toBe('error');
    expect(finding.message.includes('the test is negated, so whoever can choose github.actor')).toBe(negated);
    expect(finding.message.includes('can skip job a with a piece of that text')).toBe(negated);
    expect(finding.message.includes('can make it pass')).toBe(!negated);
  });
});

describe('unsound-contains fix', () => {
  it('turns the literal into the list it meant', () => {
    const [finding] = tester.findings({ files: job("contains('main, dev|it''s', github.ref_name)") });
    expect(finding.fix).toBe(
      `Test membership in a list instead: contains(fromJSON('["main","dev","it''s"]'), github.ref_name) (or compare whole values with ==).`,
    );
  });

  it('falls back to the shape of the fix for a literal too long to split', () => {
    const [finding] = tester.findings({ files: job(`contains('${'x '.repeat(300)}', github.ref)`) });
    expect(finding.fix).toMatch(/^Compare whole values: github\.ref == '<value>'/);
    expect(finding.message.length).toBeLessThan(800);
  });
});
