/**
 * The repository's own policy of which actions and reusable workflows may run (zizmor's
 * forbidden-uses): `workflows.forbidden-uses` in `.github/lockgate.yml`, an allow-list, a deny-list
 * or both. Without it the rule does nothing. The config is read from the base revision of a pull
 * request, so a change cannot allow its own new action.
 */
import { matchesUsesPattern, type UsesPattern } from '../../settings/uses-patterns.js';
import { usesSites, type UsesSite } from '../../workflows/uses.js';
import { occurrenceSubjects } from '../../findings.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'forbidden-uses',
    // zizmor: High / High. An error: the repository wrote this policy itself; breaking it is never healthy.
    defaultSeverity: 'error',
    defaultConfidence: 'high',
    persona: 'regular',
    summary: 'An action or reusable workflow is forbidden by the `workflows.forbidden-uses` policy of `.github/lockgate.yml`.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    const policy = ctx.settings.config.workflows?.forbiddenUses;
    if (!policy || (!policy.allow && !policy.deny?.length)) return;
    const configFile = ctx.settings.configFile;
    for (const wf of ctx.workflows) {
      const flagged: { site: UsesSite; message: string; fix: string }[] = [];
      for (const site of usesSites(wf)) {
        const uses = site.uses;
        // Local actions and docker:// images are not repository uses (zizmor leaves them out too).
        if (uses.kind !== 'repository') continue;
        const written = site.value.trim();
        const what = site.where === 'job' ? 'reusable workflow' : 'action';
        const denied = policy.deny?.find((pattern) => matchesUsesPattern(pattern, uses));
        if (denied) {
          flagged.push({
            site,
            message: `The ${what} ${written} is forbidden by this repository's policy: it matches the deny pattern ${denied.text} of workflows.forbidden-uses in ${configFile}.`,
            fix: `Remove this step or use an allowed ${what} instead; ${denied.text} was denied on purpose, so change ${configFile} only if that decision changes.`,
          });
          continue;
        }
        if (policy.allow && !policy.allow.some((pattern) => matchesUsesPattern(pattern, uses))) {
          flagged.push({
            site,
            message:
              `The ${what} ${written} is forbidden by this repository's policy: it matches none of the allow patterns of workflows.forbidden-uses in ${configFile} ` +
              `(${listOf(policy.allow)}).`,
            fix:
              `Use an allowed ${what} instead, or, once ${uses.owner}/${uses.repo} has been reviewed, add it to workflows.forbidden-uses.allow in ${configFile} ` +
              `(as ${uses.owner}/${uses.repo}${uses.path ? `/${uses.path}` : ''}, or ${uses.owner}/* for everything of its owner).`,
          });
        }
      }
      const subjects = occurrenceSubjects(flagged, (f) => f.site.value.trim());
      flagged.forEach((f, i) => {
        report({ file: wf.file, line: f.site.pos.line, column: f.site.pos.column, message: f.message, fix: f.fix, subject: subjects[i] });
      });
    }
  },
});

/** The patterns for a message: the first few, and how many more. */
function listOf(patterns: readonly UsesPattern[]): string {
  const shown = patterns.slice(0, 5).map((pattern) => pattern.text);
  return patterns.length > shown.length ? `${shown.join(', ')} and ${patterns.length - shown.length} more` : shown.join(', ');
}
