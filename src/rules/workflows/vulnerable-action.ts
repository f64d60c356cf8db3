import { actionVersion } from '../../facts/github-checks.js';
import { githubFactKey } from '../../facts/keys.js';
import type { Severity, WaivedFinding } from '../../findings.js';
import { activeIgnoreOf } from '../uv/advisory-text.js';
import { usesSites, usesTarget, type UsesSite } from '../../workflows/uses.js';
import { occurrenceSubjects } from '../../findings.js';
import { defineRule } from '../define.js';

/** GitHub's advisory severity as a level: critical and high fail, medium warns, low is a notice (unknown warns). */
function levelOf(severity: string): Severity {
  if (severity === 'critical' || severity === 'high') return 'error';
  if (severity === 'low') return 'notice';
  return 'warning';
}

/** An action version a GitHub security advisory (ecosystem `actions`) lists as affected. */
export const rule = defineRule({
  meta: {
    id: 'vulnerable-action',
    defaultSeverity: 'warning',
    summary: 'An action version has a known vulnerability (GitHub security advisory).',
    online: true,
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    const facts = ctx.github ?? null;
    if (!facts?.actionAdvisories) return;
    for (const wf of ctx.workflows) {
      const flagged: {
        site: UsesSite;
        version: string;
        advisory: { ghsaId: string; severity: string; summary: string; url: string; firstPatched?: string };
      }[] = [];
      for (const site of usesSites(wf)) {
        if (site.uses.kind !== 'repository') continue;
        const version = actionVersion(facts, site);
        if (version === undefined) continue;
        const advisories = facts.actionAdvisories.get(githubFactKey(site.uses.owner, site.uses.repo, version));
        if (!Array.isArray(advisories)) continue;
        for (const advisory of advisories) flagged.push({ site, version, advisory });
      }
      const subjects = occurrenceSubjects(flagged, (f) => `${f.site.value.trim()} ${f.advisory.ghsaId}`);
      flagged.forEach(({ site, version, advisory }, i) => {
        if (site.uses.kind !== 'repository') return;
        const { owner, repo } = site.uses;
        const summary = advisory.summary ? `: ${advisory.summary}` : '';
        // The same `advisories.ignore` entries (id, reason, until) as vulnerable-package: reported as waived, never dropped.
        const ignore = activeIgnoreOf(ctx, { id: advisory.ghsaId, aliases: [] });
        const waiver = ignore
          ? ({ by: 'exemption', reason: `advisories.ignore ${ignore.id}: ${ignore.reason}`, until: ignore.until } satisfies WaivedFinding['waiver'])
          : undefined;
        report({
          ...(waiver ? { waiver } : {}),
          file: wf.file,
          line: site.pos.line,
          column: site.pos.column,
          level: levelOf(advisory.severity),
          message: `${owner}/${repo} ${version} is affected by ${advisory.ghsaId} (${advisory.severity})${summary}. ${advisory.url}`,
          fix: advisory.firstPatched
            ? `Upgrade to ${advisory.firstPatched} or later, pinned: ${usesTarget(site.uses)}@<sha of ${advisory.firstPatched}> # ${advisory.firstPatched}`
            : `No fixed version is listed: replace the action, or accept the risk for a while with an entry (id, reason, until) in advisories.ignore in ${ctx.settings.configFile}.`,
          subject: subjects[i],
        });
      });
    }
  },
});
