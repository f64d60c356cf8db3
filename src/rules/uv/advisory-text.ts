/**
 * What the two advisory rules (malicious-package, vulnerable-package) share: which lock entries
 * OSV was asked about, what it said for each, and the `advisories.ignore` entries of the config.
 */
import { advisoryKey, isPypiSourced, type Advisory, type AdvisoryLookup } from '../../facts/advisories.js';
import { normalizeName, packageLabel } from '../../core/text.js';
import { isReleaseOnly, parseSpecifiers, parseVersion, releaseMatches } from '../../uv/specifiers.js';
import type { AdvisoryIgnore } from '../../settings/types.js';
import type { Lock, LockPackage } from '../../uv/model.js';
import type { RuleContext } from '../types.js';
import type { Report } from '../define.js';

export interface AdvisoryEntry {
  lockFile: string;
  pkg: LockPackage & { version: string };
  lookup: AdvisoryLookup | undefined;
  /** The head lock the entry is in (for the requirements its workspace members state on it). */
  lock: Lock | null;
}

/** Every introduced PyPI-sourced lock entry with what OSV said about it (undefined: not asked). */
export function advisoryEntries(ctx: RuleContext): AdvisoryEntry[] {
  const entries: AdvisoryEntry[] = [];
  for (const pair of ctx.projects) {
    for (const introduced of Array.isArray(pair.introduced) ? pair.introduced : []) {
      const pkg = introduced?.package;
      if (!pkg || typeof pkg.name !== 'string' || typeof pkg.version !== 'string' || pkg.version === '' || !isPypiSourced(pkg)) continue;
      entries.push({
        lockFile: pair.lockFile,
        pkg: pkg as LockPackage & { version: string },
        lookup: ctx.advisories?.packages.get(advisoryKey(pkg.name, pkg.version)),
        lock: pair.head?.lock ?? null,
      });
    }
  }
  return entries;
}

/** Whether an ignore's expiry date has passed (it waives through its `until` day, as the other waivers do). */
function ignoreExpired(entry: AdvisoryIgnore, now: Date): boolean {
  return now.getTime() >= Date.parse(`${entry.until}T00:00:00Z`) + 86_400_000;
}

/** The active ignore that names this advisory (its id or an alias), if any. */
export function activeIgnoreOf(ctx: RuleContext, advisory: Pick<Advisory, 'id' | 'aliases'>): AdvisoryIgnore | undefined {
  const names = new Set([advisory.id, ...advisory.aliases].map((n) => n.toUpperCase()));
  return (ctx.settings.config.advisories?.ignore ?? []).find((entry) => names.has(entry.id.toUpperCase()) && !ignoreExpired(entry, ctx.now));
}

/** "GHSA-xxxx (high, CVSS 8.1, 2024-05-01): summary". */
export function describeAdvisory(advisory: Advisory): string {
  const facts = [advisory.severity, advisory.cvssScore !== undefined ? `CVSS ${advisory.cvssScore}` : undefined, advisory.published?.slice(0, 10)].filter(
    Boolean,
  );
  return `${advisory.id}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}${advisory.summary ? `: ${advisory.summary}` : ''}`;
}

export function labelOf(pkg: LockPackage): string {
  return packageLabel({ name: pkg.name, version: pkg.version ?? null });
}

/** The config's expired advisory ignores for one rule: MAL- ids belong to malicious-package, the rest to vulnerable-package. */
function expiredIgnores(ctx: RuleContext, malicious: boolean): AdvisoryIgnore[] {
  return (ctx.settings.config.advisories?.ignore ?? []).filter(
    (entry) => entry.id.toUpperCase().startsWith('MAL-') === malicious && ignoreExpired(entry, ctx.now),
  );
}

/** One notice for each expired advisory ignore of the rule: an expired waiver is said, never silently dropped. */
export function reportExpiredIgnores(ctx: RuleContext, report: Report, malicious: boolean): void {
  for (const ignore of expiredIgnores(ctx, malicious)) {
    report({
      file: ctx.settings.configFile,
      level: 'notice',
      message: `The advisory ignore of ${ignore.id} expired on ${ignore.until} ("${ignore.reason}"); it no longer waives anything.`,
      fix: `Remove it from advisories.ignore in ${ctx.settings.configFile}, or renew it with a new until date and reason.`,
      introduced: true,
      subject: `expired-advisory-ignore:${ignore.id}`,
    });
  }
}

/**
 * A direct requirement of a workspace member (its `[package.metadata]` requires-dist or dev groups,
 * as uv recorded them in the lock) that refuses `version`: upgrading to it means widening that
 * requirement first. Undefined when none refuses it, or when that cannot be told exactly from the
 * release numbers (pre-releases, post releases, epochs, local versions).
 */
export function requirementRefusing(lock: Lock | null, name: string, version: string): { member: string; requirement: string } | undefined {
  const target = parseVersion(version);
  if (!lock || !target || !isReleaseOnly(target)) return undefined;
  const wanted = normalizeName(name);
  for (const member of lock.packages) {
    if (!member.metadata || member.source.kind === 'registry') continue;
    const tables = [...member.metadata.requiresDist, ...Object.values(member.metadata.requiresDev).flat()];
    for (const table of tables) {
      if (normalizeName(table.name) !== wanted || !table.specifier) continue;
      const specs = parseSpecifiers(table.specifier);
      if (!specs.ok || specs.value.some((spec) => !spec.version || !isReleaseOnly(spec.version) || spec.operator === '===')) continue;
      if (!specs.value.every((spec) => releaseMatches(spec, target.release))) return { member: member.name, requirement: `${table.name}${table.specifier}` };
    }
  }
  return undefined;
}
