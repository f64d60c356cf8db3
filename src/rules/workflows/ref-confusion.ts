import { confusableRefs } from '../../facts/github-checks.js';
import { occurrenceSubjects, usesTarget } from '../../workflows/uses.js';
import { defineRule } from '../define.js';

/** A `uses:` ref that the action's repository has both as a branch and as a tag: which one runs is not what a reader expects. */
export const rule = defineRule({
  meta: {
    id: 'ref-confusion',
    defaultSeverity: 'warning',
    summary: "A uses: ref names both a branch and a tag of the action's repository.",
    online: true,
    on: 'workflows',
  },
  check(ctx, report) {
    const facts = ctx.github ?? null;
    if (!facts) return;
    for (const wf of ctx.workflows) {
      const flagged = confusableRefs(wf, facts);
      const subjects = occurrenceSubjects(flagged, (site) => site.value.trim());
      flagged.forEach((site, i) => {
        if (site.uses.kind !== 'repository') return;
        const { owner, repo, ref } = site.uses;
        report({
          file: wf.file,
          line: site.pos.line,
          column: site.pos.column,
          message: `${owner}/${repo} has both a branch and a tag named ${ref}: a reader cannot tell which one runs, and whoever can push a branch of that name can change what this workflow runs.`,
          fix: `Pin the commit of the release you mean: ${usesTarget(site.uses)}@<sha> # <tag>, from: gh api repos/${owner}/${repo}/git/ref/tags/${ref} --jq .object.sha`,
          subject: subjects[i],
        });
      });
    }
  },
});
