/**
 * A lock that the workflow asks for and then takes back:
 * - UV_LOCKED / UV_FROZEN set true for the workflow, the job or by an earlier step, and set false
 *   or unset for a `uv sync` / `uv run` / `uv export` / `uv lock` (step `env:`, `UV_LOCKED=0 uv sync`,
 *   `export`, `unset`, `env -u`). uv-unlocked counts the wider setting as the lock and stays silent;
 *   this rule reports the command it does not cover.
 * - uv.lock rewritten in the job (`uv lock` without --check, `uv lock --upgrade`, `uv add`,
 *   `uv remove`) before a `uv sync --locked` (or `--frozen`, or under UV_LOCKED / UV_FROZEN): the check
 *   then passes against the lock the job just wrote, not the one that was reviewed. A job that then
 *   commits or opens a pull request (a lock-upgrade job) is not reported.
 * uv has no `--no-locked` or `--no-frozen`; `--upgrade` with `--locked` is an error uv reports itself.
 */
import { commandText, runCommands, uvInvocation, uvRunOptions, type RunCommand } from '../../workflows/run-steps.js';
import { publishReasons } from '../../workflows/publishing.js';
import { stepsInContext, usesAction } from '../../workflows/steps.js';
import { occurrenceSubjects } from '../../findings.js';
import { earlierStepSetsLock, lockedByEnv, lockOverride, type LockSetting } from '../../workflows/uv-lock-env.js';
import { get, str } from '../../workflows/walk.js';
import type { WorkflowFile } from '../../workflows/model.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'uv-lock-overridden',
    defaultSeverity: 'warning',
    defaultConfidence: 'high',
    summary: 'A workflow sets UV_LOCKED or UV_FROZEN, or runs uv sync --locked, and then undoes the lock.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      const commands = runCommands(wf);
      const setByEarlierStep = earlierStepSetsLock(commands);
      const flagged: { rc: RunCommand; text: string; message: string; fix: string; confidence?: 'medium' }[] = [];
      for (const rc of commands) {
        const uv = uvInvocation(rc.name, rc.args);
        if (!uv || !LOCKING_SUBCOMMANDS.has(uv.subcommand)) continue;
        const options = uv.subcommand === 'run' ? uvRunOptions(uv.args) : uv.args.map((a) => a.value);
        if (options.some((o) => LOCK_FLAGS.has(o) || o.includes('${{'))) continue;
        if (uv.subcommand === 'run' && options.some((o) => NOT_A_PROJECT_RUN.has(o))) continue;
        if (uv.subcommand === 'lock' && options.some((o) => o === '--script' || o === '--dry-run')) continue;
        const override = lockOverride(rc, commands, setByEarlierStep);
        if (!override) continue;
        // A lock-upgrade job turns the workflow's lock off for its `uv lock` on purpose: the new lock goes to review.
        if (uv.subcommand === 'lock' && proposesChange(wf, rc.job, commands)) continue;
        const text = commandText(rc);
        flagged.push({
          rc,
          text,
          message:
            `\`${text}\` runs without the lock the workflow asks for: ${describe(override.outer)}, but ${describe(override.inner)}, ` +
            `so uv may re-resolve and rewrite uv.lock here instead of installing what was reviewed.`,
          fix: `Drop the override (${override.inner.scope === 'unset' ? `unset ${override.inner.key}` : `${override.inner.key}=${override.inner.value}`}); a step that must re-lock belongs in a reviewed pull request.`,
        });
      }
      // A `uv lock` already reported for its override is not reported again for what follows it.
      const overridden = new Set(flagged.map((f) => f.rc));
      flagged.push(...rewritesBeforeLockedInstall(wf, commands, setByEarlierStep).filter((f) => !overridden.has(f.rc)));
      const subjects = occurrenceSubjects(flagged, (f) => `${f.rc.job}:${f.text}`);
      flagged.forEach((f, i) => report({ file: wf.file, line: f.rc.line, message: f.message, fix: f.fix, subject: subjects[i], confidence: f.confidence }));
    }
  },
});

/** Subcommands that read UV_LOCKED / UV_FROZEN to decide whether uv.lock may change. */
const LOCKING_SUBCOMMANDS = new Set(['sync', 'run', 'export', 'lock']);
const LOCK_FLAGS = new Set(['--locked', '--frozen', '--check', '--check-exists']);
const NOT_A_PROJECT_RUN = new Set(['--script', '--no-project', '--no-sync', '--gui-script']);
const UPGRADE_RE = /^(--upgrade|-U|--upgrade-package|-P|--upgrade-group)(=|$)/;

