/**
 * `scope: 'file'` (src/rules/define.ts) lets a workflow rule's findings on a base file that head
 * shares be taken from head instead of checking the file again. That is only right for a rule whose
 * findings on a file depend on that file alone. Here every such rule is run on each corpus
 * repository and on each of its files alone: the findings must be the same. A rule that looks up a
 * second file (a reusable callee, a local action) differs on some repository and must not say `file`.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Finding } from '../src/findings.js';
import { RULES } from '../src/rules/index.js';
import type { DefinedRule } from '../src/rules/define.js';
import { corpusRepos, riskContext, RISKS, workflowsFromTexts } from './support/workflow-risks.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const defined = RULES.filter((rule): rule is DefinedRule => 'meta' in rule);
const byFile = defined.filter((rule) => rule.meta.scope === 'file');
const rows = (findings: Finding[]): string[] =>
  findings.map((f) => JSON.stringify([f.file, f.line, f.column, f.fingerprint, f.message, f.fix, f.severity, f.related])).sort();

/** The risk fixtures as one repository: workflows calling each other, local actions, dependabot. */
function riskTexts(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(RISKS, path).split('\\').join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(RISKS);
  return out;
}

describe("scope: 'file'", () => {
  const repos = [...corpusRepos().map((repo) => ({ name: repo.repo, workflows: repo.workflows }))];
  it('is said by every pure workflow rule but the two that read a second file', () => {
    const crossFile = defined.filter((rule) => rule.meta.on === 'workflows' && rule.meta.scope !== 'file').map((rule) => rule.id);
    expect(crossFile.sort()).toEqual(['excessive-permissions', 'secrets-inherit']);
  });

  it.each(byFile.map((rule) => [rule.id, rule] as const))('%s finds on each file alone what it finds on the repository', (_id, rule) => {
    const risks = workflowsFromTexts(riskTexts()).filter((wf) => wf.kind !== 'dependabot' || wf.file.endsWith('dependabot.yml'));
    for (const { name, workflows } of [...repos, { name: 'risk fixtures', workflows: risks }]) {
      const together = rows(rule.check(riskContext(workflows)));
      const alone = rows(workflows.flatMap((wf) => rule.check(riskContext([wf]))));
      expect({ name, findings: alone }).toEqual({ name, findings: together });
    }
  });

  it('would catch a rule that reads a second file: secrets-inherit names a local callee', () => {
    const files = {
      '.github/workflows/caller.yml': 'on: push\njobs:\n  call:\n    uses: ./.github/workflows/callee.yml\n    secrets: inherit\n',
      '.github/workflows/callee.yml':
        'on:\n  workflow_call:\n    secrets:\n      token:\n        required: true\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n',
    };
    const workflows = workflowsFromTexts(files);
    const rule = RULES.find((r) => r.id === 'secrets-inherit')!;
    const together = rows(rule.check(riskContext(workflows)));
    expect(together.length).toBeGreaterThan(0);
    expect(rows(workflows.flatMap((wf) => rule.check(riskContext([wf]))))).not.toEqual(together);
  });
});

describe('base files shared with head take head findings', () => {
  afterEach(() => {
    delete process.env.LOCKGATE_SLOW;
  });
  const shared = '.github/workflows/shared.yml';
  const changed = '.github/workflows/changed.yml';
  const unpinned = (ref: string) => `on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@${ref}\n`;

  it('marks introduced the same with file-reuse on and off', () => {
    const head = workflowsFromTexts({ [shared]: unpinned('v4'), [changed]: unpinned('main') });
    const headShared = head.find((wf) => wf.file === shared);
    const headChanged = head.find((wf) => wf.file === changed);
    const [baseChanged] = workflowsFromTexts({ [changed]: unpinned('0123456789abcdef0123456789abcdef01234567') });
    // base has the very same parsed object for the shared file (as the parse cache gives), and its own for the changed one
    const context = riskContext([headShared!, headChanged!], [headShared!, baseChanged!]);
    const rule = RULES.find((r) => r.id === 'unpinned-uses')!;
    const on = rule.check(context);
    process.env.LOCKGATE_SLOW = 'file-reuse';
    const off = rule.check(context);
    expect(on).toEqual(off);
    expect(on.map((f) => [f.file, f.introduced]).sort()).toEqual([
      [changed, true],
      [shared, false],
    ]);
  });
});
