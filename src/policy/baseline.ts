/**
 * What "introduced" means for the diff-aware gate (only-new), for every rule at once.
 *
 * A head finding is introduced unless the base revision, audited on its own with the same rules
 * and settings (offline), reports the same finding: the same fingerprint (rule, file and subject:
 * the package, the `uses:` value, the key, the requirement; never the line, so moved lines do not
 * count) at the same or a worse severity, as many times. Rules that compare base and head
 * themselves (the lock diff, cooldown on newly locked versions, workflow findings matched
 * occurrence by occurrence) also mark their own findings; a finding is introduced only when both
 * say so. A finding the change makes worse (a notice that became an error, a second occurrence of
 * the same pin) is introduced.
 */
import { severityRank, type Finding, type Severity } from '../findings.js';

export interface Baseline {
  /** Per fingerprint: how many times base reports it, and its worst severity there. */
  readonly byFingerprint: ReadonlyMap<string, { count: number; worst: Severity }>;
}

export function baselineOf(findings: readonly Finding[]): Baseline {
  const byFingerprint = new Map<string, { count: number; worst: Severity }>();
  for (const finding of findings) {
    const entry = byFingerprint.get(finding.fingerprint);
    if (!entry) byFingerprint.set(finding.fingerprint, { count: 1, worst: finding.severity });
    else {
      entry.count++;
      if (severityRank(finding.severity) > severityRank(entry.worst)) entry.worst = finding.severity;
    }
  }
  return { byFingerprint };
}

/**
 * The head findings with `introduced` false where base already had them (see the file comment).
 * Matching goes in the given order, so with more occurrences at head than at base the later ones
 * are the introduced ones. Returns new objects; the inputs are not changed.
 */
export function markPreexisting<T extends Finding>(head: readonly T[], baseline: Baseline): T[] {
  const left = new Map([...baseline.byFingerprint].map(([fingerprint, entry]) => [fingerprint, { ...entry }]));
  return head.map((finding) => {
    if (!finding.introduced) return finding;
    // A check that could not complete fails closed, whether or not it also failed on base.
    if (finding.rule === 'internal-error') return finding;
    const entry = left.get(finding.fingerprint);
    if (!entry || entry.count === 0 || severityRank(finding.severity) > severityRank(entry.worst)) return finding;
    entry.count--;
    return { ...finding, introduced: false };
  });
}
