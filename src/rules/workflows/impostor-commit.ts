import { unreachablePins } from '../../facts/github-checks.js';
import { occurrenceSubjects, usesTarget } from '../../workflows/uses.js';
import { defineRule } from '../define.js';
import { releasePinFix } from './text.js';

/** A SHA pin that GitHub says is on none of the repository's branches or tags. */
export const rule = defineRule({
  meta: {
    id: 'impostor-commit',
    defaultSeverity: 'error',
    summary: "A pinned SHA is not reachable from the action repository's branches or tags.",
    online: true,
    on: 'workflows',
  },
  check(ctx, report) {
    const facts = ctx.github ?? null;
    if (!facts) return;
    for (const wf of ctx.workflows) {
      const flagged = unreachablePins(wf, facts);
      const subjects = occurrenceSubjects(flagged, (site) => site.value.trim());
      flagged.forEach((site, i) => {
        const { owner, repo, ref } = site.uses;
        report({
          file: wf.file,
          line: site.pos.line,
          column: site.pos.column,
          message: `Commit ${ref.slice(0, 12)} is on no branch or tag of ${owner}/${repo}: GitHub serves commits of any fork through the parent repository, so this pin can run code the owners never published.`,
          fix: releasePinFix(usesTarget(site.uses), owner, repo),
          subject: subjects[i],
        });
      });
    }
  },
});
