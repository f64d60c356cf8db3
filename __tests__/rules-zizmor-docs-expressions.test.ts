/**
 * The expression rules against zizmor's documented examples (issue 16): the "Before"/"After" cases of
 * docs/audits.md and the gha-hazmat workflows it links, under fixtures/workflows/zizmor-docs/<rule>/
 * with `# expect[...]` markers. Each folder gives exactly its marked findings (so the "After" and
 * "OK" cases stay quiet), which is all of zizmor's regular-persona findings on them.
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { rule as botCondition } from '../src/rules/workflows/bot-condition.js';
import { rule as insecureCommands } from '../src/rules/workflows/insecure-commands.js';
import { rule as obfuscation } from '../src/rules/workflows/obfuscation.js';
import { rule as overprovisionedSecrets } from '../src/rules/workflows/overprovisioned-secrets.js';
import { rule as unredactedSecret } from '../src/rules/workflows/unredacted-secret.js';
import { rule as unsoundCondition } from '../src/rules/workflows/unsound-condition.js';
import { rule as unsoundContains } from '../src/rules/workflows/unsound-contains.js';
import { ruleTester } from './support/rule-tester.js';
import { FIXTURES, findingRows } from './support/workflows.js';

const RULES = [botCondition, overprovisionedSecrets, unredactedSecret, obfuscation, unsoundContains, unsoundCondition, insecureCommands];
const dirOf = (id: string): string => join(FIXTURES, 'zizmor-docs', id);

for (const rule of RULES) {
  ruleTester(rule).run({ invalid: [{ name: `zizmor-docs/${rule.id}: exactly the marked findings`, fixture: dirOf(rule.id) }] });
}

describe('zizmor-docs cases of the expression rules', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s has the documented cases marked', (_id, rule) => {
    expect(findingRows(rule, dirOf(rule.id)).expected.length).toBeGreaterThanOrEqual(3);
  });
});
