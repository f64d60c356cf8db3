/**
 * Cache steps in jobs that publish a release, as facts: zizmor's cache-poisoning scenario. GitHub's
 * caches are shared across a repository's workflows (a default-branch cache is readable by every
 * branch), so a cache written by a less trusted run can be restored into a release build.
 *
 * A job publishes when it has a known publishing step, or when its workflow is triggered by
 * `release`, by a tag push (`push.tags`) or by a push to a branch whose name says "release" and the
 * job is release work (the whole workflow is a release workflow, or the job builds or uploads a
 * distribution: src/workflows/publishing.ts). A cache step
 * counts when its caching is on (each action's own input and default; setup-uv's by its major
 * version and the workflow's events, src/workflows/setup-uv.ts); an input given as an expression
 * counts only when it is the `startsWith(github.ref, 'refs/tags/')` toggle that turns caching on for
 * tags, and is not judged otherwise. The rules cache-poisoning and uv-cache-in-publish read these
 * facts, so one setup-uv line is never reported by both.
 */
import { isScalar, type Node } from 'yaml';
import { hasExpression } from './expressions.js';
import type { WorkflowFile } from './model.js';
import { describePublishReason, publishReasons, releaseTriggers } from './publishing.js';
import { cacheOnFor, runEventsOf, setupUvSteps } from './setup-uv.js';
import { stepsInContext, type StepInContext } from './steps.js';
import { parseUses, usesMajor } from './uses.js';
import { get, str } from './walk.js';

/** How a cache-aware action's caching is switched: the input, and whether it is on when absent. */
interface CacheSwitch {
  input: string;
  /** On when the input is absent; a function of the action's major version when that changed. */
  onByDefault: boolean | ((major: number | undefined) => boolean);
  /** The input turns caching off when true (`cache-disabled`, `lookup-only`) rather than on. */
  inverted?: boolean;
  /** Any non-empty value turns caching on (`cache: npm`), not only `true`. */
  anyValue?: boolean;
}

export const CACHE_ACTIONS: Readonly<Record<string, CacheSwitch | 'always'>> = {
  'actions/cache': 'always',
  'actions/cache/restore': 'always',
  'actions/setup-node': { input: 'cache', onByDefault: false, anyValue: true },
  'actions/setup-python': { input: 'cache', onByDefault: false, anyValue: true },
  'actions/setup-java': { input: 'cache', onByDefault: false, anyValue: true },
  'actions/setup-go': { input: 'cache', onByDefault: (major) => major === undefined || major >= 4 },
  'actions/setup-dotnet': { input: 'cache', onByDefault: false },
  // setup-uv's defaults change with its major version and the event: read by its own facts (setup-uv.ts).
  'astral-sh/setup-uv': { input: 'enable-cache', onByDefault: false },
  'swatinem/rust-cache': { input: 'lookup-only', onByDefault: true, inverted: true },
  'ruby/setup-ruby': { input: 'bundler-cache', onByDefault: false },
  'actions-rust-lang/setup-rust-toolchain': { input: 'cache', onByDefault: true },
  'gradle/actions/setup-gradle': { input: 'cache-disabled', onByDefault: true, inverted: true },
  'graalvm/setup-graalvm': { input: 'cache', onByDefault: false, anyValue: true },
  'mlugg/setup-zig': { input: 'use-cache', onByDefault: true },
  'jdx/mise-action': { input: 'cache', onByDefault: true },
  'prefix-dev/setup-pixi': { input: 'cache', onByDefault: false },
  'mozilla-actions/sccache-action': 'always',
  'determinatesystems/magic-nix-cache-action': 'always',
};

/** Steps that publish a release or a package. */
const PUBLISHER_ACTIONS = new Set([
  'pypa/gh-action-pypi-publish',
  'softprops/action-gh-release',
  'goreleaser/goreleaser-action',
  'rubygems/release-gem',
  'ncipollo/release-action',
  'svenstaro/upload-release-action',
  'js-devtools/npm-publish',
  'katyo/publish-crates',
  'changesets/action',
  'docker/build-push-action',
]);

const TAG_TOGGLE_RE = /startsWith\(\s*github\.ref\s*,\s*'refs\/tags\/?'\s*\)|github\.ref_type\s*==\s*'tag'/i;
const NOT_TAG_TOGGLE_RE = /!\s*startsWith\(\s*github\.ref\s*,\s*'refs\/tags\/?'\s*\)|github\.ref_type\s*!=\s*'tag'/i;

/** The action a `uses:` names, lower-cased `owner/repo[/path]`; undefined for a local or Docker one. */
function actionOf(uses: string | undefined): string | undefined {
  if (!uses) return undefined;
  const parsed = parseUses(uses.trim());
  if (parsed.kind !== 'repository') return undefined;
  return `${parsed.owner}/${parsed.repo}${parsed.path ? `/${parsed.path}` : ''}`.toLowerCase();
}

