/**
 * The `introduced` flag of workflow findings: a finding is introduced when the same finding (same
 * fingerprint: rule + file + subject) is not produced by the same check on the base revision.
 * defineRule (define.ts) applies it to every rule declared `on: 'workflows'`.
 */
import type { Finding } from '../findings.js';

/**
 * Sets `introduced` on each head finding: false when base has a finding with the same fingerprint.
 * Counted as a multiset: if base had one finding with a fingerprint and head has two, one of the two
 * is introduced (the later one in head order). With no base (a full audit) every finding is
 * introduced. Returns new objects; the inputs are not changed.
 */
export function markIntroduced(head: readonly Finding[], base: readonly Finding[] | null): Finding[] {
  if (base === null) return head.map((finding) => ({ ...finding, introduced: true }));
  const remaining = new Map<string, number>();
  for (const finding of base) remaining.set(finding.fingerprint, (remaining.get(finding.fingerprint) ?? 0) + 1);
  return head.map((finding) => {
    const left = remaining.get(finding.fingerprint) ?? 0;
    if (left > 0) {
      remaining.set(finding.fingerprint, left - 1);
      return { ...finding, introduced: false };
    }
    return { ...finding, introduced: true };
  });
}
