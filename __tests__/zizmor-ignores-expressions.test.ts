/** zizmor's ignore comments for the seven expression audits waive the equivalent lockgate finding, on the lines zizmor's finding spans. */
import { describe, expect, it } from '@jest/globals';
import { runPipeline, sourceFiles } from './support/pipeline.js';

const WF = '.github/workflows/ci.yml';
const TEXT = [
  'on: pull_request_target',
  'permissions: {}',
  'env:',
  '  ACTIONS_ALLOW_UNSECURE_COMMANDS: true # zizmor: ignore[insecure-commands] legacy action',
  'jobs:',
  '  merge:',
  '    runs-on: ubuntu-latest',
  "    if: github.actor == 'dependabot[bot]' # zizmor: ignore[bot-conditions]",
  '    steps:',
  '      - if: |',
  "          ${{ github.ref == 'refs/heads/main' }}",
  '        run: echo # zizmor: ignore[unsound-condition] on a line of the step, as zizmor reads it',
  "      - if: contains('a b', github.ref) # zizmor: ignore[unsound-contains]",
  '        run: echo',
  '      - run: echo "$A $B $C"',
  '        env:',
  '          A: ${{ toJSON(secrets) }} # zizmor: ignore[overprovisioned-secrets]',
  '          B: ${{ fromJSON(secrets.X).y }} # zizmor: ignore[unredacted-secrets]',
  "          C: ${{ format('{0}', 'x') }} # zizmor: ignore[obfuscation]",
  "          D: ${{ format('{0}', 'y') }} # zizmor: ignore[unredacted-secrets] names another audit",
  '',
].join('\n');

describe("zizmor's ignore comments for the expression audits", () => {
  it('waive exactly the findings of the audit they name', () => {
    const { report } = runPipeline(sourceFiles({ [WF]: TEXT }), null).result;
    const ids = ['bot-condition', 'overprovisioned-secrets', 'unredacted-secret', 'obfuscation', 'unsound-contains', 'unsound-condition', 'insecure-commands'];
    const rows = (list: { rule: string; line?: number }[]) =>
      list
        .filter((f) => ids.includes(f.rule))
        .map((f) => `${f.line} ${f.rule}`)
        .sort();
    expect(rows(report.waived)).toEqual([
      '10 unsound-condition',
      '13 unsound-contains',
      '17 overprovisioned-secrets',
      '18 unredacted-secret',
      '19 obfuscation',
      '4 insecure-commands',
      '8 bot-condition',
    ]);
    expect(rows(report.findings)).toEqual(['20 obfuscation']);
  });
});
