import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/obfuscation.js';
import { ruleTester } from './support/rule-tester.js';

const DIR = 'fixtures/workflows/rules/obfuscation';
const WF = '.github/workflows/ci.yml';
const tester = ruleTester(rule);
/** One step with the given YAML lines (indented under `- `). */
const step = (...lines: string[]) => ({ [WF]: `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - ${lines.join('\n        ')}\n` });

tester.run({
  valid: [
    { fixture: `${DIR}/clean` },
    { name: 'a plain subpath', files: step('uses: github/codeql-action/init@v3') },
    { name: 'a local action with ..', files: step('uses: ./a/../b') },
    { name: 'a brace escape', files: step("run: echo '${{ '${{' }}'") },
    { name: 'an expression with a context', files: step("run: echo ${{ format('{0}', github.sha) }}") },
    { name: 'fromJSON of a literal (not folded, as in zizmor)', files: step(`run: echo '\${{ fromJSON('["a"]')[0] }}'`) },
    { name: 'a literal bare if:', files: step('if: false', 'run: echo') },
    { name: 'a fixed expression as text in a string literal', files: step("run: echo \"${{ format('{0}', github.sha) == 'format(''x'')' }}\"") },
    { name: 'a fixed expression in a YAML comment', files: step("run: echo # ${{ format('{0}', 'x') }}") },
    { name: 'an unparsable expression', files: step("run: echo ${{ format('{0}', 'x') +++ }}") },
    // Past the parser's 20 000 characters an expression is not read (no crash, no guess).
    { name: 'a fixed expression too long to parse', files: step(`run: echo \${{ ${Array.from({ length: 4000 }, (_, i) => `'${i}'`).join(' || ')} }}`) },
  ],
  invalid: [
    { fixture: `${DIR}/fires` },
    { name: 'a trailing slash before @', files: step('uses: actions/checkout/@v4'), expected: [{ file: WF, line: 6, severity: 'notice' }] },
    {
      name: 'a reusable workflow path with .',
      files: { [WF]: 'on: push\njobs:\n  a:\n    uses: o/r/./.github/workflows/x.yml@v1\n' },
      expected: [{ file: WF, line: 4, severity: 'notice' }],
    },
    { name: 'startsWith of literals', files: step("run: echo ${{ startsWith('abc', 'a') }}"), expected: [{ file: WF, line: 6, severity: 'notice' }] },
    { name: 'a JSON round trip', files: step('run: echo ${{ fromJSON(toJSON(github.event)).action }}'), expected: [{ file: WF, line: 6, severity: 'notice' }] },
    { name: 'a negated literal', files: step('if: ${{ !true }}', 'run: echo'), expected: [{ file: WF, line: 6, severity: 'notice' }] },
    {
      name: 'a large fixed expression',
      files: step(`run: echo \${{ ${Array.from({ length: 1500 }, (_, i) => `'${i}'`).join(' || ')} }}`),
      expected: [{ file: WF, line: 6, severity: 'notice' }],
    },
  ],
});

describe('obfuscation details', () => {
  const findings = tester.findings({ fixture: `${DIR}/fires` });

  it('gives the normalised uses path and the evaluated value as the fix', () => {
    const at = (line: number, file = '.github/workflows/ci.yml') => findings.filter((f) => f.file === file && f.line === line);
    expect(at(13)[0].fix).toBe('Write the plain path: uses: actions/cache/restore@v4');
    expect(at(15)[0].message).toContain('always evaluates to "hello world"');
    expect(at(15)[0].fix).toBe("Replace ${{ format('{0} {1}', 'hello', 'world') }} with hello world.");
    expect(at(17)[0].message).toContain("contains 'a' == 'a' (always true)");
  });

  it('puts computed indices under the pedantic persona only', () => {
    expect(findings.filter((f) => f.persona === 'pedantic').map((f) => f.line)).toEqual([18, 19]);
    expect(findings.every((f) => f.confidence === 'high')).toBe(true);
  });

  it('gives no fix path when .. climbs out of the repository', () => {
    const [finding] = tester.findings({ files: step('uses: o/r/../x@v1') });
    expect(finding.fix).toBe('Write the path of the action plainly, without empty, . or .. components.');
  });
});
