import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/unredacted-secret.js';
import { ruleTester } from './support/rule-tester.js';

const DIR = 'fixtures/workflows/rules/unredacted-secret';
const WF = '.github/workflows/ci.yml';
const tester = ruleTester(rule);
const step = (value: string) => ({ [WF]: `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ./x\n        env:\n          VALUE: ${value}\n` });

tester.run({
  valid: [
    { fixture: `${DIR}/clean` },
    { name: 'a secret used whole', files: step('${{ secrets.CREDS }}') },
    { name: 'fromJSON of a context under another root', files: step('${{ fromJSON(notsecrets.secrets) }}') },
    { name: 'the call as text in a string literal', files: step("${{ format('fromJSON(secrets.X).y {0}', github.sha) }}") },
    {
      name: 'the call in a YAML comment',
      files: { [WF]: 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ./x # ${{ fromJSON(secrets.X).y }}\n' },
    },
  ],
  invalid: [
    { fixture: `${DIR}/fires` },
    { name: 'the whole context, any case', files: step('${{ fromjson(SECRETS) }}'), expected: [{ file: WF, line: 8, severity: 'warning' }] },
    { name: 'nested in format', files: step("${{ format('{0}', fromJSON(secrets.X).y) }}"), expected: [{ file: WF, line: 8, severity: 'warning' }] },
    { name: 'an unparsable expression still scanned', files: step('${{ fromJSON(secrets.X).y +++ }}'), expected: [{ file: WF, line: 8, severity: 'warning' }] },
    {
      name: 'two expressions on one line, two findings',
      files: step('"${{ fromJSON(secrets.A).x }}:${{ fromJSON(secrets.B).y }}"'),
      expected: [
        { file: WF, line: 8, severity: 'warning' },
        { file: WF, line: 8, severity: 'warning' },
      ],
    },
  ],
});

describe('unredacted-secret messages', () => {
  it('names the decoded secret and where it is', () => {
    const [finding] = tester.findings({ files: step('${{ fromJSON(secrets.REGISTRY).password }}') });
    expect(finding.message).toMatch(
      /^\$\{\{ fromJSON\(secrets\.REGISTRY\)\.password \}\} in jobs\.a\.steps\[0\]\.env\.VALUE decodes secrets\.REGISTRY as JSON/,
    );
    expect(finding.column).toBe(18);
  });
});
