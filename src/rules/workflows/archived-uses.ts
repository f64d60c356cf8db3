/**
 * An action or reusable workflow from an archived repository (zizmor's archived-uses): it is frozen,
 * so whatever is wrong with it now, security holes included, stays wrong. The list is zizmor's,
 * baked in (src/workflows/archived-actions.ts), so the check runs offline.
 */
import { archivedAction } from '../../workflows/archived-actions.js';
import { usesSites, usesTarget, type UsesSite } from '../../workflows/uses.js';
import { occurrenceSubjects } from '../../findings.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'archived-uses',
    // zizmor: Medium / High. A warning: the workflow still runs; nothing is exploitable today by itself.
    defaultSeverity: 'warning',
    defaultConfidence: 'high',
    persona: 'regular',
    summary: 'An action or reusable workflow comes from an archived repository, which gets no more fixes.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      const flagged: { site: UsesSite; target: string; replacement?: string }[] = [];
      for (const site of usesSites(wf)) {
        const uses = site.uses;
        if (uses.kind !== 'repository' || !uses.validName) continue;
        const archived = archivedAction(uses.owner, uses.repo);
        if (archived) flagged.push({ site, target: usesTarget(uses), replacement: archived.replacement });
      }
      // The subject is the action, not the ref: bumping an archived action's version is not a new finding.
      const subjects = occurrenceSubjects(flagged, (f) => f.target.toLowerCase());
      flagged.forEach(({ site, target, replacement }, i) => {
        const uses = site.uses as Extract<UsesSite['uses'], { kind: 'repository' }>;
        const what = site.where === 'job' ? 'reusable workflow' : 'action';
        report({
          file: wf.file,
          line: site.pos.line,
          column: site.pos.column,
          message:
            `The ${what} ${target} comes from ${uses.owner}/${uses.repo}, an archived repository: it gets no more fixes, security fixes included, ` +
            'and its dependencies stay as old as they are; a vulnerability found in it will not be fixed there.',
          fix: replacement
            ? `Replace it with ${replacement}.`
            : 'Replace it with a maintained action that does the same, or with the commands it runs in a run: step; ' +
              'or keep a reviewed copy in this repository (./.github/actions/…) that you maintain.',
          subject: subjects[i],
        });
      });
    }
  },
});
