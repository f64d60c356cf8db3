/**
 * The `on:` block of a workflow: which events trigger it (string, list and map forms) and the
 * declared types of its `workflow_dispatch` / `workflow_call` inputs.
 */
import { isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import type { WorkflowFile } from './model.js';
import { entries, get, getPair, items, str } from './walk.js';

export interface TriggerRef {
  /** The event name as written (`pull_request_target`). */
  name: string;
  /** The node naming the event (map key, list item or the scalar value of `on:`), for positions. */
  node: Node;
  /** The event's configuration (`types:`, `branches:`, `inputs:` …) in the map form. */
  config: Node | undefined;
}

/** The `on:` key and its value. A YAML 1.1 reader would turn `on` into `true`; accept that spelling too. */
export function onPair(wf: WorkflowFile): { key: Scalar; value: Node | undefined } | undefined {
  if (wf.kind !== 'workflow') return undefined;
  const pair = getPair(wf.doc.contents, 'on') ?? getPair(wf.doc.contents, 'true');
  if (!pair) return undefined;
  return { key: pair.key, value: (pair.value ?? undefined) as Node | undefined };
}

/** Every trigger of a workflow, in the order written. Anything malformed is skipped, never thrown on. */
export function triggersOf(wf: WorkflowFile): TriggerRef[] {
  const on = onPair(wf);
  if (!on || !on.value) return [];
  const value = on.value;
  if (isScalar(value)) {
    const name = str(value);
    return name ? [{ name, node: value, config: undefined }] : [];
  }
  if (isSeq(value)) {
    return items(value).flatMap((item) => {
      const name = str(item);
      return name ? [{ name, node: item, config: undefined }] : [];
    });
  }
  if (isMap(value)) {
    return entries(value).map(([name, keyNode, config]) => ({ name, node: keyNode as Node, config }));
  }
  return [];
}

/** The declared type of each input of `workflow_dispatch` and `workflow_call` (a name may appear in both). */
export function inputTypesOf(wf: WorkflowFile): Map<string, string[]> {
  const types = new Map<string, string[]>();
  for (const trigger of triggersOf(wf)) {
    if (trigger.name !== 'workflow_dispatch' && trigger.name !== 'workflow_call') continue;
    for (const [name, , spec] of entries(get(trigger.config, 'inputs'))) {
      // GitHub defaults an input without `type:` to string.
      const type = (str(get(spec, 'type')) ?? 'string').toLowerCase();
      const key = name.toLowerCase();
      types.set(key, [...(types.get(key) ?? []), type]);
    }
  }
  return types;
}

/** True when the only trigger is `workflow_call`: the caller's token bounds every job. */
export function isWorkflowCallOnly(wf: WorkflowFile): boolean {
  const triggers = triggersOf(wf);
  return triggers.length > 0 && triggers.every((t) => t.name === 'workflow_call');
}

/** The secrets a reusable workflow declares under `on.workflow_call.secrets`, or null when it is not callable. */
export function declaredSecretsOf(wf: WorkflowFile): string[] | null {
  const call = triggersOf(wf).find((t) => t.name === 'workflow_call');
  if (!call) return null;
  return entries(get(call.config, 'secrets')).map(([name]) => name);
}
