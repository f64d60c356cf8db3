/**
 * `astral-sh/setup-uv` steps as facts: the action's major version (from the ref, or the comment after
 * a SHA pin), which uv it installs (`version:`, `version-file:`, else the project's
 * `required-version`, else the newest release) and whether its GitHub Actions cache is on.
 *
 * setup-uv's defaults by major version, read from its action.yml and src/utils/inputs.ts:
 * - `version:` v1 defaults to a fixed uv (0.4.4); v2 to v5 default to `latest`; from v6 on an empty
 *   `version` reads `required-version` from uv.toml or `[tool.uv]` in pyproject.toml (in
 *   `working-directory`) and falls back to `latest`. An exact `X.Y.Z` (or `==X.Y.Z`) is pinned;
 *   anything else but `latest` is a range, resolved to its highest release. `latest-known` is the
 *   newest uv the action release itself knows: it moves only with the action's ref.
 * - `enable-cache:` v1 to v4 default to `false`; v5 to v9 default to `auto`, which is on for every
 *   event on GitHub-hosted runners; from v10 on `auto` is off for `release`, tag pushes,
 *   `pull_request_target` and `workflow_run`, and on for everything else. `true` is on everywhere.
 */
import type { Node } from 'yaml';
import type { StepInContext } from './steps.js';
import { stepsInContext, usesAction } from './steps.js';
import type { WorkflowFile } from './model.js';
import { triggersOf } from './triggers.js';
import { usesMajor } from './uses.js';
import { get, str } from './walk.js';

export interface SetupUvStep {
  s: StepInContext;
  usesNode: Node;
  /** The action's major version, when the ref or its comment names one. */
  major: number | undefined;
  /** `with.version`, trimmed, and its node. */
  version: { value: string; node: Node } | undefined;
  versionFile: string | undefined;
  /** `with.enable-cache` as written (lower-cased), undefined when absent. */
  enableCache: { value: string; node: Node } | undefined;
  restoreCache: string | undefined;
  cachePython: { value: string; node: Node } | undefined;
  workingDirectory: string | undefined;
}

function input(withNode: Node | undefined, key: string): { value: string; node: Node } | undefined {
  const node = get(withNode, key);
  const value = str(node);
  return node && value !== undefined ? { value: value.trim(), node } : undefined;
}

/** Every `astral-sh/setup-uv` step of a workflow or composite action. */
export function setupUvSteps(wf: StepInContext['wf']): readonly SetupUvStep[] {
  let steps = setupUvCache.get(wf);
  if (!steps) {
    steps = collectSetupUvSteps(wf);
    setupUvCache.set(wf, steps);
  }
  return steps;
}

/** Computed once per file: three rules and the cache facts read the same steps. */
const setupUvCache = new WeakMap<StepInContext['wf'], readonly SetupUvStep[]>();

function collectSetupUvSteps(wf: StepInContext['wf']): SetupUvStep[] {
  const out: SetupUvStep[] = [];
  for (const s of stepsInContext(wf)) {
    const usesNode = get(s.step, 'uses');
    if (!usesNode || !usesAction(str(usesNode), 'astral-sh/setup-uv')) continue;
    const withNode = get(s.step, 'with');
    out.push({
      s,
      usesNode,
      major: usesMajor(s.wf, usesNode),
      version: input(withNode, 'version'),
      versionFile: input(withNode, 'version-file')?.value,
      enableCache: (() => {
        const found = input(withNode, 'enable-cache');
        return found ? { value: found.value.toLowerCase(), node: found.node } : undefined;
      })(),
      restoreCache: input(withNode, 'restore-cache')?.value.toLowerCase(),
      cachePython: input(withNode, 'cache-python'),
      workingDirectory: input(withNode, 'working-directory')?.value,
    });
  }
  return out;
}

export type UvVersionRequest =
  | { kind: 'exact'; value: string }
  | { kind: 'latest'; value: string }
  | { kind: 'range'; value: string }
  /** `latest-known`: fixed by the action's own release. */
  | { kind: 'action-release' }
  /** An expression or a version file: not judged here. */
  | { kind: 'unknown' };

/** How setup-uv reads a version specifier (its src/version/specifier.ts): `==` dropped, `latest`, exact semver, else a range. */
export function classifyUvVersion(raw: string): UvVersionRequest {
  const value = raw.trim();
  if (value.includes('${{')) return { kind: 'unknown' };
  if (value === 'latest-known') return { kind: 'action-release' };
  const normalized = value.startsWith('==') ? value.slice(2).trim() : value;
  if (normalized === 'latest' || normalized === '') return { kind: 'latest', value };
  // @actions/tool-cache's isExplicitVersion: a valid semver (a leading `v` allowed).
  if (/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(normalized)) return { kind: 'exact', value };
  return { kind: 'range', value };
}

/** Whether setup-uv's cache is on for a run of the given event, per its major version's defaults (see the module comment). */
export function cacheOnFor(step: SetupUvStep, event: RunEvent): boolean | 'unknown' {
  const raw = step.enableCache?.value;
  if (raw !== undefined && raw.includes('${{')) return 'unknown';
  if (step.restoreCache === 'false') return false;
  if (raw === 'true') return true;
  if (raw !== undefined && raw !== 'auto') return false;
  const major = step.major;
  if (major !== undefined && major < 5) return false;
  if (major !== undefined && major < 10) return true;
  // v10 and later (and an unknown major: the newest behaviour).
  if (event.tagPush) return false;
  return !['release', 'pull_request_target', 'workflow_run'].includes(event.name);
}

export interface RunEvent {
  name: string;
  tagPush: boolean;
}

/** The events a workflow runs on, a push split into its branch and tag runs. A composite action's are unknown. */
export function runEventsOf(wf: WorkflowFile): RunEvent[] {
  if (wf.kind !== 'workflow') return [{ name: 'unknown', tagPush: false }];
  return triggersOf(wf).flatMap((t): RunEvent[] => {
    if (t.name !== 'push') return [{ name: t.name, tagPush: false }];
    const tags = get(t.config, 'tags') !== undefined;
    const branches = get(t.config, 'branches') !== undefined || get(t.config, 'branches-ignore') !== undefined;
    if (tags && !branches) return [{ name: 'push', tagPush: true }];
    if (branches && !tags) return [{ name: 'push', tagPush: false }];
    // `tags-ignore` alone: every branch push, and tag pushes other than the ignored ones.
    return [
      { name: 'push', tagPush: false },
      { name: 'push', tagPush: true },
    ];
  });
}
