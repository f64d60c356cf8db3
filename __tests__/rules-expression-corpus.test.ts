/**
 * The seven expression rules on the real-world corpus (fixtures/workflows/corpus, 11 repositories):
 * every finding there was checked by hand, and none is expected. The corpus does exercise them: it
 * has the expressions, conditions, pull_request_target workflows and env blocks they read.
 */
import { describe, expect, it } from '@jest/globals';
import { rule as botCondition } from '../src/rules/workflows/bot-condition.js';
import { rule as insecureCommands } from '../src/rules/workflows/insecure-commands.js';
import { rule as obfuscation } from '../src/rules/workflows/obfuscation.js';
import { rule as overprovisionedSecrets } from '../src/rules/workflows/overprovisioned-secrets.js';
import { rule as unredactedSecret } from '../src/rules/workflows/unredacted-secret.js';
import { rule as unsoundCondition } from '../src/rules/workflows/unsound-condition.js';
import { rule as unsoundContains } from '../src/rules/workflows/unsound-contains.js';
import { conditionSites, expressionSites } from '../src/workflows/expression-sites.js';
import { triggersOf } from '../src/workflows/triggers.js';
import { corpusRepos, riskContext } from './support/workflow-risks.js';

const RULES = [botCondition, overprovisionedSecrets, unredactedSecret, obfuscation, unsoundContains, unsoundCondition, insecureCommands];

describe('expression rules on the corpus', () => {
  const repos = corpusRepos();
  const workflows = repos.flatMap((repo) => repo.workflows);

  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s finds nothing in the 11 repositories', (_id, rule) => {
    const found = repos.flatMap((repo) => rule.check(riskContext(repo.workflows)).map((f) => `${repo.repo}/${f.file}:${f.line} ${f.message}`));
    expect(found).toEqual([]);
  });

  it('reads what the rules look at: expressions, conditions, pull_request_target workflows', () => {
    const sites = workflows.flatMap(expressionSites);
    const conditions = workflows.flatMap(conditionSites);
    expect(sites.length).toBe(SITES);
    expect(sites.filter((s) => s.parsed === null).map((s) => s.body)).toEqual([]);
    expect(conditions.length).toBe(CONDITIONS);
    expect(conditions.filter((c) => c.style === 'BLOCK_LITERAL' || c.style === 'BLOCK_FOLDED').length).toBe(BLOCK_CONDITIONS);
    expect(workflows.filter((wf) => triggersOf(wf).some((t) => t.name === 'pull_request_target')).length).toBe(PR_TARGET);
  });
});

const SITES = 1662;
const CONDITIONS = 293;
const BLOCK_CONDITIONS = 23;
const PR_TARGET = 7;
