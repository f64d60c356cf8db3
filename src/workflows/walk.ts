/**
 * Small helpers to walk a workflow or action document while keeping positions.
 * Every returned node is a yaml node, so `range[0]` gives its offset for `WorkflowFile.posAt`.
 */
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type Scalar } from 'yaml';
import type { Pos, WorkflowFile } from './model.js';

/** A map key as its text equals `key` (the string compare first: nearly every key is a string; `String()` for `1:`, `true:`). */
function keyIs(value: unknown, key: string): boolean {
  return value === key || (typeof value !== 'string' && String(value) === key);
}

/** The value node at `key` of a map node, or undefined. */
export function get(node: unknown, key: string): Node | undefined {
  const pair = getPair(node, key);
  return pair === undefined ? undefined : ((pair.value ?? undefined) as Node | undefined);
}

/** The key/value pair at `key` (for pointing at the key itself). */
export function getPair(node: unknown, key: string): Pair<Scalar, Node | null> | undefined {
  if (!isMap(node)) return undefined;
  // The rules ask for keys all the time: the string compare comes first, and only a key node whose
  // value is not a string (`1:`, `true:`, a collection) pays for the type test and String().
  for (const pair of node.items) {
    const keyNode = pair.key as { value?: unknown } | null;
    const value = keyNode?.value;
    if (value === key ? isScalar(keyNode) : typeof value !== 'string' && isScalar(keyNode) && keyIs(value, key)) return pair as Pair<Scalar, Node | null>;
  }
  return undefined;
}

/** A scalar's string value, or undefined for anything else. */
export function str(node: unknown): string | undefined {
  if (isScalar(node) && node.value !== null && node.value !== undefined && typeof node.value !== 'object') return String(node.value);
  return undefined;
}

/** Entries of a map node as [key string, key node, value node]. */
export function entries(node: unknown): [string, Scalar, Node | undefined][] {
  if (!isMap(node)) return [];
  const out: [string, Scalar, Node | undefined][] = [];
  for (const pair of (node as YAMLMap).items) {
    if (isScalar(pair.key)) out.push([String(pair.key.value), pair.key, (pair.value ?? undefined) as Node | undefined]);
  }
  return out;
}

/** Items of a sequence node. */
export function items(node: unknown): Node[] {
  return isSeq(node) ? (node.items as Node[]) : [];
}

/** Position of a node's start (line 1, column 1 when it has no range). */
export function posOf(wf: WorkflowFile, node: unknown): Pos {
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  return range ? wf.posAt(range[0]) : { line: 1, column: 1 };
}

export interface JobRef {
  id: string;
  keyNode: Scalar;
  node: Node;
}

/** Jobs of a workflow (empty for other kinds). */
export function jobsOf(wf: WorkflowFile): readonly JobRef[] {
  let jobs = jobsCache.get(wf);
  if (!jobs) {
    jobs =
      wf.kind !== 'workflow'
        ? []
        : entries(get(wf.doc.contents, 'jobs'))
            .filter(([, , v]) => isMap(v))
            .map(([id, keyNode, node]) => ({ id, keyNode, node: node as Node }));
    jobsCache.set(wf, jobs);
  }
  return jobs;
}

/** Computed once per file: nearly every workflow rule walks the jobs. */
const jobsCache = new WeakMap<WorkflowFile, readonly JobRef[]>();

export interface StepRef {
  /** The job id, or '' for a composite action's steps. */
  job: string;
  index: number;
  node: Node;
}

/** Steps of every job of a workflow, or of a composite action's `runs.steps`. */
export function stepsOf(wf: WorkflowFile): StepRef[] {
  if (wf.kind === 'action') {
    return items(get(get(wf.doc.contents, 'runs'), 'steps')).map((node, index) => ({ job: '', index, node }));
  }
  return jobsOf(wf).flatMap((job) => items(get(job.node, 'steps')).map((node, index) => ({ job: job.id, index, node })));
}
