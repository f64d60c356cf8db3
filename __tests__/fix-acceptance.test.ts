/**
 * Issue 17's acceptance, in memory: on examples/demo and on every repository of the workflow
 * corpus, `lockgate fix` then a scan leaves no finding that the planner could still fix, the files
 * still parse, and the edits touch only the fixed tokens.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIXABLE_RULES, planFixes } from '../src/fix/plan.js';
import { parseToml } from '../src/uv/toml.js';
import { parseWorkflow, workflowKindOf } from '../src/workflows/parse.js';
import { changedSpan, fakeResolver, fix, NOW, scan } from './support/fix.js';

function readTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name);
    files[relative(root, path).split('\\').join('/')] = readFileSync(path, 'utf8');
  }
  return files;
}

const CORPUS = 'fixtures/workflows/corpus';
const repositories = readdirSync(CORPUS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

/** Findings of fixable rules left after fixing, minus those the planner says need a person. */
async function leftFixable(after: Record<string, string>): Promise<string[]> {
  const findings = scan(after);
  const plan = await planFixes({ findings, files: new Map(Object.entries(after)), cooldownDays: 7, now: NOW }, fakeResolver());
  expect(plan.edits).toEqual([]);
  const unfixed = new Set(plan.unfixed.map((u) => `${u.rule} ${u.file}:${u.line ?? ''}`));
  return findings.filter((f) => FIXABLE_RULES.has(f.rule) && !unfixed.has(`${f.rule} ${f.file}:${f.line ?? ''}`)).map((f) => `${f.rule} ${f.file}:${f.line}`);
}

function expectStillParses(files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    const kind = workflowKindOf(file);
    if (kind) expect([file, parseWorkflow(file, kind, text).ok]).toEqual([file, true]);
    if (/(^|\/)(pyproject|uv)\.toml$/.test(file)) expect([file, parseToml(file, text).ok]).toEqual([file, true]);
  }
}

describe('fix then scan leaves no fixable finding', () => {
  it('on examples/demo (head): pins checkout, adds --locked, and says nothing else needs a person', async () => {
    const files = readTree('examples/demo/head');
    const run = await fix(files);
    expect([...run.plan.results.keys()].sort()).toEqual(['.github/workflows/ci.yml', 'pyproject.toml']);
    expect(run.after['pyproject.toml']).toBe(files['pyproject.toml'].replace('[tool.uv]\n', '[tool.uv]\nadd-bounds = "exact"\n'));
    const diff = changedSpan(files['.github/workflows/ci.yml'], run.after['.github/workflows/ci.yml']);
    expect(diff).not.toBeNull();
    expect(run.after['.github/workflows/ci.yml']).toMatch(/- uses: actions\/checkout@[0-9a-f]{40} # v4\n/);
    expect(run.after['.github/workflows/ci.yml']).toContain('- run: uv sync --locked\n');
    expect(run.plan.unfixed).toEqual([]);
    expect(await leftFixable(run.after)).toEqual([]);
    expectStillParses(run.after);
  });

  it.each(repositories)('on the corpus repository %s', async (name) => {
    const files = readTree(join(CORPUS, name));
    const run = await fix(files);
    expect(await leftFixable(run.after)).toEqual([]);
    expectStillParses(run.after);
    for (const [file, after] of run.plan.results) {
      const edits = run.plan.edits.filter((e) => e.file === file);
      const before = files[file];
      for (const edit of edits) expect(before.slice(edit.start, edit.end)).not.toMatch(/\n/);
      const [start, end] = changedSpan(before, after)!;
      expect(start).toBeGreaterThanOrEqual(Math.min(...edits.map((e) => e.start)));
      expect(end).toBeLessThanOrEqual(Math.max(...edits.map((e) => e.end)));
      // Every line the fix did not touch is still there, byte for byte and in order.
      const touched = new Set<number>();
      for (const edit of edits) {
        const first = before.slice(0, edit.start).split('\n').length;
        const last = before.slice(0, edit.end).split('\n').length;
        for (let line = first; line <= last; line++) touched.add(line);
      }
      const kept = before.split('\n').filter((_, i) => !touched.has(i + 1));
      const afterLines = after.split('\n');
      let at = 0;
      for (const line of kept) {
        while (at < afterLines.length && afterLines[at] !== line) at++;
        expect(at).toBeLessThan(afterLines.length);
        at++;
      }
    }
  });

  it('fixes something in the corpus for every workflow rule it can fix', async () => {
    const fixed = new Map<string, number>();
    const left = new Map<string, number>();
    for (const name of repositories) {
      const run = await fix(readTree(join(CORPUS, name)));
      for (const [rule, n] of run.plan.fixed) fixed.set(rule, (fixed.get(rule) ?? 0) + n);
      for (const u of run.plan.unfixed) left.set(`${u.rule}: ${u.reason}`, (left.get(`${u.rule}: ${u.reason}`) ?? 0) + 1);
    }
    if (process.env.FIX_STATS)
      console.log(
        [...fixed]
          .map(([r, n]) => `fixed ${r} ${n}`)
          .concat([...left].map(([r, n]) => `left ${n} ${r}`))
          .join('\n'),
      );
    for (const rule of ['unpinned-uses', 'uv-unlocked', 'artipacked', 'excessive-permissions', 'dependabot-cooldown'])
      expect([rule, (fixed.get(rule) ?? 0) > 0]).toEqual([rule, true]);
  });
});
