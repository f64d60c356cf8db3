import { untaggedPins } from '../../facts/github-checks.js';
import { occurrenceSubjects, usesTarget } from '../../workflows/uses.js';
import { defineRule } from '../define.js';
import { releasePinFix } from './text.js';

/** A step pinned to a commit that no tag of the action's repository points at (pedantic, as zizmor's stale-action-refs). */
export const rule = defineRule({
  meta: {
    id: 'stale-action-ref',
    defaultSeverity: 'notice',
    summary: 'A pinned SHA is not the commit of any tag of the action repository.',
    online: true,
    on: 'workflows',
    persona: 'pedantic',
  },
  check(ctx, report) {
    const facts = ctx.github ?? null;
    if (!facts) return;
    for (const wf of ctx.workflows) {
      const flagged = untaggedPins(wf, facts);
      const subjects = occurrenceSubjects(flagged, (site) => site.value.trim());
      flagged.forEach((site, i) => {
        const { owner, repo, ref } = site.uses;
        report({
          file: wf.file,
          line: site.pos.line,
          column: site.pos.column,
          message: `Commit ${ref.slice(0, 12)} is not the commit of any tag of ${owner}/${repo}: it is not a release, so no version names the code that runs and update tools cannot tell what it is.`,
          fix: releasePinFix(usesTarget(site.uses), owner, repo),
          subject: subjects[i],
        });
      });
    }
  },
});
