/** Test helpers for the workflow scanner: build SourceFiles from fixture trees or inline texts. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceFiles } from '../../src/source/types.js';
import { DEFAULT_LIMITS, type Limits, type Settings } from '../../src/settings/types.js';
import type { Finding } from '../../src/findings.js';
import type { RuleContext, Rule } from '../../src/rules/types.js';
import type { WorkflowFile } from '../../src/workflows/model.js';
import type { GithubFacts } from '../../src/facts/types.js';
import { loadWorkflows } from '../../src/workflows/load.js';
import { rule as invalidFile } from '../../src/rules/uv/invalid-file.js';
import { baseTestSettings } from './settings.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/workflows/', import.meta.url));

/** SourceFiles of every file under `root` (recursively), paths relative to `root`. */
export function sourceFromDir(root: string): SourceFiles {
  const texts = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else texts.set(relative(root, full).split(sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return sourceFromTexts(Object.fromEntries(texts));
}

/** SourceFiles holding exactly these texts. */
export function sourceFromTexts(files: Record<string, string>, unreadable: Record<string, string> = {}): SourceFiles {
  const texts = new Map(Object.entries(files));
  const paths = [...new Set([...texts.keys(), ...Object.keys(unreadable)])].sort();
  return { label: 'WORKTREE', paths, texts, unreadable: new Map(Object.entries(unreadable)), time: new Date('2026-01-01T00:00:00Z') };
}

/** The corpus repositories copied from the shared workflow corpus. */
export function corpusRepos(): string[] {
  const dir = join(FIXTURES, 'corpus');
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

/** Settings for rule tests: offline defaults, with the config's allow-ref-pin patterns. */
export function testSettings(overrides: Partial<Settings> = {}, allowRefPin: string[] = []): Settings {
  const { config, ...rest } = overrides;
  return baseTestSettings({
    now: new Date('2026-09-01T00:00:00Z'),
    offline: true,
    networkBudgetMs: 20_000,
    config: { typosquat: { allow: [], top: 5000 }, requirements: { pin: 'none' }, ...config, workflows: { allowRefPin } },
    ...rest,
  });
}

/** Workflows parsed from inline texts, failing the test on any file the loader refuses. */
export function workflowsFrom(files: Record<string, string>): WorkflowFile[] {
  const { workflows, problems } = loadWorkflows(sourceFromTexts(files), DEFAULT_LIMITS);
  if (problems.length > 0) throw new Error(`fixture does not load: ${JSON.stringify(problems)}`);
  return workflows;
}

/**
 * loadWorkflows, with the invalid-file findings its problems give (what a run reports for the files
 * it refuses), for tests that check those findings.
 */
export function loadWorkflowsReported(files: SourceFiles, limits: Limits): { workflows: WorkflowFile[]; invalid: Finding[] } {
  const { workflows, problems } = loadWorkflows(files, limits);
  const context: RuleContext = { ...ruleContext([]), workflowProblems: problems };
  return { workflows, invalid: invalidFile.check(context) };
}

export interface ContextOptions {
  base?: WorkflowFile[] | null;
  github?: GithubFacts | null;
  settings?: Settings;
}

export function ruleContext(workflows: WorkflowFile[], options: ContextOptions = {}): RuleContext {
  const settings = options.settings ?? testSettings();
  return {
    settings,
    now: settings.now,
    headTime: settings.now,
    projects: [],
    workflows,
    baseWorkflows: options.base ?? null,
    invalidFiles: [],
    headFiles: workflows.map((w) => w.file),
    index: null,
    github: options.github ?? null,
  };
}

/** Runs a rule and returns [rule, file, line, severity] rows, sorted, for table assertions. */
export function rows(rule: Rule, ctx: RuleContext): [string, string, number | undefined, string][] {
  return rule
    .check(ctx)
    .map((f: Finding): [string, string, number | undefined, string] => [f.rule, f.file, f.line, f.severity])
    .sort((a, b) => a[1].localeCompare(b[1]) || (a[2] ?? 0) - (b[2] ?? 0));
}

/** One expected finding read from a fixture marker. */
export interface ExpectedRow {
  rule: string;
  file: string;
  line: number;
  severity: string;
}

/**
 * Expected findings declared in fixture files: `# expect[rule:severity]` (or `[rule:severity*N]` for N
 * findings) on the line of the finding, or `# expect-next[...]` on the line before it (where a
 * comment cannot go on the line itself: a continued command, a folded block).
 */
export function markerRows(files: SourceFiles): ExpectedRow[] {
  const out: ExpectedRow[] = [];
  for (const [file, text] of files.texts) {
    text.split('\n').forEach((line, index) => {
      for (const match of line.matchAll(/# expect(-next)?\[([a-z-]+):(error|warning|notice)(?:\*(\d+))?\]/g)) {
        const count = match[4] ? Number(match[4]) : 1;
        for (let i = 0; i < count; i++) out.push({ rule: match[2], file, line: index + 1 + (match[1] ? 1 : 0), severity: match[3] });
      }
    });
  }
  return sortRows(out);
}

export function sortRows(rows: ExpectedRow[]): ExpectedRow[] {
  return [...rows].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
}

/** The findings of one rule on a fixture tree, as rows. */
export function findingRows(
  rule: Rule,
  root: string,
  options: Omit<ContextOptions, 'base'> = {},
): { rows: ExpectedRow[]; expected: ExpectedRow[]; findings: Finding[] } {
  const files = sourceFromDir(root);
  const { workflows, problems } = loadWorkflows(files, DEFAULT_LIMITS);
  if (problems.length > 0) throw new Error(`fixture does not load: ${JSON.stringify(problems)}`);
  const findings = rule.check(ruleContext(workflows, options));
  const rows = sortRows(findings.map((f) => ({ rule: f.rule, file: f.file, line: f.line ?? 0, severity: f.severity })));
  return { rows, expected: markerRows(files), findings };
}
