import { unreachablePins } from '../../facts/github-checks.js';
import { usesTarget } from '../../workflows/uses.js';
import { defineRule } from '../define.js';
import { reportFlaggedSites } from './flagged-sites.js';
import { releasePinFix } from './text.js';

/** A SHA pin that GitHub says is on none of the repository's branches or tags. */
export const rule = defineRule({
  meta: {
    id: 'impostor-commit',
    defaultSeverity: 'error',
    summary: "A pinned SHA is not reachable from the action repository's branches or tags.",
    online: true,
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    reportFlaggedSites(ctx, report, unreachablePins, (site) => {
      const { owner, repo, ref } = site.uses;
      return {
        message: `Commit ${ref.slice(0, 12)} is on no branch or tag of ${owner}/${repo}: GitHub serves commits of any fork through the parent repository, so this pin can run code the owners never published.`,
        fix: releasePinFix(usesTarget(site.uses), owner, repo),
      };
    });
  },
});
