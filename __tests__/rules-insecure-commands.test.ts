import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/insecure-commands.js';
import { ruleTester } from './support/rule-tester.js';

const DIR = 'fixtures/workflows/rules/insecure-commands';
const WF = '.github/workflows/ci.yml';
const tester = ruleTester(rule);
const jobEnv = (value: string) => ({
  [WF]: `on: push\njobs:\n  a:\n    runs-on: x\n    env:\n      ACTIONS_ALLOW_UNSECURE_COMMANDS: ${value}\n    steps:\n      - run: echo\n`,
});
const script = (...lines: string[]) => ({
  [WF]: `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n          ${lines.join('\n          ')}\n`,
});

tester.run({
  valid: [
    { fixture: `${DIR}/clean` },
    { name: 'false', files: jobEnv('false') },
    { name: 'a number', files: jobEnv('1') },
    { name: 'empty', files: jobEnv("''") },
    { name: 'null', files: jobEnv('') },
    {
      name: 'the name in another case (case-sensitive on Linux, as zizmor reads it)',
      files: { [WF]: 'on: push\nenv:\n  actions_allow_unsecure_commands: true\njobs: {}\n' },
    },
    { name: 'echoed, not written to GITHUB_ENV', files: script('echo "ACTIONS_ALLOW_UNSECURE_COMMANDS=true" >> out.txt') },
    { name: 'a shell comment', files: script('# echo "ACTIONS_ALLOW_UNSECURE_COMMANDS=true" >> "$GITHUB_ENV"', 'echo ok') },
  ],
  invalid: [
    { fixture: `${DIR}/fires` },
    { name: 'a quoted true with spaces', files: jobEnv("'  True  '"), expected: [{ file: WF, line: 6, severity: 'error' }] },
    { name: 'from an expression (auditor)', files: jobEnv('${{ vars.LEGACY }}'), expected: [{ file: WF, line: 6, severity: 'warning' }] },
    {
      name: 'written to GITHUB_ENV unquoted, in a folded run',
      files: {
        [WF]: 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: >\n          echo ACTIONS_ALLOW_UNSECURE_COMMANDS=TRUE >> $GITHUB_ENV\n',
      },
      expected: [{ file: WF, line: 7, severity: 'warning' }],
    },
  ],
});

describe('insecure-commands grading', () => {
  it('keeps the non-static cases for the auditor persona, at low confidence', () => {
    const findings = tester.findings({ fixture: `${DIR}/fires` });
    const rows = findings.map((f) => `${f.file}:${f.line} ${f.severity} ${f.confidence} ${f.persona ?? 'regular'}`).sort();
    expect(rows).toEqual([
      '.github/workflows/legacy.yml:14 error high regular',
      '.github/workflows/legacy.yml:18 error high regular',
      '.github/workflows/legacy.yml:20 warning low auditor',
      '.github/workflows/legacy.yml:22 warning low auditor',
      '.github/workflows/legacy.yml:26 warning medium regular',
      '.github/workflows/legacy.yml:9 error high regular',
      'legacy/action.yml:8 error high regular',
    ]);
  });

  it('says where it is set and what replaces it', () => {
    const [finding] = tester.findings({ files: jobEnv('true') });
    expect(finding.message).toMatch(/^ACTIONS_ALLOW_UNSECURE_COMMANDS: true in the env: of job a turns back on the ::set-env:: and ::add-path:: commands/);
    expect(finding.fix).toContain('$GITHUB_ENV and $GITHUB_PATH');
  });
});
