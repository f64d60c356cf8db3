import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/unsound-condition.js';
import { ruleTester } from './support/rule-tester.js';

const DIR = 'fixtures/workflows/rules/unsound-condition';
const WF = '.github/workflows/ci.yml';
const tester = ruleTester(rule);
/** A step whose `if:` is the given YAML (the value may span lines, already indented for the step). */
const step = (condition: string) => ({ [WF]: `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - if: ${condition}\n        run: echo\n` });

tester.run({
  valid: [
    { fixture: `${DIR}/clean` },
    { name: 'a stripped literal block', files: step("|-\n          ${{ github.ref == 'x' }}") },
    { name: 'a quoted single expression', files: step('"${{ github.ref == \'x\' }}"') },
    { name: 'a bare condition over several lines', files: step("|\n          github.ref == 'x' ||\n          github.ref == 'y'") },
    { name: 'a ${{ inside a string literal of a bare condition', files: step("github.event.comment.body == '${{'") },
    { name: 'a boolean', files: step('false') },
    { name: 'an expression in a comment after the condition', files: step("github.ref == 'x' # ${{ y }} trailing") },
  ],
  invalid: [
    { fixture: `${DIR}/fires` },
    { name: 'a literal block with an expression', files: step("|\n          ${{ github.ref == 'x' }}"), expected: [{ file: WF, line: 6, severity: 'error' }] },
    { name: 'a kept block', files: step(">+\n          ${{ github.ref == 'x' }}\n\n"), expected: [{ file: WF, line: 6, severity: 'error' }] },
    { name: 'leading text', files: step('"x${{ true }}"'), expected: [{ file: WF, line: 6, severity: 'error' }] },
    {
      name: 'a huge template',
      files: step(`"${Array.from({ length: 2000 }, (_, i) => `\${{ github.ref == '${i}' }}`).join(' || ')}"`),
      expected: [{ file: WF, line: 6, severity: 'error' }],
    },
  ],
});

describe('unsound-condition fixes', () => {
  it('says how to drop the newline for a block, and joins expressions joined by operators', () => {
    const block = tester.findings({ files: step("|\n          ${{ github.ref == 'x' }}") })[0];
    expect(block.fix).toBe('Write if: |- (which drops the final newline), or put the condition on the if: line itself without ${{ }}.');
    expect(block.message).toContain('the if: | block keeps its final newline');
    const joined = tester.findings({ files: step("${{ github.ref == 'x' }} && ${{ github.sha }}") })[0];
    expect(joined.fix).toBe("Write the whole condition as one expression, without ${{ }}:\nif: (github.ref == 'x') && github.sha");
  });

  it('does not invent an expression out of text', () => {
    const text = tester.findings({ files: step('"Deploy ${{ github.ref_name }}"') })[0];
    expect(text.fix).toBe('Write the whole condition as one expression, inside a single ${{ }} or (better) without ${{ }} at all.');
    expect(text.message).toContain('("Deploy")');
  });
});
