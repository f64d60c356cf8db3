/**
 * Which jobs publish a Python package, as facts: the workflow's release triggers (a `release` event,
 * a tag push, a push to a branch named like a release, as zizmor's cache-poisoning audit reads them)
 * and the steps that upload to an index (`pypa/gh-action-pypi-publish`, `uv publish`,
 * `twine upload`, `poetry|hatch|flit|pdm publish`). The rules setup-uv-unpinned and
 * uv-cache-in-publish read them.
 */
import { isSeq, type Node } from 'yaml';
import type { WorkflowFile } from './model.js';
import { runCommands, uvInvocation } from './run-steps.js';
import { stepsInContext, usesAction } from './steps.js';
import { triggersOf } from './triggers.js';
import { get, items, posOf, str } from './walk.js';

/** Why a job counts as publishing, with the line that says so. */
export type PublishReason =
  | { kind: 'release-event'; line: number }
  | { kind: 'tag-push'; line: number }
  | { kind: 'release-branch-push'; line: number }
  | { kind: 'publisher-action'; line: number; uses: string }
  | { kind: 'publish-command'; line: number; command: string };

/** The workflow's triggers that are typically used for releases (they apply to every job). */
export function releaseTriggers(wf: WorkflowFile): PublishReason[] {
  const out: PublishReason[] = [];
  for (const trigger of triggersOf(wf)) {
    const line = posOf(wf, trigger.node).line;
    if (trigger.name === 'release') out.push({ kind: 'release-event', line });
    if (trigger.name !== 'push') continue;
    // `tags-ignore: ["**"]` (with branches) means no tag runs: only `tags:` names a tag push.
    if (patternsOf(get(trigger.config, 'tags')).length > 0) out.push({ kind: 'tag-push', line });
    if (patternsOf(get(trigger.config, 'branches')).some((b) => b.toLowerCase().includes('release'))) out.push({ kind: 'release-branch-push', line });
  }
  return out;
}

function patternsOf(node: Node | undefined): string[] {
  if (isSeq(node)) return items(node).flatMap((n) => (str(n) !== undefined ? [str(n) as string] : []));
  const one = str(node);
  return one !== undefined ? [one] : [];
}

/** Events of a CI workflow (not a release workflow): a job there that neither builds nor uploads is not publishing. */
const CI_EVENTS = new Set(['pull_request', 'pull_request_target', 'schedule', 'merge_group']);

/** A workflow whose triggers are all release-like (release, tag push, manual or called): every job of it is release work. */
function isReleaseWorkflow(wf: WorkflowFile): boolean {
  return triggersOf(wf).every((t) => {
    if (CI_EVENTS.has(t.name)) return false;
    if (t.name !== 'push') return true;
    return patternsOf(get(t.config, 'tags')).length > 0 && get(t.config, 'branches') === undefined && get(t.config, 'branches-ignore') === undefined;
  });
}

/** The tools that build a distribution: `<tool> build`, `python -m build`, `pyproject-build`. */
const BUILD_TOOLS = new Set(['uv', 'hatch', 'poetry', 'flit', 'pdm']);

/** Jobs (job id, '' in an action) that build a distribution. */
function buildingJobs(wf: WorkflowFile): Set<string> {
  const out = new Set<string>();
  for (const rc of runCommands(wf)) {
    const name = rc.name.toLowerCase();
    const uv = uvInvocation(rc.name, rc.args);
    if (
      uv?.subcommand === 'build' ||
      (BUILD_TOOLS.has(name) && name !== 'uv' && rc.args[0]?.value === 'build') ||
      name === 'pyproject-build' ||
      (/^python(\d+(\.\d+)?)?$/.test(name) && rc.args[0]?.value === '-m' && rc.args[1]?.value === 'build')
    )
      out.add(rc.job);
  }
  return out;
}

