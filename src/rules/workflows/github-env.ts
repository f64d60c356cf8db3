/**
 * zizmor's github-env: a step writes to $GITHUB_ENV or $GITHUB_PATH where what it writes may come
 * from an attacker. In a workflow that runs on pull_request_target or workflow_run (privileged, often
 * handling a fork's artifacts or refs), a written `LD_PRELOAD=` / `BASH_ENV=` / `NODE_OPTIONS=` or a
 * PATH entry runs the attacker's code in every later step. A composite action cannot know its
 * callers' triggers, so there every write is reported, as zizmor does.
 */
import { envFileWrites } from '../../workflows/run-steps.js';
import { commandText } from '../../workflows/run-steps.js';
import { triggersOf } from '../../workflows/triggers.js';
import { occurrenceSubjects } from '../../findings.js';
import { defineRule } from '../define.js';

const PRIVILEGED_TRIGGERS = ['pull_request_target', 'workflow_run'];

export const rule = defineRule({
  meta: {
    id: 'github-env',
    defaultSeverity: 'warning',
    defaultConfidence: 'low',
    summary: 'A privileged workflow or a composite action writes to $GITHUB_ENV or $GITHUB_PATH.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      let why: string;
      if (wf.kind === 'action') why = 'in a composite action, which any workflow (a privileged one included) may call';
      else if (wf.kind === 'workflow') {
        const privileged = triggersOf(wf)
          .map((t) => t.name)
          .filter((name) => PRIVILEGED_TRIGGERS.includes(name));
        if (privileged.length === 0) continue;
        why = `in a workflow triggered by ${[...new Set(privileged)].join(' and ')}, which runs with write access and secrets on events a fork can cause`;
      } else continue;
      const writes = envFileWrites(wf);
      const subjects = occurrenceSubjects(writes, (w) => `${w.rc.job}:${w.file}:${commandText(w.rc)}`);
      writes.forEach((write, i) => {
        const effect =
          write.file === 'GITHUB_ENV'
            ? 'sets environment variables for every later step of the job; if any part of the text comes from the event, an artifact or a fork, a variable such as BASH_ENV, LD_PRELOAD or NODE_OPTIONS runs attacker code there'
            : 'puts a directory first on PATH for every later step of the job; if it comes from the event, an artifact or a fork, later commands run attacker programs';
        report({
          file: wf.file,
          line: write.rc.line,
          message: `\`${commandText(write.rc)}\` writes to $${write.file} ${why}: it ${effect}.`,
          fix:
            write.file === 'GITHUB_ENV'
              ? 'Pass the value to the steps that need it through step outputs ($GITHUB_OUTPUT, read as ${{ steps.<id>.outputs.<name> }} into env:) instead of $GITHUB_ENV; if it must stay, write only fixed names and validated values.'
              : 'Call the tool by its full path instead of adding to $GITHUB_PATH; if it must stay, add only a fixed directory the job created itself.',
          subject: subjects[i],
        });
      });
    }
  },
});