/** Whether a cache step restores a cache: 'on', 'off', or 'unknown' (an expression we cannot read). */
function cachingOf(s: StepInContext, name: string, major: number | undefined): { state: 'on' | 'off' | 'unknown'; input?: Node } {
  if (name === 'astral-sh/setup-uv') return setupUvCaching(s);
  const spec = CACHE_ACTIONS[name];
  if (spec === undefined) return { state: 'off' };
  if (spec === 'always') return { state: 'on' };
  const valueNode = get(get(s.step, 'with'), spec.input);
  const raw = isScalar(valueNode) ? String(valueNode.value ?? '').trim() : undefined;
  if (raw === undefined || raw === '') {
    const on = typeof spec.onByDefault === 'function' ? spec.onByDefault(major) : spec.onByDefault;
    return { state: on ? 'on' : 'off' };
  }
  if (hasExpression(raw)) {
    if (NOT_TAG_TOGGLE_RE.test(raw)) return { state: spec.inverted ? 'on' : 'off', input: valueNode };
    if (TAG_TOGGLE_RE.test(raw)) return { state: spec.inverted ? 'off' : 'on', input: valueNode };
    return { state: 'unknown' };
  }
  const lower = raw.toLowerCase();
  const truthy = spec.anyValue ? lower !== 'false' : lower === 'true' || lower === 'auto';
  return { state: truthy !== !!spec.inverted ? 'on' : 'off', input: valueNode };
}

/** A cache step that restores a cache in a job that publishes. */
export interface PublishingCacheStep {
  s: StepInContext;
  /** The action, lower-cased `owner/repo[/path]`. */
  action: string;
  /** Why the job publishes, as a phrase: "the workflow runs on tag pushes (line 4)". */
  why: string;
  /** The input that turns caching on, when one does; else the step's `uses:`. */
  node: Node;
}

/** Every cache step with caching on in a job that publishes (workflows only: a composite action has no triggers). */
export function publishingCacheSteps(wf: WorkflowFile): readonly PublishingCacheStep[] {
  let found = cacheStepsCache.get(wf);
  if (!found) {
    found = collectPublishingCacheSteps(wf);
    cacheStepsCache.set(wf, found);
  }
  return found;
}

/** Computed once per file: cache-poisoning and uv-cache-in-publish read the same facts. */
const cacheStepsCache = new WeakMap<WorkflowFile, readonly PublishingCacheStep[]>();

function collectPublishingCacheSteps(wf: WorkflowFile): PublishingCacheStep[] {
  if (wf.kind !== 'workflow') return [];
  const triggers = releaseTriggers(wf);
  const steps = stepsInContext(wf);
  const publisherIn = new Map<string, string>();
  for (const s of steps) {
    const action = actionOf(str(get(s.step, 'uses')));
    if (action && PUBLISHER_ACTIONS.has(action) && !publisherIn.has(s.jobId)) publisherIn.set(s.jobId, action);
  }
  const out: PublishingCacheStep[] = [];
  for (const s of steps) {
    const usesNode = get(s.step, 'uses');
    const action = actionOf(str(usesNode));
    if (!usesNode || !action || !(action in CACHE_ACTIONS)) continue;
    const why = publisherIn.has(s.jobId)
      ? `the job publishes with ${publisherIn.get(s.jobId)}`
      : triggers.length > 0 && releaseWork(wf, s.jobId)
        ? describePublishReason(triggers[0]!)
        : undefined;
    if (!why) continue;
    const caching = cachingOf(s, action, usesMajor(wf, usesNode));
    if (caching.state !== 'on') continue;
    out.push({ s, action, why, node: caching.input ?? usesNode });
  }
  return out;
}

/**
 * Whether a job of a workflow with release triggers is release work (publishing.ts): every job of a
 * release-only workflow, and in a CI workflow that also runs on tags the jobs that build or upload a
 * distribution. zizmor reports every job of such a workflow; a lint or test job that restores a cache
 * on a tag run releases nothing, and reporting each one buries the job that does.
 */
function releaseWork(wf: WorkflowFile, job: string): boolean {
  return publishReasons(wf, job).length > 0;
}

/** setup-uv's cache: on when its own defaults turn it on for any event the workflow runs on. */
function setupUvCaching(s: StepInContext): { state: 'on' | 'off' | 'unknown'; input?: Node } {
  const step = setupUvSteps(s.wf).find((candidate) => candidate.s.step === s.step);
  if (!step) return { state: 'off' };
  // The tag toggle reads the same for setup-uv as for the other actions (cachingOf); any other expression is not judged.
  const raw = step.enableCache?.value;
  if (raw !== undefined && hasExpression(raw) && step.restoreCache !== 'false') {
    if (NOT_TAG_TOGGLE_RE.test(raw)) return { state: 'off', input: step.enableCache?.node };
    if (TAG_TOGGLE_RE.test(raw)) return { state: 'on', input: step.enableCache?.node };
  }
  const states = runEventsOf(s.wf).map((event) => cacheOnFor(step, event));
  const state = states.includes(true) ? 'on' : states.includes('unknown') ? 'unknown' : 'off';
  return { state, input: step.enableCache?.node };
}
