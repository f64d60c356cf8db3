import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { FIXABLE_RULES } from '../src/fix/plan.js';
import type { DefinedRule } from '../src/rules/define.js';
import { RULES } from '../src/rules/index.js';
import { generateDocsModule } from '../scripts/gen-docs.mjs';
import { VERSION } from '../src/version.js';

/** Rule ids as the design doc lists them (the contract users write in ignores). */
function designDocIds(): string[] {
  const text = readFileSync('docs/design.md', 'utf8');
  const section = text.slice(text.indexOf('## Rule ids'), text.indexOf('## CLI'));
  return [...section.matchAll(/`([a-z][a-z-]+)`/g)].map((m) => m[1]);
}

describe('the rule registry', () => {
  const registryIds = RULES.map((rule) => rule.id);

  it('lists each id once', () => {
    expect(new Set(registryIds).size).toBe(registryIds.length);
  });

  it('lists the same ids as the design doc and the docs folder', () => {
    const docIds = readdirSync('docs/rules')
      .filter((n) => n.endsWith('.md'))
      .map((n) => n.slice(0, -3));
    expect([...registryIds].sort()).toEqual([...designDocIds()].sort());
    expect([...registryIds].sort()).toEqual(docIds.sort());
  });

  it('shows every rule in the README with its default severity, linked to its docs', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Rules'), readme.indexOf('### Ignoring a finding'));
    const shown = [...section.matchAll(/\[`([a-z][a-z-]+)`\]\(docs\/rules\/([a-z-]+)\.md\)\s*(?:\|\s*|\()(error|warning|notice)/g)].map((m) => [
      m[1],
      m[2],
      m[3],
    ]);
    expect(shown.map(([id, file]) => [id, file])).toEqual(shown.map(([id]) => [id, id]));
    expect(shown.map(([id, , severity]) => `${id} ${severity}`).sort()).toEqual(RULES.map((rule) => `${rule.id} ${rule.defaultSeverity}`).sort());
  });

  it('marks in the README rules table exactly the rules lockgate fix can fix, as their meta says', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Rules'), readme.indexOf('### Ignoring a finding'));
    const marked = [...section.matchAll(/\[`([a-z][a-z-]+)`\]\(docs\/rules\/[a-z-]+\.md\) \| (?:error|warning|notice) \| (yes)? ?\|/g)];
    expect(marked.length).toBe(RULES.length - 1); // internal-error is under the table
    const fixableInReadme = marked
      .filter((m) => m[2] === 'yes')
      .map((m) => m[1])
      .sort();
    const fixableInMeta = RULES.filter((rule) => (rule as DefinedRule).meta?.fixable === true)
      .map((rule) => rule.id)
      .sort();
    expect(fixableInReadme).toEqual(fixableInMeta);
    expect(fixableInMeta).toEqual([...FIXABLE_RULES].sort());
    // docs/fix.md has a section for each.
    const fixDoc = readFileSync('docs/fix.md', 'utf8');
    for (const id of fixableInMeta) expect(fixDoc).toContain(`## \`${id}\``);
  });

  it('gives every rule a summary and a docs entry with why, fix and ignore sections', () => {
    for (const rule of RULES) {
      expect(rule.summary.length).toBeGreaterThan(10);
      const doc = readFileSync(`docs/rules/${rule.id}.md`, 'utf8');
      expect(doc.startsWith(`# ${rule.id}`)).toBe(true);
      for (const heading of ['## Why', '## How to fix', '## How to ignore']) expect(doc).toContain(heading);
      expect(doc).not.toMatch(/\bTODO\b/);
    }
  });

  it('carries the docs into the bundle through an up-to-date generated module', () => {
    expect(readFileSync('src/rules/docs.generated.ts', 'utf8')).toBe(generateDocsModule('.'));
  });

  it('reports the version package.json has', () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).version).toBe(VERSION);
  });
});
