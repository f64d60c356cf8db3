/**
 * `uv sync`, `uv run` and `uv export` in a workflow without --locked or --frozen (on the command, or
 * UV_LOCKED / UV_FROZEN in its environment): uv may then re-resolve and rewrite uv.lock in CI.
 */
import { commandText, runCommands, uvInvocation, uvRunOptions, type RunCommand } from '../../workflows/run-steps.js';
import { occurrenceSubjects } from '../../findings.js';
import { earlierStepSetsLock, lockedByEnv } from '../../workflows/uv-lock-env.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'uv-unlocked',
    defaultSeverity: 'warning',
    summary: 'A workflow runs uv without --locked or --frozen.',
    on: 'workflows',
    scope: 'file',
    fixable: true,
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      const flagged: { rc: RunCommand; text: string; sub: string; upgrade: boolean }[] = [];
      const commands = runCommands(wf);
      const setByEarlierStep = earlierStepSetsLock(commands);
      for (const rc of commands) {
        const uv = uvInvocation(rc.name, rc.args);
        if (!uv || !['sync', 'run', 'export'].includes(uv.subcommand)) continue;
        const options = uv.subcommand === 'run' ? uvRunOptions(uv.args) : uv.args.map((a) => a.value);
        if (options.some((o) => LOCK_FLAGS.has(o))) continue;
        // Options from an expression (`uv sync ${{ inputs.args }}`) may carry --frozen: not judged.
        if (options.some((o) => o.includes('${{'))) continue;
        if (uv.subcommand === 'run') {
          // Not a project run: a standalone script, or explicitly outside the project. `--no-sync` implies `--frozen`.
          if (options.some((o) => o === '--script' || o === '--no-project' || o === '--no-sync' || o === '--gui-script')) continue;
        }
        if (lockedByEnv(rc, setByEarlierStep)) continue;
        flagged.push({ rc, text: commandText(rc), sub: uv.subcommand, upgrade: options.some((o) => /^(--upgrade|-U|--upgrade-package|-P)(=|$)/.test(o)) });
      }
      const subjects = occurrenceSubjects(flagged, (f) => `${f.rc.job}:${f.text}`);
      flagged.forEach((f, i) => {
        const scriptHint = f.sub === 'run' ? ' (for a PEP 723 script, write uv run --script instead)' : '';
        report({
          file: wf.file,
          line: f.rc.line,
          message: `\`${f.text}\` runs without --locked or --frozen, so uv may re-resolve and rewrite uv.lock in CI instead of installing exactly what was reviewed.`,
          fix: f.upgrade
            ? `Upgrade in a reviewed pull request (uv lock --upgrade) and install here with: ${insertAfterSubcommand(f.text.replace(/\s(--upgrade|-U|--upgrade-package(=\S+|\s+\S+)|-P\s+\S+)(?=\s|$)/g, ''), f.sub, '--locked')}`
            : `${insertAfterSubcommand(f.text, f.sub, '--locked')}${scriptHint}; or set UV_LOCKED: "1" in the workflow's env`,
          subject: subjects[i],
        });
      });
    }
  },
});

const LOCK_FLAGS = new Set(['--locked', '--frozen']);

function insertAfterSubcommand(text: string, subcommand: string, flag: string): string {
  const marker = ` ${subcommand}`;
  const at = text.indexOf(marker);
  return at < 0 ? `${text} ${flag}` : `${text.slice(0, at + marker.length)} ${flag}${text.slice(at + marker.length)}`;
}
