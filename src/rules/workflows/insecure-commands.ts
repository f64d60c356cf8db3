/**
 * `ACTIONS_ALLOW_UNSECURE_COMMANDS: true`: turns back on the `::set-env::` and `::add-path::`
 * workflow commands GitHub disabled in 2020, with which anything a step prints (a log line of
 * untrusted text, a dependency's output) can set environment variables and PATH for the steps after
 * it. zizmor's insecure-commands audit: a truthy value (C# `bool.Parse`: `true` in any case, spaces
 * around allowed) in the workflow's, a job's or a step's `env:` is High / High; an `env:` that is one
 * expression, or a value that is one, may hold it: High / Low, auditor persona. Also (not in zizmor)
 * a `run:` line that writes the variable into `$GITHUB_ENV`, which enables it for the later steps.
 */
import { isMap, isScalar, type Node } from 'yaml';
import { hasExpression } from '../../workflows/expressions.js';
import type { WorkflowFile } from '../../workflows/model.js';
import { runScriptOf } from '../../workflows/shell.js';
import { stepsInContext } from '../../workflows/steps.js';
import { entries, get, jobsOf, posOf } from '../../workflows/walk.js';
import { defineRule } from '../define.js';
import { stepLabel, stepSubject } from './expression-wording.js';

const VARIABLE = 'ACTIONS_ALLOW_UNSECURE_COMMANDS';
/** `NAME=true` as a line of $GITHUB_ENV: the name exactly (Linux environments are case-sensitive), the value in any case. */
const ENABLES = /ACTIONS_ALLOW_UNSECURE_COMMANDS\s*=\s*["']?\s*[Tt][Rr][Uu][Ee](?![A-Za-z0-9_])/;

export const rule = defineRule({
  meta: {
    id: 'insecure-commands',
    defaultSeverity: 'error',
    summary: '`ACTIONS_ALLOW_UNSECURE_COMMANDS` re-enables the `set-env` and `add-path` workflow commands.',
    on: 'workflows',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      for (const holder of envHolders(wf)) {
        const env = get(holder.node, 'env');
        if (env === undefined) continue;
        if (isScalar(env)) {
          if (typeof env.value === 'string' && hasExpression(env.value)) {
            const pos = posOf(wf, env);
            report({
              file: wf.file,
              line: pos.line,
              column: pos.column,
              message:
                `The env: of ${holder.label} is one expression, so lockgate cannot see whether it sets ${VARIABLE}; ` +
                'if it does, anything a step prints can set environment variables and PATH for the steps after it.',
              fix: `Write the env: entries out as a map, so that a reviewer (and lockgate) can see that ${VARIABLE} is not among them.`,
              subject: `${holder.subject}\0env-expression`,
              level: 'warning',
              confidence: 'low',
              persona: 'auditor',
            });
          }
          continue;
        }
        if (!isMap(env)) continue;
        for (const [key, keyNode, value] of entries(env)) {
          if (key !== VARIABLE) continue;
          const pos = posOf(wf, keyNode);
          const text = isScalar(value) ? value.value : undefined;
          if (typeof text === 'string' && hasExpression(text)) {
            report({
              file: wf.file,
              line: pos.line,
              column: pos.column,
              message: `${VARIABLE} in the env: of ${holder.label} is set from an expression; when it comes out true, the set-env and add-path commands GitHub disabled are back on.`,
              fix: `Delete ${VARIABLE}; write to $GITHUB_ENV and $GITHUB_PATH instead of the old commands.`,
              subject: `${holder.subject}\0${VARIABLE}`,
              level: 'warning',
              confidence: 'low',
              persona: 'auditor',
            });
            continue;
          }
          if (!csharpTrue(text)) continue;
          report({
            file: wf.file,
            line: pos.line,
            column: pos.column,
            message:
              `${VARIABLE}: true in the env: of ${holder.label} turns back on the ::set-env:: and ::add-path:: commands GitHub disabled: ` +
              'any text a step prints (a log of a pull request title, a tool or dependency output) can then set environment variables and PATH for the steps after it.',
            fix: `Delete ${VARIABLE} and update the action or script that needs it to write to $GITHUB_ENV and $GITHUB_PATH.`,
            subject: `${holder.subject}\0${VARIABLE}`,
          });
        }
      }
      for (const write of githubEnvWrites(wf)) {
        report({
          file: wf.file,
          line: write.line,
          column: 1,
          message: `${write.label} writes ${VARIABLE}=true to $GITHUB_ENV, which turns the disabled ::set-env:: and ::add-path:: commands back on for every later step of the job.`,
          fix: `Delete that line and update the action or script that needs it to write to $GITHUB_ENV and $GITHUB_PATH.`,
          subject: `${write.subject}\0GITHUB_ENV`,
          level: 'warning',
          confidence: 'medium',
        });
      }
    }
  },
});

/** C#'s `bool.Parse`, which the runner uses: `true` in any case, surrounding whitespace allowed; a YAML boolean true. */
function csharpTrue(value: unknown): boolean {
  if (value === true) return true;
  return typeof value === 'string' && value.trim().toLowerCase() === 'true';
}

interface EnvHolder {
  node: Node | undefined;
  label: string;
  subject: string;
}

/** The workflow, each job, each step (workflow jobs and composite actions): every place an `env:` applies. */
function envHolders(wf: WorkflowFile): EnvHolder[] {
  const out: EnvHolder[] = [];
  if (wf.kind === 'workflow') {
    out.push({ node: wf.doc.contents as Node, label: 'the workflow', subject: 'workflow' });
    for (const job of jobsOf(wf)) out.push({ node: job.node, label: `job ${job.id}`, subject: `job\0${job.id}` });
  }
  for (const s of stepsInContext(wf)) {
    const site = { jobId: s.jobId, step: s.step, stepIndex: s.index };
    out.push({ node: s.step, label: stepLabel(site), subject: `step\0${s.jobId}\0${stepSubject(site)}` });
  }
  return out;
}

/** `echo "ACTIONS_ALLOW_UNSECURE_COMMANDS=true" >> "$GITHUB_ENV"` and the like, line by line (comments skipped). */
function githubEnvWrites(wf: WorkflowFile): { line: number; label: string; subject: string }[] {
  const out: { line: number; label: string; subject: string }[] = [];
  for (const s of stepsInContext(wf)) {
    const run = runScriptOf(wf, get(s.step, 'run'));
    if (!run || !run.script.includes(VARIABLE)) continue;
    const site = { jobId: s.jobId, step: s.step, stepIndex: s.index };
    let offset = 0;
    let occurrence = 0;
    for (const line of run.script.split('\n')) {
      if (!line.trim().startsWith('#') && line.includes('GITHUB_ENV') && ENABLES.test(line)) {
        occurrence++;
        out.push({ line: run.lineAt(offset), label: stepLabel(site).replace(/^s/, 'S'), subject: `${s.jobId}\0${stepSubject(site)}\0${occurrence}` });
      }
      offset += line.length + 1;
    }
  }
  return out;
}