/** The non-uv publish tools: `<tool> publish` (or `twine upload`). */
const PUBLISH_SUBCOMMAND: Record<string, string> = { twine: 'upload', poetry: 'publish', hatch: 'publish', flit: 'publish', pdm: 'publish' };

/** Steps of each job (job id, '' in an action) that upload a package to an index. */
function publisherSteps(wf: WorkflowFile): Map<string, PublishReason[]> {
  const byJob = new Map<string, PublishReason[]>();
  const add = (job: string, reason: PublishReason): void => {
    const list = byJob.get(job) ?? [];
    list.push(reason);
    byJob.set(job, list);
  };
  for (const s of stepsInContext(wf)) {
    const usesNode = get(s.step, 'uses');
    const uses = str(usesNode);
    if (usesAction(uses, 'pypa/gh-action-pypi-publish')) add(s.jobId, { kind: 'publisher-action', line: posOf(wf, usesNode).line, uses: (uses ?? '').trim() });
  }
  for (const rc of runCommands(wf)) {
    const name = rc.name.toLowerCase();
    const uv = uvInvocation(rc.name, rc.args);
    let command: string | undefined;
    if (uv?.subcommand === 'publish') command = 'uv publish';
    else if (PUBLISH_SUBCOMMAND[name] !== undefined && rc.args[0]?.value === PUBLISH_SUBCOMMAND[name]) command = `${name} ${rc.args[0].value}`;
    else if (/^python(\d+(\.\d+)?)?$/.test(name) && rc.args[0]?.value === '-m' && rc.args[1]?.value === 'twine' && rc.args[2]?.value === 'upload')
      command = 'python -m twine upload';
    // `uv run twine upload`, `uvx twine upload`: the same upload, run by uv.
    else if ((uv?.subcommand === 'run' || uv?.subcommand === 'tool run') && /^twine(@|==|$)/.test(uv.args.find((a) => !a.value.startsWith('-'))?.value ?? ''))
      command = uv.args.some((a) => a.value === 'upload') ? `${uv.subcommand === 'run' ? 'uv run' : 'uvx'} twine upload` : undefined;
    if (command) add(rc.job, { kind: 'publish-command', line: rc.line, command });
  }
  return byJob;
}

/** Per file: the reasons each job publishes (empty list: it does not). */
const cache = new WeakMap<WorkflowFile, { triggers: PublishReason[]; releaseWorkflow: boolean; builds: Set<string>; steps: Map<string, PublishReason[]> }>();

/**
 * Why a job of the file publishes, empty when it does not: its own upload steps, then the
 * workflow's release triggers when the job builds a distribution or the workflow is a release
 * workflow (no pull-request, branch-push or schedule runs). A lint job of a CI workflow that also
 * runs on tags is not release work.
 */
export function publishReasons(wf: WorkflowFile, job: string): PublishReason[] {
  let facts = cache.get(wf);
  if (!facts) {
    const triggers = wf.kind === 'workflow' ? releaseTriggers(wf) : [];
    facts = { triggers, releaseWorkflow: triggers.length > 0 && isReleaseWorkflow(wf), builds: buildingJobs(wf), steps: publisherSteps(wf) };
    cache.set(wf, facts);
  }
  const own = facts.steps.get(job) ?? [];
  return facts.releaseWorkflow || facts.builds.has(job) ? [...own, ...facts.triggers] : own;
}

/** One phrase for a reason, for messages: "it runs uv publish (line 30)". */
export function describePublishReason(reason: PublishReason): string {
  switch (reason.kind) {
    case 'release-event':
      return `the workflow runs on release events (line ${reason.line})`;
    case 'tag-push':
      return `the workflow runs on tag pushes (line ${reason.line})`;
    case 'release-branch-push':
      return `the workflow runs on pushes to a release branch (line ${reason.line})`;
    case 'publisher-action':
      return `the job uploads with ${reason.uses.replace(/@.*$/, '')} (line ${reason.line})`;
    case 'publish-command':
      return `the job runs ${reason.command} (line ${reason.line})`;
  }
}
