/**
 * The docs of the pinning and run-step rules: every section is there, the inline ignore is shown,
 * and the example YAML gives the finding the doc shows (`severity[rule] path:line[:column]`).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GithubFacts } from '../src/facts/types.js';
import type { Rule } from '../src/rules/types.js';
import { rule as unpinnedUses } from '../src/rules/workflows/unpinned-uses.js';
import { rule as unpinnedImage } from '../src/rules/workflows/unpinned-image.js';
import { rule as refVersionMismatch } from '../src/rules/workflows/ref-version-mismatch.js';
import { rule as impostorCommit } from '../src/rules/workflows/impostor-commit.js';
import { rule as uvUnlocked } from '../src/rules/workflows/uv-unlocked.js';
import { rule as pipUnhashed } from '../src/rules/workflows/pip-unhashed.js';
import { rule as curlPipeShell } from '../src/rules/workflows/curl-pipe-shell.js';
import { ruleContext, workflowsFrom } from './support/workflows.js';

const CHECKOUT = '11bd71901bbe5b1630ceea73d27597364c9af683';
const CACHE_V402 = '0c45773b623bea8c8e75f6c82b208c3cf94ea4f9';
/** What GitHub would say for the examples of the online rules. */
const FACTS: GithubFacts = {
  refs: new Map([
    ['actions/checkout@v4', { status: 'found', sha: CHECKOUT, kind: 'tag' }],
    ['actions/cache@v4.1.0', { status: 'found', sha: '7'.repeat(40), kind: 'tag' }],
  ]),
  tagsAtCommit: new Map([
    [`actions/checkout@${CHECKOUT}`, ['v4', 'v4.2.2']],
    [`actions/cache@${CACHE_V402}`, ['v4.0.2']],
  ]),
  reachable: new Map([[`actions/checkout@${'f'.repeat(40)}`, false]]),
};

const RULES: Rule[] = [unpinnedUses, unpinnedImage, refVersionMismatch, impostorCommit, uvUnlocked, pipUnhashed, curlPipeShell];

describe('pinning and run-step rule docs', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s: complete, and the example gives the finding shown', (id, rule) => {
    const doc = readFileSync(fileURLToPath(new URL(`../docs/rules/${id}.md`, import.meta.url)), 'utf8');
    for (const section of ['## What it reports', '## Why', '## How to fix', '## How to ignore', '## Example']) expect(doc).toContain(section);
    expect(doc).toContain(`# lockgate: ignore[${id}]`);
    expect(doc).toContain(`rule: ${id}`);
    expect(doc).toContain(`Default severity: **${rule.defaultSeverity}**`);
    expect(doc).not.toContain('TODO');
    const example = doc.slice(doc.indexOf('## Example'));
    const yamlBlock = /```yaml\n([\s\S]*?)```/.exec(example)![1];
    const output = /```\n([\s\S]*?)```/.exec(example.slice(example.indexOf(yamlBlock) + yamlBlock.length + 3))![1];
    const [, severity, ruleId, file, line, column] = /^(error|warning|notice)\[([a-z-]+)\] ([^\s:]+):(\d+)(?::(\d+))?/.exec(output)!;
    expect(ruleId).toBe(id);
    const findings = rule.check(ruleContext(workflowsFrom({ [file]: yamlBlock }), { github: FACTS }));
    expect(findings.map((f) => `${f.severity} ${f.line}${column ? `:${f.column}` : ''}`)).toContain(`${severity} ${line}${column ? `:${column}` : ''}`);
    const fixLine = /^\s+fix: (.*)$/m.exec(output)?.[1];
    if (fixLine) expect(findings.map((f) => f.fix?.split('\n')[0])).toContain(fixLine);
  });
});
