/**
 * Hostile input for the workflow risk rules: random YAML shaped like workflows, actions and
 * dependabot files (wrong types everywhere, odd strings), at head and at base. No rule may throw,
 * and every finding must stay well-formed.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { SEVERITIES } from '../src/findings.js';
import { rule as artipacked } from '../src/rules/workflows/artipacked.js';
import { rule as dangerousTrigger } from '../src/rules/workflows/dangerous-trigger.js';
import { rule as dependabotCooldown } from '../src/rules/workflows/dependabot-cooldown.js';
import { rule as excessivePermissions } from '../src/rules/workflows/excessive-permissions.js';
import { rule as secretsInherit } from '../src/rules/workflows/secrets-inherit.js';
import { rule as templateInjection } from '../src/rules/workflows/template-injection.js';
import type { WorkflowFile } from '../src/workflows/model.js';
import { parseWorkflowFile } from '../src/workflows/parse.js';
import { riskContext } from './support/workflow-risks.js';

const RULES = [templateInjection, dangerousTrigger, excessivePermissions, artipacked, secretsInherit, dependabotCooldown];

const KEYS = [
  'on',
  'jobs',
  'steps',
  'run',
  'uses',
  'with',
  'script',
  'env',
  'permissions',
  'secrets',
  'strategy',
  'matrix',
  'include',
  'inputs',
  'type',
  'workflow_call',
  'workflow_dispatch',
  'pull_request_target',
  'workflow_run',
  'persist-credentials',
  'ref',
  'repository',
  'path',
  'updates',
  'package-ecosystem',
  'cooldown',
  'default-days',
  'semver-patch-days',
  'runs',
  'shell',
  'defaults',
  'contents',
  'id',
  'name',
  'runs-on',
  'x',
];

const SCALARS = [
  '${{ github.event.issue.title }}',
  '${{ env.A }}',
  '${{ matrix.x }}',
  '${{ inputs.x }}',
  '${{',
  '}}',
  "${{ format('}}') }}",
  'inherit',
  'write-all',
  'read-all',
  'write',
  'pull_request_target',
  'workflow_run',
  'actions/checkout@v4',
  'actions/github-script@v7',
  'actions/upload-artifact@v4',
  './.github/workflows/x.yml',
  '$/.github/workflows/x.yml',
  'gh pr checkout 1',
  'git fetch origin refs/pull/1/head',
  'false',
  'pip',
  'uv',
  '::error::x',
  '<b>html</b>',
  'a\nb',
  '',
];

const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('scalar'), tie('list'), tie('map')),
  scalar: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(...SCALARS)),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5 }),
}));

/** A step-shaped map (keys optional, values sometimes of the wrong type), so the rules get past their guards. */
const step = fc.record(
  {
    id: fc.oneof(fc.constantFrom('s', 'meta'), value.node),
    uses: fc.oneof(fc.constantFrom(...SCALARS), value.node),
    run: fc.oneof(fc.constantFrom(...SCALARS), value.node),
    with: fc.oneof(
      fc.dictionary(fc.constantFrom('script', 'ref', 'persist-credentials', 'path', 'repository'), fc.oneof(fc.constantFrom(...SCALARS), value.node), {
        maxKeys: 3,
      }),
      value.node,
    ),
    env: value.node,
    shell: fc.oneof(fc.constantFrom('bash', 'pwsh', 'cmd', 'python'), value.node),
  },
  { requiredKeys: [] },
);

const job = fc.oneof(
  fc.record(
    {
      'runs-on': fc.constantFrom('ubuntu-latest', 'windows-latest'),
      permissions: value.node,
      strategy: value.node,
      env: value.node,
      uses: fc.oneof(fc.constantFrom(...SCALARS), value.node),
      secrets: fc.oneof(fc.constant('inherit'), value.node),
      steps: fc.oneof(fc.array(step, { maxLength: 4 }), value.node),
    },
    { requiredKeys: [] },
  ),
  value.node,
);

const files = fc.record({
  workflow: fc.record({
    on: fc.oneof(fc.constantFrom('pull_request_target', 'workflow_run', 'push'), value.node),
    permissions: value.node,
    env: value.node,
    jobs: fc.dictionary(fc.constantFrom('a', 'b', 'c'), job, { maxKeys: 3 }),
  }),
  action: fc.record({ runs: fc.record({ using: fc.constant('composite'), steps: fc.oneof(fc.array(step, { maxLength: 3 }), value.node) }) }),
  dependabot: fc.record({ version: fc.constant(2), updates: value.node }),
});

function parse(input: { workflow: unknown; action: unknown; dependabot: unknown }): WorkflowFile[] {
  return [
    parseWorkflowFile('.github/workflows/x.yml', 'workflow', stringify(input.workflow)),
    parseWorkflowFile('.github/workflows/y.yml', 'workflow', stringify(input.workflow).replace(/^on:/m, '"on":')),
    parseWorkflowFile('action.yml', 'action', stringify(input.action)),
    parseWorkflowFile('.github/dependabot.yml', 'dependabot', stringify(input.dependabot)),
  ];
}

describe('workflow risk rules on hostile input', () => {
  it('never throw and always return well-formed findings', () => {
    const produced = new Set<string>();
    fc.assert(
      fc.property(files, files, (head, base) => {
        const context = riskContext(parse(head), parse(base));
        for (const rule of RULES) {
          for (const finding of rule.check(context)) {
            produced.add(finding.rule);
            expect(finding.rule).toBe(rule.id);
            expect(SEVERITIES).toContain(finding.severity);
            expect(finding.line).toBeGreaterThanOrEqual(1);
            expect(typeof finding.message).toBe('string');
            expect(finding.fingerprint).toMatch(/^[0-9a-f]{32}$/);
            expect(typeof finding.introduced).toBe('boolean');
          }
        }
      }),
      { numRuns: 300, seed: 20261126 },
    );
    // The generator reaches past every rule's guards: each rule produced findings on some input.
    expect([...produced].sort()).toEqual(RULES.map((rule) => rule.id).sort());
  });

  it('survive files whose document is not a mapping, or empty', () => {
    const odd = ['', '- a\n- b\n', 'just a string\n', '7\n', 'jobs: [1, 2]\non: {}\n', 'runs: {steps: 5}\n', 'updates: {a: b}\n'];
    const workflows = odd.flatMap((text, i) => [
      parseWorkflowFile(`.github/workflows/${i}.yml`, 'workflow', text),
      parseWorkflowFile(`${i}/action.yml`, 'action', text),
      parseWorkflowFile('.github/dependabot.yml', 'dependabot', text),
    ]);
    for (const rule of RULES) expect(() => rule.check(riskContext(workflows, workflows))).not.toThrow();
  });
});
