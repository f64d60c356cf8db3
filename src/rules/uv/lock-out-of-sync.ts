/**
 * lock-out-of-sync: the static lock-sync check's issues (src/uv/sync) as findings: an error for each
 * input that differs from what uv.lock records, a notice (same rule id) for what lockgate cannot
 * decide without uv.
 */
import type { UvProject } from '../../uv/model.js';
import { checkLockSync, type SyncIssue } from '../../uv/sync/index.js';
import { occurrenceSubjects } from '../../findings.js';
import { defineRule, type Report } from '../define.js';

export const rule = defineRule({
  meta: { id: 'lock-out-of-sync', defaultSeverity: 'error', summary: 'uv.lock does not match pyproject.toml: `uv sync --locked` would fail.' },
  check(ctx, report) {
    for (const pair of ctx.projects) {
      if (!pair.head?.lock) continue;
      checkProject(pair.head, pair.base, report);
    }
  },
});

/**
 * What the issue is about, without its values or line: the kind, the member, the field and the
 * item (a requirement's name). A version bump of a project whose lock was already stale keeps its
 * fingerprint, so a lock that was out of sync at base is not reported as newly broken on every
 * release. A repeat of the same subject in one lock gets `#n`, so fingerprints stay distinct and
 * base and head are matched occurrence by occurrence.
 */
function subjectsOf(issues: readonly SyncIssue[]): string[] {
  return occurrenceSubjects([...issues], (issue) => [issue.kind, issue.member, issue.what, issue.about ?? ''].join('\u0000'));
}

function quote(value: string): string {
  return `\`${value}\``;
}

function who(issue: SyncIssue): string {
  return issue.member === 'workspace' ? 'the workspace' : quote(issue.member);
}

function lockCommand(project: UvProject): string {
  return project.root === '' ? 'uv lock' : `uv lock --directory ${project.root}`;
}

/** A value in a message: code-quoted, except lockgate's own `(absent)`-style placeholders. */
function value(text: string): string {
  return text.startsWith('(') ? text : quote(text);
}

/**
 * Whether the issue is in a file outside the project's folder: a setting inherited from a folder
 * above (uv looks upwards for `[tool.uv]`) or an in-repo path dependency. Several locks can read
 * that one file, so the finding names its lock, in the message and the fingerprint.
 */
function outsideProject(issue: SyncIssue, project: UvProject): boolean {
  return project.root !== '' && !issue.file.startsWith(`${project.root}/`);
}

function messageOf(issue: SyncIssue, lock = 'uv.lock'): string {
  if (issue.kind === 'mismatch') {
    const values = [
      issue.inPyproject !== undefined ? `the project has ${value(issue.inPyproject)}` : '',
      issue.inLock !== undefined ? `uv.lock records ${value(issue.inLock)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const detail = issue.detail ? ` (${issue.detail})` : '';
    return `${lock} does not match ${issue.what} of ${who(issue)}${values ? `: ${values}` : ''}${detail}. \`uv sync --locked\` and \`uv lock --check\` would fail, and a plain \`uv sync\` would re-lock silently.`;
  }
  const values = [
    issue.inPyproject !== undefined ? `project: ${value(issue.inPyproject)}` : '',
    issue.inLock !== undefined ? `uv.lock: ${value(issue.inLock)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `lockgate cannot tell statically whether ${lock} matches ${issue.what} of ${who(issue)}${values ? ` (${values})` : ''}: ${issue.detail ?? 'that needs uv itself'}.`;
}

function fixOf(issue: SyncIssue, project: UvProject): string {
  const command = lockCommand(project);
  if (issue.kind === 'mismatch') return `Run \`${command}\` and commit the updated uv.lock (CI should install with \`uv sync --locked\`).`;
  return `Let CI run \`${command} --check\` (or \`uv sync --locked\`), which decides it; ignore this notice if it does.`;
}

function checkProject(head: UvProject, base: UvProject | null, report: Report): void {
  const issues = checkLockSync(head);
  if (issues.length === 0) return;
  const subjects = subjectsOf(issues);
  // Introduced: not reported about the same thing at base (a full audit has no base: everything is).
  const baseSubjects = base?.lock ? new Set(subjectsOf(checkLockSync(base))) : null;
  issues.forEach((issue, i) => {
    const outside = outsideProject(issue, head);
    report({
      // What lockgate cannot decide statically is a notice under the same rule id.
      level: issue.kind === 'mismatch' ? undefined : 'notice',
      file: issue.file,
      line: issue.line,
      message: messageOf(issue, outside ? head.lockFile : 'uv.lock'),
      fix: fixOf(issue, head),
      subject: outside ? `${head.lockFile}\u0000${subjects[i]}` : subjects[i]!,
      introduced: baseSubjects ? !baseSubjects.has(subjects[i]!) : true,
    });
  });
}
