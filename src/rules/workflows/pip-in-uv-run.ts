/**
 * `pip install` run by `uv run` (`uv run pip install …`, `uv run python -m pip install …`,
 * `uv run -m pip install …`): packages go into the project's environment past uv.lock. pip-unhashed
 * does not read these commands (their name is `uv`), so each is reported once, here: a warning when
 * the install takes packages from the index without hashes (pip-unhashed's judgement), else a notice.
 */
import type { ShellWord } from '../../workflows/shell.js';
import { commandText, runCommands, UV_RUN_WITH_VALUE, uvInvocation, type RunCommand } from '../../workflows/run-steps.js';
import { occurrenceSubjects } from '../../findings.js';
import { defineRule } from '../define.js';
import { pipArgsUnhashed } from './pip-unhashed.js';

export const rule = defineRule({
  meta: {
    id: 'pip-in-uv-run',
    defaultSeverity: 'warning',
    defaultConfidence: 'high',
    summary: 'A workflow runs pip install inside uv run, past uv.lock.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      const flagged: { rc: RunCommand; text: string; installArgs: ShellWord[] }[] = [];
      for (const rc of runCommands(wf)) {
        const installArgs = pipInsideUvRun(rc);
        if (installArgs) flagged.push({ rc, text: commandText(rc), installArgs });
      }
      const subjects = occurrenceSubjects(flagged, (f) => `${f.rc.job}:${f.text}`);
      flagged.forEach((f, i) => {
        const unhashed = pipArgsUnhashed(f.installArgs);
        report({
          file: wf.file,
          line: f.rc.line,
          message:
            `\`${f.text}\` installs into the project's environment past uv.lock: what it installs is in no lock and was in no review` +
            `${unhashed ? ', comes from the index without hashes,' : ''} and the next uv sync removes it again. ` +
            "A uv environment has no pip unless one is added, so this may also run another environment's pip from PATH.",
          fix: 'Add the package to the project (uv add --dev <package>, reviewed with its hashes in uv.lock) and install with uv sync --locked; for a tool, uvx <tool>@<version>',
          subject: subjects[i],
          level: unhashed ? 'warning' : 'notice',
        });
      });
    }
  },
});

/** The arguments after `pip install` when `uv run` runs pip, else undefined. */
function pipInsideUvRun(rc: RunCommand): ShellWord[] | undefined {
  const uv = uvInvocation(rc.name, rc.args);
  if (uv?.subcommand !== 'run') return undefined;
  const args = uv.args;
  let i = 0;
  let module = false;
  for (; i < args.length; i++) {
    const word = args[i].value;
    if (word === '--') {
      i++;
      break;
    }
    if (word === '-m' || word === '--module') {
      module = true;
      i++;
      break;
    }
    if (!word.startsWith('-') || word === '-') break;
    // Outside a project there is no lock to go past.
    if (word === '--no-project' || word === '--script' || word === '--gui-script') return undefined;
    if (!word.includes('=') && UV_RUN_WITH_VALUE.has(word)) i++;
  }
  const rest = args.slice(i).map((a) => a.value);
  const command = (rest[0] ?? '').replace(/^.*[/\\]/, '').toLowerCase();
  if (module) return command === 'pip' && rest[1] === 'install' ? args.slice(i + 2) : undefined;
  if (/^pip(\d+(\.\d+)?)?$/.test(command)) return rest[1] === 'install' ? args.slice(i + 2) : undefined;
  if (/^(python(\d+(\.\d+)?)?|py)$/.test(command)) {
    let j = 1;
    while (j < rest.length && rest[j].startsWith('-') && rest[j] !== '-m') j++;
    if (rest[j] === '-m' && rest[j + 1] === 'pip' && rest[j + 2] === 'install') return args.slice(i + j + 3);
  }
  return undefined;
}
