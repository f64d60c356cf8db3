/**
 * An action named one typo away from a popular action, under another owner (zizmor's
 * typosquat-uses): a squatter registers `actoins/checkout` and waits for a slip. Offline, lockgate
 * cannot tell whether the look-alike is a squat or an unrelated action with a similar name, so the
 * finding has low confidence, as zizmor's has without a token.
 */
import { ACTION_SQUAT_DESCRIPTIONS, actionTyposquat } from '../../typosquat/actions.js';
import { usesSites, type UsesSite } from '../../workflows/uses.js';
import { occurrenceSubjects } from '../../findings.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'typosquat-uses',
    // zizmor: High / Low offline. A warning: a name alone is not proof, and a gate that fails on a guess gets uninstalled.
    defaultSeverity: 'warning',
    defaultConfidence: 'low',
    persona: 'regular',
    summary: 'An action or reusable workflow is named like a popular action under another owner (a possible typosquat).',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    // The repository's own owner naming its own actions is not squatting anyone.
    const self = ctx.settings.repository?.split('/')[0]?.toLowerCase();
    for (const wf of ctx.workflows) {
      const flagged: { site: UsesSite; slug: string; message: string; fix: string }[] = [];
      for (const site of usesSites(wf)) {
        const uses = site.uses;
        if (uses.kind !== 'repository' || !uses.validName || uses.owner.toLowerCase() === self) continue;
        const squat = actionTyposquat(uses.owner, uses.repo);
        if (!squat) continue;
        const slug = `${uses.owner}/${uses.repo}`;
        const what = site.where === 'job' ? 'reusable workflow' : 'action';
        const meant = `${squat.popular}${uses.path ? `/${uses.path}` : ''}`;
        flagged.push({
          site,
          slug,
          message:
            `The ${what} ${slug} looks like the popular action ${squat.popular} under another owner: it ${ACTION_SQUAT_DESCRIPTIONS[squat.technique]} ${squat.popular}. ` +
            `A typosquatted action runs its author's code with this job's token and secrets. ` +
            'Checked offline against a list of popular actions: it may also be an unrelated action with a similar name.',
          fix:
            `If you meant ${squat.popular}, write ${meant}@<commit sha> # <tag>. ` +
            `If ${slug} is the action you meant, check its repository and owner, then ignore this finding (# lockgate: ignore[typosquat-uses]).`,
        });
      }
      const subjects = occurrenceSubjects(flagged, (f) => f.slug.toLowerCase());
      flagged.forEach((f, i) => {
        report({ file: wf.file, line: f.site.pos.line, column: f.site.pos.column, message: f.message, fix: f.fix, subject: subjects[i] });
      });
    }
  },
});
