/**
 * zizmor's misfeature: features of GitHub Actions that work but should not be used.
 * - `actions/setup-python` with `pip-install:` installs packages with pip outside any lock file,
 *   unhashed and unreviewed (for a uv project: outside uv.lock).
 * - `shell: cmd`: cmd.exe's quoting and `%VAR%` expansion make scripts easy to inject into and hard
 *   to read; pwsh is the supported Windows shell.
 * - A shell that is none of GitHub's well-known ones (a custom command such as `perl {0}`): the
 *   script runs however that program reads it. Auditor persona only, as in zizmor.
 */
import { hasExpression } from '../../workflows/expressions.js';
import { basename } from '../../workflows/shell.js';
import { stepKey, stepsInContext, usesAction } from '../../workflows/steps.js';
import { get, getPair, jobsOf, posOf, str } from '../../workflows/walk.js';
import type { WorkflowFile } from '../../workflows/model.js';
import type { Scalar } from 'yaml';
import { defineRule, type Report } from '../define.js';

/** GitHub's named shells (docs: jobs.<job_id>.steps[*].shell). */
const WELL_KNOWN_SHELLS = new Set(['bash', 'sh', 'pwsh', 'powershell', 'python', 'cmd']);

export const rule = defineRule({
  meta: {
    id: 'misfeature',
    defaultSeverity: 'notice',
    summary: 'A workflow uses setup-python pip-install, shell: cmd, or a shell GitHub does not know.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      for (const s of stepsInContext(wf)) {
        const uses = str(get(s.step, 'uses'));
        const pipInstall = getPair(get(s.step, 'with'), 'pip-install');
        if (usesAction(uses, 'actions/setup-python') && pipInstall && (str(pipInstall.value) ?? '').trim() !== '') {
          const pos = posOf(wf, pipInstall.key);
          report({
            file: wf.file,
            line: pos.line,
            column: pos.column,
            message:
              'actions/setup-python installs packages with pip-install:, outside any lock file: whatever the index serves at that moment is installed, unhashed and unreviewed.',
            fix: 'Delete pip-install: and install from the lock file in a run: step (uv sync --locked, or pip install --require-hashes -r requirements.txt).',
            subject: `${s.jobId}:${stepKey(s)}:pip-install`,
          });
        }
        shellSite(wf, get(s.step, 'shell') as Scalar | undefined, `${s.jobId}:${stepKey(s)}`, report);
      }
      if (wf.kind !== 'workflow') continue;
      shellSite(wf, get(get(get(wf.doc.contents, 'defaults'), 'run'), 'shell') as Scalar | undefined, 'defaults', report);
      for (const job of jobsOf(wf)) shellSite(wf, get(get(get(job.node, 'defaults'), 'run'), 'shell') as Scalar | undefined, `${job.id}:defaults`, report);
    }
  },
});

function shellSite(wf: WorkflowFile, node: Scalar | undefined, subject: string, report: Report): void {
  const shell = str(node)?.trim();
  if (!shell || hasExpression(shell)) return;
  const words = shell.split(/\s+/);
  // `/usr/bin/env bash -e {0}` runs bash: env only looks the program up on PATH.
  const first = basename(words[0] ?? '').toLowerCase();
  const program = first === 'env' && words[1] !== undefined && !words[1].startsWith('-') ? basename(words[1]).toLowerCase() : first;
  const pos = posOf(wf, node);
  if (program === 'cmd') {
    report({
      file: wf.file,
      line: pos.line,
      column: pos.column,
      message:
        "shell: cmd runs the script with cmd.exe, whose quoting and %VAR% expansion make injection easy and errors silent (a failing line doesn't stop the script).",
      fix: 'Use shell: pwsh (or bash) on Windows.',
      subject: `${subject}:cmd`,
    });
  } else if (!WELL_KNOWN_SHELLS.has(program)) {
    report({
      file: wf.file,
      line: pos.line,
      column: pos.column,
      message: `shell: ${shell} is not one of GitHub's named shells (bash, sh, pwsh, powershell, python, cmd): the script runs however that program reads it.`,
      fix: 'Use a named shell, or run the program from a bash step so reviewers see how the script is read.',
      subject: `${subject}:shell`,
      persona: 'auditor',
    });
  }
}