function describe(setting: LockSetting): string {
  const where: Record<LockSetting['scope'], string> = {
    command: 'this command sets',
    unset: 'a command unsets',
    step: "the step's env sets",
    'github-env': 'an earlier step writes to $GITHUB_ENV',
    job: "the job's env sets",
    workflow: "the workflow's env sets",
  };
  const line = setting.line !== undefined && setting.scope !== 'command' ? ` (line ${setting.line})` : '';
  if (setting.value === null) return `${where.unset} ${setting.key}${line}`;
  if (setting.scope === 'github-env') return `${where['github-env']} ${setting.key}=1`;
  return `${where[setting.scope]} ${setting.key}=${setting.value}${line}`;
}

/** Whether a uv command reads uv.lock as it stands: --locked / --frozen, or UV_LOCKED / UV_FROZEN in its env. */
function installsLocked(rc: RunCommand, setByEarlierStep: (rc: RunCommand) => boolean): boolean {
  const uv = uvInvocation(rc.name, rc.args);
  if (!uv || !['sync', 'run', 'export', 'pip sync'].includes(uv.subcommand)) return false;
  if (uv.subcommand === 'pip sync') return false;
  const options = uv.subcommand === 'run' ? uvRunOptions(uv.args) : uv.args.map((a) => a.value);
  if (uv.subcommand === 'run' && options.some((o) => NOT_A_PROJECT_RUN.has(o))) return false;
  return options.some((o) => o === '--locked' || o === '--frozen') || lockedByEnv(rc, setByEarlierStep);
}

/** A command that rewrites uv.lock: `uv lock` (not a check), `uv add`, `uv remove`. The upgrade flags, for the message. */
function lockRewrite(rc: RunCommand, setByEarlierStep: (rc: RunCommand) => boolean): { upgrade: boolean } | undefined {
  const uv = uvInvocation(rc.name, rc.args);
  if (!uv || !['lock', 'add', 'remove'].includes(uv.subcommand)) return undefined;
  const options = uv.args.map((a) => a.value);
  if (options.some((o) => ['--check', '--locked', '--check-exists', '--frozen', '--dry-run', '--script'].includes(o) || o.includes('${{'))) return undefined;
  // UV_LOCKED makes `uv lock` a check and `uv add` fail; UV_FROZEN makes them leave uv.lock alone.
  if (lockedByEnv(rc, setByEarlierStep)) return undefined;
  return { upgrade: uv.subcommand !== 'lock' || options.some((o) => UPGRADE_RE.test(o)) };
}

/** A job that commits or opens a pull request after re-locking: a lock-upgrade job, whose point is the new lock. */
function proposesChange(wf: WorkflowFile, job: string, commands: readonly RunCommand[]): boolean {
  if (
    commands.some(
      (c) => c.job === job && ((c.name === 'git' && ['commit', 'push'].includes(c.args[0]?.value ?? '')) || (c.name === 'gh' && c.args[0]?.value === 'pr')),
    )
  )
    return true;
  return stepsInContext(wf).some(
    (s) =>
      s.jobId === job &&
      ['peter-evans/create-pull-request', 'stefanzweifel/git-auto-commit-action', 'ad-m/github-push-action', 'EndBug/add-and-commit'].some((repo) =>
        usesAction(str(get(s.step, 'uses')), repo.toLowerCase()),
      ),
  );
}

function rewritesBeforeLockedInstall(
  wf: WorkflowFile,
  commands: readonly RunCommand[],
  setByEarlierStep: (rc: RunCommand) => boolean,
): { rc: RunCommand; text: string; message: string; fix: string; confidence?: 'medium' }[] {
  const out: { rc: RunCommand; text: string; message: string; fix: string; confidence?: 'medium' }[] = [];
  commands.forEach((rc, i) => {
    const rewrite = lockRewrite(rc, setByEarlierStep);
    if (!rewrite) return;
    const later = commands.slice(i + 1).find((c) => c.job === rc.job && installsLocked(c, setByEarlierStep));
    if (!later || proposesChange(wf, rc.job, commands)) return;
    const text = commandText(rc);
    const publishing = publishReasons(wf, rc.job).length > 0;
    out.push({
      rc,
      text,
      message:
        `\`${text}\` rewrites uv.lock before \`${commandText(later)}\` (line ${later.line}), whose lock check then passes against the lock this job just wrote` +
        `${rewrite.upgrade ? ', with versions nobody reviewed' : ''}, not the one in the repository${publishing ? '; and this job publishes' : ''}.`,
      fix: rewrite.upgrade
        ? 'Upgrade in a pull request (uv lock --upgrade, reviewed there) and drop it from this job; to see what an upgrade would change here, use uv lock --upgrade --dry-run.'
        : 'Replace it with uv lock --check (fails when uv.lock is out of date), or drop it.',
      // A plain `uv lock` changes nothing when the lock is current: it hides a stale lock rather than upgrading.
      confidence: rewrite.upgrade ? undefined : 'medium',
    });
  });
  return out;
}
