/**
 * `uv sync`, `uv run` and `uv export` in a workflow without --locked or --frozen (on the command, or
 * UV_LOCKED / UV_FROZEN in its environment): uv may then re-resolve and rewrite uv.lock in CI.
 */
import { isScalar, type Node } from 'yaml';
import { commandText, runCommands, uvInvocation, uvRunOptions, type RunCommand } from '../../workflows/run-steps.js';
import { occurrenceSubjects } from '../../workflows/uses.js';
import { get, str } from '../../workflows/walk.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'uv-unlocked',
    defaultSeverity: 'warning',
    summary: 'A workflow runs uv without --locked or --frozen.',
    on: 'workflows',
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

/** uv's boolean environment values (clap's "boolish" parser). */
const TRUTHY = /^(1|true|yes|y|on|t)$/i;

function envValue(node: Node | undefined, key: string): string | undefined {
  const value = get(node, key);
  if (value === undefined) return undefined;
  if (isScalar(value)) return value.value === null ? '' : String(value.value);
  return undefined;
}

/**
 * Whether UV_LOCKED or UV_FROZEN is set truthy for a command: on the command itself, by `export`,
 * in step / job / workflow `env:`, or written to $GITHUB_ENV by an earlier step of the job. A value
 * that is an expression counts as set: it states the intent, and its value is unknown here.
 */
function lockedByEnv(rc: RunCommand, setByEarlierStep: (rc: RunCommand) => boolean): boolean {
  const truthy = (value: string | undefined): boolean => value !== undefined && (TRUTHY.test(value.trim()) || value.includes('${{'));
  for (const key of ['UV_LOCKED', 'UV_FROZEN']) {
    if (truthy(rc.env.get(key))) return true;
    if (truthy(envValue(get(rc.step, 'env'), key))) return true;
    if (truthy(envValue(get(rc.jobNode, 'env'), key))) return true;
    if (rc.wf.kind === 'workflow' && truthy(envValue(get(rc.wf.doc.contents, 'env'), key))) return true;
  }
  return setByEarlierStep(rc);
}

const TO_GITHUB_ENV_RE = /\bUV_(?:LOCKED|FROZEN)=["']?(?:1|true|yes|y|on|t)\b[^\n]*>>\s*["']?\$\{?GITHUB_ENV\b/i;

/**
 * Whether a step of the same job before this command's step writes UV_LOCKED / UV_FROZEN to
 * $GITHUB_ENV. The first such step of each job is found once: collecting the earlier steps for every
 * uv command was quadratic in the steps of a job (8,000 `uv sync` steps: 1.6 s).
 */
function earlierStepSetsLock(commands: readonly RunCommand[]): (rc: RunCommand) => boolean {
  let firstSetter: Map<string, number> | null = null;
  return (rc) => {
    if (firstSetter === null) {
      firstSetter = new Map();
      for (const c of commands) {
        const first = firstSetter.get(c.job);
        if ((first === undefined || c.stepIndex < first) && TO_GITHUB_ENV_RE.test(stepRunText(c))) firstSetter.set(c.job, c.stepIndex);
      }
    }
    const first = firstSetter.get(rc.job);
    return first !== undefined && first < rc.stepIndex;
  };
}

const LOCK_FLAGS = new Set(['--locked', '--frozen']);

/** A step's `run:` text, read once per step node. */
const runTextCache = new WeakMap<Node, string>();
function stepRunText(rc: RunCommand): string {
  const cached = runTextCache.get(rc.step);
  if (cached !== undefined) return cached;
  const text = str(get(rc.step, 'run')) ?? '';
  runTextCache.set(rc.step, text);
  return text;
}

function insertAfterSubcommand(text: string, subcommand: string, flag: string): string {
  const marker = ` ${subcommand}`;
  const at = text.indexOf(marker);
  return at < 0 ? `${text} ${flag}` : `${text.slice(0, at + marker.length)} ${flag}${text.slice(at + marker.length)}`;
}
