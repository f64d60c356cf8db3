/**
 * setup-uv's GitHub Actions cache in a job that publishes a package: the job restores wheels (and,
 * with `cache-python: true`, Python interpreters) that any other run on the default branch could
 * have saved. setup-uv's defaults change with its major version (src/workflows/setup-uv.ts), which
 * is what this rule reads and a generic cache rule does not.
 *
 * The relation to cache-poisoning (zizmor's audit of the same name): the steps that rule reports
 * (src/workflows/cache-steps.ts: a release, tag-push or release-branch workflow, or a job with a
 * publishing action, and the cache on for one of the workflow's events) are left to it. This rule reports what it does not see: a job that publishes with
 * `uv publish` or `twine upload` in `run:`, and setup-uv v10's `auto` cache, which is off for
 * release and tag-push runs but on for the workflow's other events (`workflow_dispatch`, a branch
 * push, `schedule`). `cache-python: true` is reported in every case: its fix is its own.
 */
import { publishingCacheSteps } from '../../workflows/cache-steps.js';
import { describePublishReason, publishReasons } from '../../workflows/publishing.js';
import { cacheOnFor, runEventsOf, setupUvSteps, type RunEvent, type SetupUvStep } from '../../workflows/setup-uv.js';
import { get, items, posOf, str } from '../../workflows/walk.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'uv-cache-in-publish',
    defaultSeverity: 'warning',
    defaultConfidence: 'medium',
    summary: "A job that publishes a package restores setup-uv's cache.",
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      const perJob = new Map<string, number>();
      // The steps cache-poisoning reports (the same facts): one line, one finding with the same advice.
      const leftToCachePoisoning = new Set(publishingCacheSteps(wf).map((found) => found.s.step));
      for (const step of setupUvSteps(wf)) {
        const nth = (perJob.get(step.s.jobId) ?? 0) + 1;
        perJob.set(step.s.jobId, nth);
        const reasons = publishReasons(wf, step.s.jobId);
        if (reasons.length === 0) continue;
        // `auto` is off on self-hosted runners.
        if (step.enableCache?.value !== 'true' && selfHosted(step)) continue;
        const events = runEventsOf(wf);
        const onFor = events.filter((e) => cacheOnFor(step, e) === true);
        if (onFor.length === 0) continue;
        const cachePython = step.cachePython?.value.toLowerCase() === 'true';
        if (!cachePython && leftToCachePoisoning.has(step.s.step)) continue;
        const pos = posOf(wf, step.enableCache?.node ?? step.usesNode);
        const why = describePublishReason(reasons[0]);
        const how =
          step.enableCache?.value === 'true'
            ? 'enable-cache: true'
            : `the default enable-cache: auto of setup-uv ${step.major !== undefined ? `v${step.major}` : 'v10 and later'}, on for ${eventNames(onFor)} runs`;
        const message = cachePython
          ? `This publishing job restores Python interpreters from setup-uv's cache (cache-python: true, with ${how}): the interpreter that builds the release comes from a cache any other run on the branch could have saved; ${why}.`
          : `This publishing job restores setup-uv's cache (${how}): the wheels and built packages uv reuses come from a cache any other run on the branch could have saved, including runs of untrusted code, and go into the release; ${why}.`;
        report({
          file: wf.file,
          line: pos.line,
          column: pos.column,
          message,
          fix: cachePython
            ? "Set cache-python: false and enable-cache: false under this step's with: (a release is built from a clean cache)."
            : "Set enable-cache: false under this step's with: (a release is built from a clean cache), or restore-cache: false.",
          subject: `${step.s.jobId}:setup-uv#${nth}${cachePython ? ':python' : ''}`,
          confidence: step.major === undefined && step.enableCache?.value !== 'true' ? 'low' : undefined,
        });
      }
    }
  },
});

function eventNames(events: RunEvent[]): string {
  const names = [...new Set(events.map((e) => (e.name === 'push' ? (e.tagPush ? 'tag push' : 'branch push') : e.name)))];
  return names.join(', ');
}

/** `runs-on: self-hosted` or a label list with it. */
function selfHosted(step: SetupUvStep): boolean {
  const runsOn = get(step.s.jobNode, 'runs-on');
  const labels = [str(runsOn), ...items(runsOn).map(str), ...items(get(runsOn, 'labels')).map(str), str(get(runsOn, 'labels'))];
  return labels.some((l) => l?.trim().toLowerCase() === 'self-hosted');
}
