/**
 * The workflow half of a run's rule context: the workflow, action and dependabot files of head and
 * base, parsed, with the problems of those that could not be. buildContext (engine.ts) adds the uv
 * projects to it; the workflow thread (workflow-thread.ts) runs the workflow rules on it alone, so
 * both threads see the same fields for those rules.
 */
import type { RuleContext } from './rules/types.js';
import type { Settings } from './settings/types.js';
import type { ParseCache } from './source/parse-cache.js';
import type { SourceFiles } from './source/types.js';
import { loadWorkflows } from './workflows/load.js';

export function inScope(path: string, scope: string): boolean {
  return scope === '' || path === scope || path.startsWith(`${scope}/`);
}

/** A context with the workflow files of head and base and no uv project (no network facts). */
export function workflowContext(settings: Settings, head: SourceFiles, base: SourceFiles | null, cache: ParseCache): RuleContext {
  const limits = settings.config.limits;
  const headWorkflows = loadWorkflows(head, limits, { cache });
  const baseWorkflows = base ? loadWorkflows(base, limits, { cache }) : null;
  return {
    settings,
    now: settings.now,
    headTime: head.time,
    projects: [],
    workflows: headWorkflows.workflows,
    baseWorkflows: baseWorkflows?.workflows ?? null,
    invalidFiles: [],
    uvLoadProblems: [],
    workflowProblems: headWorkflows.problems.filter((p) => inScope(p.file, settings.scope) || p.file.startsWith('.github/')),
    headFiles: head.paths,
    index: null,
    github: null,
  };
}
