/**
 * src/workflows/validity.ts keeps its own tables of what GitHub accepts, so that the action does not
 * load GitHub's parser (docs/design.md, "GitHub's parsers"). They are held here to the schema that
 * parser ships (a devDependency): a key, event, scope or function GitHub adds makes this test fail
 * instead of making workflow-invalid call a valid workflow invalid.
 */
import { describe, expect, it } from '@jest/globals';
import { wellKnownFunctions } from '@actions/expressions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ACTION_RUNTIMES,
  CALLER_JOB_KEYS,
  EVENTS,
  EXPRESSION_CONTEXTS,
  EXPRESSION_FUNCTIONS,
  OTHER_STEP_KINDS,
  PERMISSION_SCOPES,
  RUN_STEP_KEYS,
  RUNNER_JOB_KEYS,
  USES_STEP_KEYS,
  WORKFLOW_KEYS,
} from '../src/workflows/validity.js';

type Definition = {
  mapping?: { properties?: Record<string, unknown> };
  'one-of'?: string[];
  sequence?: { 'item-type': string };
  string?: { constant?: string };
  context?: string[];
  'allowed-values'?: string[];
};

// The package's exports map hides its JSON files; they sit beside its code.
const dist = fileURLToPath(new URL('../node_modules/@actions/workflow-parser/dist/', import.meta.url));
const schema = (name: string): Record<string, Definition> => JSON.parse(readFileSync(join(dist, name), 'utf8')).definitions;
const workflow = schema('workflow-v1.0.min.json');
const action = schema('action-v1.0.min.json');
const keysOf = (definitions: Record<string, Definition>, name: string): string[] => Object.keys(definitions[name]?.mapping?.properties ?? {}).sort();
const sorted = (values: readonly string[]): string[] => [...values].sort();

/** The mapping keys an event's settings may have, across the one-of alternatives of its definition. */
function eventKeys(type: string): string[] | null {
  const definition = workflow[type];
  if (!definition) return null;
  if (definition.mapping) return keysOf(workflow, type);
  if (definition.sequence) return eventKeys(definition.sequence['item-type']);
  for (const alternative of definition['one-of'] ?? []) {
    const keys = eventKeys(alternative);
    if (keys) return keys;
  }
  return null;
}

/** The levels a permission level definition accepts. */
function levels(type: string): string[] {
  const definition = workflow[type];
  if (definition?.string?.constant) return [definition.string.constant];
  return (definition?.['one-of'] ?? []).flatMap(levels);
}

describe('validity tables equal GitHub’s workflow schema', () => {
  it('top-level, job and step keys', () => {
    expect(sorted(WORKFLOW_KEYS)).toEqual(keysOf(workflow, 'workflow-root-strict'));
    expect(sorted(RUNNER_JOB_KEYS)).toEqual(keysOf(workflow, 'job-factory'));
    expect(sorted(CALLER_JOB_KEYS)).toEqual(keysOf(workflow, 'workflow-job'));
    expect(sorted(RUN_STEP_KEYS)).toEqual(keysOf(workflow, 'run-step'));
    expect(sorted(USES_STEP_KEYS)).toEqual(keysOf(workflow, 'regular-step'));
    expect(workflow['steps-item']['one-of']).toEqual(['run-step', 'regular-step', 'wait-step', 'wait-all-step', 'cancel-step', 'parallel-step']);
    for (const [kind, keys] of Object.entries(OTHER_STEP_KINDS)) expect([kind, sorted(keys)]).toEqual([kind, keysOf(workflow, `${kind}-step`)]);
  });

  it('events and their settings', () => {
    const events = workflow['on-mapping-strict'].mapping?.properties ?? {};
    expect(Object.keys(EVENTS).sort()).toEqual(Object.keys(events).sort());
    for (const [name, type] of Object.entries(events)) {
      const keys = eventKeys(typeof type === 'string' ? type : (type as { type: string }).type);
      expect([name, EVENTS[name] === null ? null : sorted(EVENTS[name] ?? [])]).toEqual([name, keys]);
    }
  });

  it('permission scopes and levels', () => {
    const scopes = workflow['permissions-mapping'].mapping?.properties ?? {};
    expect(Object.keys(PERMISSION_SCOPES).sort()).toEqual(Object.keys(scopes).sort());
    for (const [scope, type] of Object.entries(scopes)) {
      expect([scope, sorted(PERMISSION_SCOPES[scope])]).toEqual([scope, levels((type as { type: string }).type).sort()]);
    }
    expect(levels('permissions').filter((level) => level.endsWith('-all'))).toEqual(['read-all', 'write-all']);
  });

  it('contexts and functions', () => {
    const named = new Set<string>();
    const functions = new Map<string, [number, number]>();
    for (const definition of Object.values(workflow)) {
      for (const entry of definition.context ?? []) {
        const call = /^(\w+)\((\d+),(\d+|MAX)\)$/.exec(entry);
        if (!call) {
          named.add(entry);
          continue;
        }
        // The widest arity any key allows (success() takes job names only in a job's if:).
        const max = call[3] === 'MAX' ? Number.MAX_SAFE_INTEGER : Number(call[3]);
        const known = functions.get(call[1].toLowerCase());
        functions.set(call[1].toLowerCase(), [Math.min(known?.[0] ?? Number(call[2]), Number(call[2])), Math.max(known?.[1] ?? max, max)]);
      }
    }
    expect(sorted(EXPRESSION_CONTEXTS)).toEqual([...named].sort());
    for (const f of Object.values(wellKnownFunctions)) functions.set(f.name.toLowerCase(), [f.minArgs, f.maxArgs]);
    expect(Object.fromEntries(Object.entries(EXPRESSION_FUNCTIONS).sort())).toEqual(Object.fromEntries([...functions].sort()));
  });

  it('action runtimes', () => {
    expect(sorted(ACTION_RUNTIMES)).toEqual(sorted(action.using?.['allowed-values'] ?? []));
  });
});
