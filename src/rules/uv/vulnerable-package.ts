import { shellWord } from '../../core/text.js';
import { atLeast, smallestFix, type Advisory, type AdvisorySeverity } from '../../facts/advisories.js';
import type { Severity, WaivedFinding } from '../../findings.js';
import { packageRef } from './lock-diff-text.js';
import { defineRule } from '../define.js';
import { activeIgnoreOf, advisoryEntries, describeAdvisory, labelOf, reportExpiredIgnores, requirementRefusing } from './advisory-text.js';

/** Advisories named in one message before "and N more". */
const SHOWN = 5;

/** The level of a finding from its worst advisory: critical fails the gate, low is a notice, the rest warn. */
function levelFor(advisories: readonly Advisory[]): Severity | undefined {
  const worst = advisories.reduce<AdvisorySeverity | undefined>((acc, a) => (a.severity && (!acc || atLeast(a.severity, acc)) ? a.severity : acc), undefined);
  if (worst === 'critical') return 'error';
  if (worst === 'low' && advisories.every((a) => a.severity === 'low')) return 'notice';
  return undefined;
}

/**
 * An introduced version with a known vulnerability (a PYSEC, GHSA, CVE or other OSV advisory that is
 * not malicious-package's), with the fixed versions and the smallest upgrade that clears them all.
 */
export const rule = defineRule({
  meta: {
    id: 'vulnerable-package',
    defaultSeverity: 'warning',
    summary: 'An introduced package version has a known vulnerability (OSV advisory).',
    online: true,
  },
  check(ctx, report) {
    const min = ctx.settings.config.advisories?.minSeverity ?? 'low';
    for (const entry of advisoryEntries(ctx)) {
      const { lookup, pkg } = entry;
      if (!lookup || lookup.status !== 'checked') continue; // malicious-package reports what was not checked, once
      const relevant = lookup.advisories.filter((a) => !a.malicious && atLeast(a.severity, min));
      if (relevant.length === 0) continue;
      const active = relevant.filter((a) => !activeIgnoreOf(ctx, a));
      const ignored = relevant.filter((a) => activeIgnoreOf(ctx, a));
      const base = {
        file: entry.lockFile,
        line: pkg.line,
        package: packageRef(pkg),
        introduced: true,
      };
      const describe = (advisories: Advisory[]) => {
        const named =
          advisories.slice(0, SHOWN).map(describeAdvisory).join('; ') + (advisories.length > SHOWN ? `; and ${advisories.length - SHOWN} more` : '');
        const fixedIn = advisories.map((a) => `${a.id}: ${a.fixed.length > 0 ? a.fixed.join(', ') : 'no fixed version'}`).join('; ');
        const fix = smallestFix(pkg.version, advisories);
        const refusing = fix !== null ? requirementRefusing(entry.lock, pkg.name, fix) : undefined;
        const upgrade = `\`uv lock --upgrade-package ${shellWord(`${pkg.name}==${fix}`)}\``;
        const how = refusing
          ? `${refusing.member} requires ${refusing.requirement}, which refuses ${fix}: widen that requirement in its pyproject.toml first, then run ${upgrade}.`
          : `${upgrade} (if the project's constraints do not allow ${fix}, widen them first).`;
        return {
          message: `${labelOf(pkg)} has ${advisories.length === 1 ? 'a known vulnerability' : `${advisories.length} known vulnerabilities`}: ${named}. Fixed in: ${fixedIn}.`,
          fix:
            fix !== null
              ? `Upgrade to ${fix}, the smallest version that fixes ${advisories.length === 1 ? 'it' : 'all of them'}: ${how} To accept the risk for a while, add an entry with id, reason and until to advisories.ignore in ${ctx.settings.configFile}.`
              : `No fixed version clears ${advisories.length === 1 ? 'it' : 'all of them'} yet: replace or remove ${pkg.name}, or accept the risk for a while with an entry (id, reason, until) in advisories.ignore in ${ctx.settings.configFile}.`,
        };
      };
      if (active.length > 0) {
        const level = levelFor(active);
        report({ ...base, ...describe(active), subject: `${pkg.name}==${pkg.version}`, ...(level ? { level } : {}) });
      }
      if (ignored.length > 0) {
        const ignore = activeIgnoreOf(ctx, ignored[0]!)!;
        // Set aside in the config: reported as waived, never dropped.
        const waived = {
          ...base,
          ...describe(ignored),
          subject: `${pkg.name}==${pkg.version}:ignored`,
          waiver: { by: 'exemption', reason: `advisories.ignore ${ignore.id}: ${ignore.reason}`, until: ignore.until } satisfies WaivedFinding['waiver'],
        };
        report(waived);
      }
    }
    reportExpiredIgnores(ctx, report, false);
  },
});
