/**
 * The docs of the workflow risk rules show an example file and the finding it gives; both must stay
 * true. The first YAML block under "## Example" is run through the rule, and the first line of the
 * next block (`severity[rule] path:line:column`) must name one of the findings.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rule as artipacked } from '../src/rules/workflows/artipacked.js';
import { rule as dangerousTrigger } from '../src/rules/workflows/dangerous-trigger.js';
import { rule as dependabotCooldown } from '../src/rules/workflows/dependabot-cooldown.js';
import { rule as excessivePermissions } from '../src/rules/workflows/excessive-permissions.js';
import { rule as secretsInherit } from '../src/rules/workflows/secrets-inherit.js';
import { rule as templateInjection } from '../src/rules/workflows/template-injection.js';
import { riskContext, workflowsFromTexts } from './support/workflow-risks.js';

const RULES = [templateInjection, dangerousTrigger, excessivePermissions, artipacked, secretsInherit, dependabotCooldown];

describe('workflow risk rule docs', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s: the example gives the finding shown', (id, rule) => {
    const doc = readFileSync(fileURLToPath(new URL(`../docs/rules/${id}.md`, import.meta.url)), 'utf8');
    for (const section of ['## What it reports', '## Why', '## How to fix', '## How to ignore', '## Example']) expect(doc).toContain(section);
    expect(doc).toContain(`# lockgate: ignore[${id}]`);
    expect(doc).not.toContain('TODO');
    const example = doc.slice(doc.indexOf('## Example'));
    const [, yamlBlock] = /```yaml\n([\s\S]*?)```/.exec(example)!;
    const [, output] = /```\n([\s\S]*?)```/.exec(example.slice(example.indexOf(yamlBlock) + yamlBlock.length + 3))!;
    const [, severity, ruleId, file, line, column] = /^(error|warning|notice)\[([a-z-]+)\] (\S+):(\d+):(\d+)/.exec(output)!;
    expect(ruleId).toBe(id);
    const findings = rule.check(riskContext(workflowsFromTexts({ [file]: yamlBlock })));
    expect(findings.map((f) => `${f.severity} ${f.line}:${f.column}`)).toContain(`${severity} ${line}:${column}`);
  });
});
