/** Test helpers for the workflow risk rules: fixtures as WorkflowFiles, a RuleContext around them. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../../src/findings.js';
import type { RuleContext } from '../../src/rules/types.js';
import { DEFAULT_LIMITS, type Settings } from '../../src/settings/types.js';
import type { SourceFiles } from '../../src/source/types.js';
import { loadWorkflows, type WorkflowProblem } from '../../src/workflows/load.js';
import type { WorkflowFile } from '../../src/workflows/model.js';

export const RISKS = fileURLToPath(new URL('../../fixtures/workflows/risks/', import.meta.url));
export const CORPUS = fileURLToPath(new URL('../../fixtures/workflows/corpus/', import.meta.url));

export function readFixture(path: string): string {
  return readFileSync(join(RISKS, path), 'utf8');
}

function sourceOf(texts: Map<string, string>): SourceFiles {
  return { label: 'WORKTREE', paths: [...texts.keys()].sort(), texts, unreadable: new Map(), time: new Date('2026-09-01T00:00:00Z') };
}

/** Loads texts keyed by their repository path through the real loader; a fixture that does not load fails the test. */
export function workflowsFromTexts(files: Record<string, string>): WorkflowFile[] {
  const { workflows, problems } = loadWorkflows(sourceOf(new Map(Object.entries(files))), DEFAULT_LIMITS);
  if (problems.length > 0) throw new Error(`fixture does not load: ${JSON.stringify(problems)}`);
  return workflows;
}

/** Loads fixture files (paths under fixtures/workflows/risks/) at the given repository paths. */
export function workflowsFromFixtures(files: Record<string, string>): WorkflowFile[] {
  return workflowsFromTexts(Object.fromEntries(Object.entries(files).map(([repoPath, fixture]) => [repoPath, readFixture(fixture)])));
}

/**
 * A context around head (and base) workflows. The workflow risk rules read only the workflows and
 * the cooldown settings, so the settings object carries just those.
 */
export function riskContext(workflows: WorkflowFile[], baseWorkflows: WorkflowFile[] | null = null, cooldownDays = 7, configDays?: number): RuleContext {
  const settings = { cooldownDays, config: { cooldown: { days: configDays, exempt: [] } } } as unknown as Settings;
  const now = new Date('2026-09-01T00:00:00Z');
  return {
    settings,
    now,
    headTime: now,
    projects: [],
    workflows,
    baseWorkflows,
    invalidFiles: [],
    headFiles: workflows.map((wf) => wf.file),
    index: null,
    github: null,
  };
}

/** What the tables compare: one row per finding, in file/line/column order. */
export interface Row {
  file: string;
  line: number;
  column?: number;
  severity: Finding['severity'];
}

export function rowsOf(findings: Finding[], withColumn = true): Row[] {
  return findings
    .map((f) =>
      withColumn ? { file: f.file, line: f.line ?? 0, column: f.column, severity: f.severity } : { file: f.file, line: f.line ?? 0, severity: f.severity },
    )
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
}

/** Every file of one corpus repository, keyed by its path inside that repository. */
function textsUnder(root: string): Map<string, string> {
  const texts = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else texts.set(relative(root, full).split(sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return texts;
}

export interface CorpusRepo {
  repo: string;
  texts: Map<string, string>;
  workflows: WorkflowFile[];
  /** The files the loader refused. */
  problems: WorkflowProblem[];
}

/** The shared workflow corpus as copied into fixtures/workflows/corpus/, one entry per repository. */
export function corpusRepos(): CorpusRepo[] {
  return readdirSync(CORPUS)
    .filter((name) => statSync(join(CORPUS, name)).isDirectory())
    .sort()
    .map((repo) => {
      const texts = textsUnder(join(CORPUS, repo));
      const { workflows, problems } = loadWorkflows(sourceOf(texts), DEFAULT_LIMITS);
      return { repo, texts, workflows, problems };
    });
}
