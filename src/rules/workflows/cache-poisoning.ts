/**
 * zizmor's cache-poisoning: a job that publishes a release restores a cache. GitHub's caches are
 * shared across a repository's workflows (a default-branch cache is readable by every branch), so a
 * cache written by a less trusted run (a pull request's workflow, a compromised dependency in an
 * ordinary CI job) can be restored into the release build and end up in the published artifact.
 *
 * A job publishes when its workflow is triggered by `release`, by a tag push (`push.tags`), or by a
 * push to a branch whose name says "release"; or when it has a known publishing step. A cache step
 * counts when its caching is on (each action's own input and default); an input given as an
 * expression counts only when it is the `startsWith(github.ref, 'refs/tags/')` toggle that turns
 * caching on for tags, and is not judged otherwise. Low confidence, as in zizmor: whether the cache
 * can be poisoned depends on the repository's other workflows.
 */
import { CACHE_ACTIONS, publishingCacheSteps } from '../../workflows/cache-steps.js';
import { stepKey } from '../../workflows/steps.js';
import { posOf } from '../../workflows/walk.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'cache-poisoning',
    defaultSeverity: 'warning',
    defaultConfidence: 'low',
    summary: 'A job that publishes a release restores a cache another workflow may have poisoned.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      for (const found of publishingCacheSteps(wf)) {
        const pos = posOf(wf, found.node);
        const spec = CACHE_ACTIONS[found.action];
        const off =
          spec === undefined || spec === 'always'
            ? `remove the ${found.action} step from this job`
            : `set ${spec.input}: ${spec.inverted ? 'true' : 'false'} on this step`;
        report({
          file: wf.file,
          line: pos.line,
          column: pos.column,
          message:
            `${found.action} restores a cache in job ${found.s.jobId}, which publishes: ${found.why}. Caches are shared across the repository's workflows, ` +
            'so one written by a less trusted run can end up in what this job releases.',
          fix: `Build releases from a clean state: ${off}, or guard it with \${{ !startsWith(github.ref, 'refs/tags/') }}.`,
          subject: `${found.s.jobId}:${stepKey(found.s)}`,
        });
      }
    }
  },
});
