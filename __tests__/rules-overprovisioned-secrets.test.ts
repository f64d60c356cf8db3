import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/overprovisioned-secrets.js';
import { ruleTester } from './support/rule-tester.js';

const DIR = 'fixtures/workflows/rules/overprovisioned-secrets';
const WF = '.github/workflows/ci.yml';
const tester = ruleTester(rule);
/** One step whose env VALUE is the given YAML value. */
const step = (value: string) => ({ [WF]: `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ./x\n        env:\n          VALUE: ${value}\n` });

tester.run({
  valid: [
    { fixture: `${DIR}/clean` },
    { name: 'one named secret', files: step('${{ secrets.TOKEN }}') },
    { name: 'a string literal index', files: step("${{ secrets['TOKEN'] }}") },
    { name: 'toJSON of one secret', files: step('${{ toJSON(secrets.TOKEN) }}') },
    { name: 'the call as text in a string literal', files: step("${{ format('toJSON(secrets) {0}', github.sha) }}") },
    { name: 'the call outside any expression', files: step('toJSON(secrets)') },
    { name: 'a context named like secrets', files: step('${{ toJSON(my.secrets) }}') },
    { name: 'an unclosed expression', files: step("'${{ toJSON(secrets)'") },
  ],
  invalid: [
    { fixture: `${DIR}/fires` },
    { name: 'mixed case', files: step('${{ tOjSoN(sECrEtS) }}'), expected: [{ file: WF, line: 8, severity: 'warning' }] },
    { name: 'a numeric index', files: step('${{ secrets[0] }}'), expected: [{ file: WF, line: 8, severity: 'warning' }] },
    { name: 'an unparsable expression still scanned', files: step('${{ toJSON(secrets) +++ }}'), expected: [{ file: WF, line: 8, severity: 'warning' }] },
    {
      name: 'in a composite action',
      files: { 'x/action.yml': 'name: x\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo "${{ toJSON(secrets) }}"\n' },
      expected: [{ file: 'x/action.yml', line: 6, severity: 'warning' }],
    },
    {
      name: 'a huge expression',
      files: step(`\${{ ${Array.from({ length: 2000 }, (_, i) => `secrets.S${i}`).join(' || ')} || toJSON(secrets) }}`),
      expected: [{ file: WF, line: 8, severity: 'warning' }],
    },
  ],
});

describe('overprovisioned-secrets messages', () => {
  it('says where the expression is and what to write instead', () => {
    const [tojson] = tester.findings({ files: step('${{ toJSON(secrets) }}') });
    expect(tojson.message).toMatch(/^toJSON\(secrets\) in jobs\.a\.steps\[0\]\.env\.VALUE gives this job every secret/);
    expect(tojson.fix).toContain('${{ secrets.NAME }}');
    const [computed] = tester.findings({ files: step("${{ secrets[format('T_{0}', matrix.env)] }}") });
    expect(computed.message).toContain("secrets[format('T_{0}', matrix.env)] (a secret chosen by a computed name)");
    expect(computed.fix).toContain('Name each secret literally');
  });

  it('keeps the fingerprint when a step is added above (steps named by id or name)', () => {
    const text = (extra: string) =>
      `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n${extra}      - name: deploy\n        env:\n          ALL: \${{ toJSON(secrets) }}\n        run: ./x\n`;
    const before = tester.findings({ files: { [WF]: text('') } });
    const after = tester.findings({ files: { [WF]: text('      - run: echo first\n') } });
    expect(after[0].fingerprint).toBe(before[0].fingerprint);
  });
});
