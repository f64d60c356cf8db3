import { describe, expect, it } from '@jest/globals';
import { rule } from '../src/rules/workflows/bot-condition.js';
import { ruleTester } from './support/rule-tester.js';

const DIR = 'fixtures/workflows/rules/bot-condition';
const WF = '.github/workflows/automerge.yml';
const tester = ruleTester(rule);
/** A pull_request_target workflow whose one job has the given `if:` line (written as YAML). */
const job = (condition: string, trigger = 'pull_request_target') => ({
  [WF]: `on: ${trigger}\njobs:\n  merge:\n    runs-on: ubuntu-latest\n    if: ${condition}\n    steps:\n      - run: gh pr merge --auto "$PR"\n`,
});

tester.run({
  valid: [
    { fixture: `${DIR}/clean` },
    { name: 'the same check on pull_request (no secrets for forks)', files: job("github.actor == 'dependabot[bot]'", 'pull_request') },
    { name: 'the same check in a comment', files: job("github.event_name == 'x' # || github.actor == 'dependabot[bot]'") },
    { name: 'a check that denies the bot', files: job("github.actor != 'dependabot[bot]' && github.event_name == 'x'") },
    { name: 'double negation of a denial', files: job('"!(!(github.actor != \'renovate[bot]\'))"') },
    { name: 'a bot name not at the end', files: job("github.actor == '[bot]dependabot'") },
    { name: 'an unparsable condition', files: job("github.actor == 'dependabot[bot]' +++") },
    { name: 'the bot name compared with the PR author', files: job("'dependabot[bot]' == github.event.pull_request.user.login") },
    { name: 'a huge condition', files: job(`${Array.from({ length: 3000 }, (_, i) => `github.ref == 'refs/heads/b${i}'`).join(' || ')}`) },
  ],
  invalid: [
    { fixture: `${DIR}/fires` },
    { name: 'fenced, either side', files: job("${{ 'dependabot[bot]' == github.actor }}"), expected: [{ file: WF, line: 5, severity: 'error' }] },
    { name: 'under ||', files: job("github.event_name == 'x' || github.actor == 'dependabot[bot]'"), expected: [{ file: WF, line: 5, severity: 'error' }] },
    {
      name: 'inside a function call: never deciding (zizmor)',
      files: job("contains(format('{0}', github.actor == 'dependabot[bot]'), 'true')"),
      expected: [{ file: WF, line: 5, severity: 'warning' }],
    },
    { name: 'under &&', files: job("github.event_name == 'x' && github.actor == 'dependabot[bot]'"), expected: [{ file: WF, line: 5, severity: 'warning' }] },
    {
      name: 'pull_request_target in a list of triggers, actor id as a string',
      files: job("github.actor_id == '49699333'", '[push, pull_request_target]'),
      expected: [{ file: WF, line: 5, severity: 'error' }],
    },
    {
      name: 'an odd job id with a newline-free but hostile name',
      files: { [WF]: `on: pull_request_target\njobs:\n  "a::b<script>":\n    runs-on: x\n    if: github.actor == 'x[bot]'\n    steps: [{run: echo}]\n` },
      expected: [{ file: WF, line: 5, severity: 'error' }],
    },
  ],
});

describe('bot-condition grading', () => {
  it('gives high confidence to a deciding check and medium to one term of an &&', () => {
    const rows = tester.findings({ fixture: `${DIR}/fires` }).map((f) => [f.line, f.severity, f.confidence]);
    expect(rows).toEqual([
      [9, 'error', 'high'],
      [12, 'warning', 'medium'],
      [14, 'error', 'high'],
      [16, 'error', 'high'],
      [18, 'error', 'high'],
      [20, 'error', 'high'],
      [22, 'warning', 'medium'],
      [26, 'error', 'high'],
    ]);
  });

  it('names the check, the context and the fix', () => {
    const [finding] = tester.findings({ files: job("GitHub.Triggering_Actor == 'Renovate[BOT]'") });
    expect(finding.message).toContain(
      "trusts GitHub.Triggering_Actor == 'Renovate[BOT]' in a pull_request_target workflow; GitHub.Triggering_Actor names whoever caused",
    );
    expect(finding.fix).toContain("github.event.pull_request.user.login == 'Renovate[BOT]'");
  });
});
