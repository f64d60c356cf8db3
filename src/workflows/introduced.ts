/**
 * The `introduced` flag of workflow findings: a finding is introduced when the same finding (same
 * fingerprint: rule + file + subject) is not produced by the same check on the base revision.
 */
import type { Finding } from '../findings.js';
import type { WorkflowFile } from './model.js';

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

/** The part of the rule context this reads: the workflow files at head and at base (a RuleContext is one). */
export interface RevisionWorkflows {
  workflows: WorkflowFile[];
  baseWorkflows: WorkflowFile[] | null;
}

/**
 * Runs a pure per-revision check on the head workflows and, when there is a base, on the base
 * workflows, and returns the head findings with `introduced` set. The check must not depend on
 * anything but the files it is given and the context's settings, so both runs are comparable.
 */
export function checkAgainstBase(ctx: RevisionWorkflows, check: (workflows: readonly WorkflowFile[]) => Finding[]): Finding[] {
  const head = check(ctx.workflows ?? []);
  const base = ctx.baseWorkflows ? check(ctx.baseWorkflows) : null;
  return markIntroduced(head, base);
}
