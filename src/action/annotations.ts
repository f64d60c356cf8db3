/**
 * Workflow-command annotations: GitHub shows at most 10 errors, 10 warnings and 10 notices per step
 * and drops the rest silently, so lockgate picks the most severe findings itself and says in the
 * log how many more there are and where they are.
 */
import { compareFindings, type Finding, type Severity } from '../findings.js';
import { workflowCommand } from '../report/github.js';

/** GitHub's per-step cap for each annotation type. */
export const ANNOTATIONS_PER_TYPE = 10;

export interface AnnotationPlan {
  commands: string[];
  shown: Record<Severity, number>;
  hidden: Record<Severity, number>;
}

/**
 * Picks, per severity, the first findings (most severe, then by file and line) that fit in what
 * is left of the cap after lockgate's own messages (`reserved`: e.g. 1 error for setFailed).
 */
export function planAnnotations(findings: readonly Finding[], reserved: Partial<Record<Severity, number>> = {}): AnnotationPlan {
  const shown: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  const hidden: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  const commands: string[] = [];
  for (const finding of [...findings].sort(compareFindings)) {
    const room = Math.max(0, ANNOTATIONS_PER_TYPE - (reserved[finding.severity] ?? 0));
    if (shown[finding.severity] < room) {
      commands.push(workflowCommand(finding));
      shown[finding.severity]++;
    } else {
      hidden[finding.severity]++;
    }
  }
  return { commands, shown, hidden };
}

/** One log line about the findings that got no workflow annotation, or null when none. */
export function hiddenAnnotationsLine(plan: AnnotationPlan, where: string[]): string | null {
  const parts = (['error', 'warning', 'notice'] as Severity[])
    .filter((s) => plan.hidden[s] > 0)
    .map((s) => `${plan.hidden[s]} more ${plan.hidden[s] === 1 ? s : `${s}s`}`);
  if (parts.length === 0) return null;
  return `${parts.join(', ')} not annotated here (GitHub shows ${ANNOTATIONS_PER_TYPE} of each type per step); every finding is in ${where.join(', ')}.`;
}

/**
 * A plain log line that the runner cannot read as a command: newlines are folded (a new line could
 * start with `::`), and `##[`, which the runner reads as a legacy command anywhere in a line, gets a
 * zero-width space.
 */
export function logLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/##\[/g, '##\u200B[');
}
