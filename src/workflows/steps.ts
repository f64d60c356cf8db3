/**
 * Steps with what surrounds them: every step of a workflow's jobs or of a composite action, its job
 * and its file, for the env, matrix, shell and checkout facts the workflow rules read.
 */
import { isMap, isScalar, type Node } from 'yaml';
import type { ContextScope } from './contexts.js';
import { dataflowContexts, findExpressions, hasExpression } from './expressions.js';
import type { WorkflowFile } from './model.js';
import { entries, get, items, jobsOf, str } from './walk.js';

/** A step together with what surrounds it (job, workflow), for env, matrix and shell lookups. */
export interface StepInContext {
  wf: WorkflowFile;
  /** Job id, '' for a composite action. */
  jobId: string;
  jobNode: Node | undefined;
  step: Node;
  index: number;
}

/** Every step of a workflow (all jobs) or of a composite action, with its job. */
export function stepsInContext(wf: WorkflowFile): readonly StepInContext[] {
  let steps = stepsCache.get(wf);
  if (!steps) {
    steps = collectSteps(wf);
    stepsCache.set(wf, steps);
  }
  return steps;
}

/** Computed once per file: most workflow rules walk the same steps. */
const stepsCache = new WeakMap<WorkflowFile, readonly StepInContext[]>();

function collectSteps(wf: WorkflowFile): StepInContext[] {
  if (wf.kind === 'action') {
    return items(get(get(wf.doc.contents, 'runs'), 'steps'))
      .filter((step) => isMap(step))
      .map((step, index) => ({ wf, jobId: '', jobNode: undefined, step, index }));
  }
  if (wf.kind !== 'workflow') return [];
  return jobsOf(wf).flatMap((job) =>
    items(get(job.node, 'steps'))
      .map((step, index) => ({ wf, jobId: job.id, jobNode: job.node, step, index }))
      .filter((s) => isMap(s.step)),
  );
}

/** True when the `uses:` is exactly `owner/repo@…` (no subpath) for the given repo. */
export function usesAction(uses: string | undefined, repo: string): boolean {
  if (!uses) return false;
  const value = uses.trim();
  const at = value.lastIndexOf('@');
  return at > 0 && value.slice(0, at).toLowerCase() === repo;
}

/** A stable name for a step within its job: its id, else its name, else its position. */
export function stepKey(s: StepInContext): string {
  return str(get(s.step, 'id')) ?? str(get(s.step, 'name')) ?? `#${s.index + 1}`;
}

/** The `env:` maps a step (or a command of its `run:`) sees, nearest first: the step's, its job's, the workflow's. */
export function envScopesOf(s: { wf: WorkflowFile; step: Node; jobNode: Node | undefined }): (Node | undefined)[] {
  return [get(s.step, 'env'), get(s.jobNode, 'env'), s.wf.kind === 'workflow' ? get(s.wf.doc.contents as Node, 'env') : undefined];
}

/**
 * What a step's expressions can read, for grading contexts (contexts.ts): the types of the
 * workflow's inputs, where each `env.X` it sees comes from, and whether its job's matrix is static.
 */
export function stepContextScope(s: StepInContext, inputTypes: Map<string, string[]>): ContextScope {
  const envScopes = envScopesOf(s);
  const matrix = get(get(s.jobNode, 'strategy'), 'matrix');
  return {
    inputTypes,
    envSource(name: string) {
      for (const env of envScopes) {
        if (!isMap(env)) continue;
        for (const [key, , value] of entries(env)) {
          if (key.toLowerCase() !== name) continue;
          // The nearest scope that sets the variable decides, as at run time.
          if (!isScalar(value)) return undefined;
          const text = String(value.value ?? '');
          if (!hasExpression(text)) return { kind: 'literal' as const };
          return { kind: 'expression' as const, contexts: findExpressions(text).flatMap((span) => dataflowContexts(span.body)) };
        }
      }
      return undefined;
    },
    isStaticMatrix(name: string | null): boolean {
      if (!isMap(matrix)) return false;
      if (name === null) return !containsExpression(matrix);
      for (const [key, , value] of entries(matrix)) {
        const lower = key.toLowerCase();
        if (lower === 'include') {
          if (!isStaticCollection(value)) return false;
        } else if (lower === name && !isStaticCollection(value)) return false;
      }
      return true;
    },
  };
}

/** A matrix axis (or `include`) is static when it is written out as a list with no expression anywhere. */
function isStaticCollection(node: Node | undefined): boolean {
  if (node === undefined) return true;
  if (isScalar(node)) return false; // `${{ fromJSON(…) }}` or a bare value GitHub would reject
  return !containsExpression(node);
}

function containsExpression(node: unknown, depth = 0): boolean {
  if (depth > 50) return true;
  if (isScalar(node)) return hasExpression(String(node.value ?? ''));
  if (isMap(node)) return entries(node).some(([key, , value]) => hasExpression(key) || containsExpression(value, depth + 1));
  const list = items(node);
  return list.some((item) => containsExpression(item, depth + 1));
}

/** The env key node (as written, for its case) that an `env.<name>` context of this step reads, if any scope sets it. */
export function envKeyOf(s: StepInContext, lowerName: string): Node | undefined {
  for (const holder of envScopesOf(s)) {
    for (const [key, keyNode] of entries(holder)) if (key.toLowerCase() === lowerName) return keyNode;
  }
  return undefined;
}
