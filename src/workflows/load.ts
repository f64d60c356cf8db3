/**
 * Finds and parses the workflow, action and dependabot files of one revision. Every file that cannot
 * be used becomes a `WorkflowProblem` (a fact: the file, the line at fault, what went wrong), which
 * the invalid-file rule reports; nothing here throws, whatever the input.
 */
import { isFileSizeLimitReason } from '../settings/limits.js';
import type { Limits } from '../settings/types.js';
import { ParseCache } from '../source/parse-cache.js';
import type { SourceFiles } from '../source/types.js';
import type { WorkflowFile, WorkflowFileKind } from './model.js';
import { parseWorkflow, workflowKindOf, type ParseProblem } from './parse.js';

/** Why one workflow, action or dependabot file could not be turned into a model, with where to look. */
export interface WorkflowProblem {
  file: string;
  /** What the file was meant to be. */
  fileKind: WorkflowFileKind;
  /** `unreadable`: the source could not give its text; otherwise the parser's kind (ParseProblem). */
  kind: 'unreadable' | ParseProblem['kind'];
  /** The parser's message, or for `unreadable` the source's reason. */
  message: string;
  line: number;
  column?: number;
  /**
   * Set when a size or alias limit refused the file: which one, and what this file would need (for
   * `unreadable`, the size in bytes the source reported, 0 when it did not say).
   */
  limit?: { name: 'maxFileBytes' | 'maxYamlAliases'; needed: number };
}

export interface LoadedWorkflows {
  /** Files that parsed into a usable model, sorted by path. */
  workflows: WorkflowFile[];
  /** The files that did not, sorted by path. */
  problems: WorkflowProblem[];
}

/**
 * Discovery: `.github/workflows/*.yml|yaml` (top level only, as GitHub reads them), `action.yml|yaml`
 * anywhere (composite, Docker and JavaScript actions), `.github/dependabot.yml|yaml`.
 */
export function loadWorkflows(files: SourceFiles, limits: Limits, options: { cache?: ParseCache } = {}): LoadedWorkflows {
  const cache = options.cache ?? new ParseCache();
  const workflows: WorkflowFile[] = [];
  const problems: WorkflowProblem[] = [];
  const candidates = new Set<string>();
  for (const path of files.paths ?? []) candidates.add(path);
  for (const path of files.texts?.keys() ?? []) candidates.add(path);
  for (const path of files.unreadable?.keys() ?? []) candidates.add(path);

  for (const path of [...candidates].sort()) {
    const kind = workflowKindOf(path);
    if (!kind) continue;
    const unreadable = files.unreadable?.get(path);
    const text = files.texts?.get(path);
    if (unreadable !== undefined || typeof text !== 'string') {
      const overLimit = isFileSizeLimitReason(unreadable);
      problems.push({
        file: path,
        fileKind: kind,
        kind: 'unreadable',
        message: unreadable ?? 'no text was loaded',
        line: 1,
        ...(overLimit ? { limit: { name: 'maxFileBytes' as const, needed: Number(/^(\d+) bytes/.exec(unreadable!)?.[1] ?? 0) } } : {}),
      });
      continue;
    }
    const outcome = cache.get('workflow', path, text, () => parseWorkflow(path, kind, text, limits));
    if (outcome.ok) {
      workflows.push(outcome.workflow);
      continue;
    }
    problems.push({ file: path, fileKind: kind, ...outcome.problem });
  }
  return { workflows, problems };
}
