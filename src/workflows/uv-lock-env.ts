/**
 * Whether UV_LOCKED / UV_FROZEN hold for a `run:` command, as facts: the values set on the command
 * (`VAR=x cmd`, `export`), in step / job / workflow `env:`, and written to $GITHUB_ENV by an earlier
 * step. uv-unlocked asks whether any scope states the intent (lockedByEnv); uv-lock-overridden asks
 * where a nearer scope undoes it (lockOverride). uv reads both variables as clap's "boolish" values
 * (crates/uv-static/src/lib.rs): y, yes, t, true, on, 1 and n, no, f, false, off, 0; anything else
 * is an error.
 */
import { isScalar, type Node } from 'yaml';
import type { RunCommand } from './run-steps.js';
import { envScopesOf } from './steps.js';
import { get, posOf, str } from './walk.js';

/** uv's boolean environment values (clap's "boolish" parser). */
export const TRUTHY = /^(1|true|yes|y|on|t)$/i;

export function envValue(node: Node | undefined, key: string): string | undefined {
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
export function lockedByEnv(rc: RunCommand, setByEarlierStep: (rc: RunCommand) => boolean): boolean {
  const truthy = (value: string | undefined): boolean => value !== undefined && (TRUTHY.test(value.trim()) || value.includes('${{'));
  for (const key of ['UV_LOCKED', 'UV_FROZEN']) {
    if (truthy(rc.env.get(key))) return true;
    if (envScopesOf(rc).some((scope) => truthy(envValue(scope, key)))) return true;
  }
  return setByEarlierStep(rc);
}

const TO_GITHUB_ENV_RE = /\bUV_(?:LOCKED|FROZEN)=["']?(?:1|true|yes|y|on|t)\b[^\n]*>>\s*["']?\$\{?GITHUB_ENV\b/i;

/**
 * Whether a step of the same job before this command's step writes UV_LOCKED / UV_FROZEN to
 * $GITHUB_ENV. The first such step of each job is found once: collecting the earlier steps for every
 * uv command was quadratic in the steps of a job (8,000 `uv sync` steps: 1.6 s).
 */
export function earlierStepSetsLock(commands: readonly RunCommand[]): (rc: RunCommand) => boolean {
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

/** A step's `run:` text, read once per step node. */
const runTextCache = new WeakMap<Node, string>();
function stepRunText(rc: RunCommand): string {
  const cached = runTextCache.get(rc.step);
  if (cached !== undefined) return cached;
  const text = str(get(rc.step, 'run')) ?? '';
  runTextCache.set(rc.step, text);
  return text;
}

/** uv's false literals; anything neither true nor false makes uv exit with an error. */
const FALSY = /^(0|false|no|n|off|f)$/i;

/** One setting of UV_LOCKED or UV_FROZEN that a command sees. */
export interface LockSetting {
  key: 'UV_LOCKED' | 'UV_FROZEN';
  /** The value as written; null for `unset` / `env -u`. */
  value: string | null;
  scope: 'command' | 'unset' | 'step' | 'github-env' | 'job' | 'workflow';
  /** 1-based line, when the setting has one of its own. */
  line?: number;
}

const stated = (value: string | null): boolean => value !== null && (TRUTHY.test(value.trim()) || value.includes('${{'));

function settingOf(key: LockSetting['key'], node: Node | undefined, scope: LockSetting['scope'], rc: RunCommand): LockSetting | undefined {
  const valueNode = get(node, key);
  const value = envValue(node, key);
  return value === undefined ? undefined : { key, value, scope, line: posOf(rc.wf, valueNode).line };
}

/** `unset UV_LOCKED` earlier in the same script, or `env -u UV_LOCKED uv …` on the command itself. */
function unsetOf(key: LockSetting['key'], rc: RunCommand, commands: readonly RunCommand[]): LockSetting | undefined {
  const words = rc.command.words.map((w) => w.value);
  if (words[0] === 'env') {
    for (let i = 1; i < words.length && (words[i].startsWith('-') || words[i].includes('=')); i++) {
      if (((words[i] === '-u' || words[i] === '--unset') && words[i + 1] === key) || words[i] === `--unset=${key}` || words[i] === `-u${key}`)
        return { key, value: null, scope: 'unset', line: rc.line };
    }
  }
  // An `export` after the `unset` comes back through rc.env, which is read first.
  const before = commands.slice(0, commands.indexOf(rc)).filter((c) => c.step === rc.step && c.name === 'unset');
  const last = before.reverse().find((c) => c.args.some((a) => a.value === key));
  return last ? { key, value: null, scope: 'unset', line: last.line } : undefined;
}

/** The settings of one variable a command sees, nearest first (the first is the one uv reads). */
function lockSettingsOf(
  key: LockSetting['key'],
  rc: RunCommand,
  commands: readonly RunCommand[],
  setByEarlierStep: (rc: RunCommand) => boolean,
): LockSetting[] {
  const out: (LockSetting | undefined)[] = [];
  const onCommand = rc.env.get(key);
  out.push(onCommand !== undefined ? { key, value: onCommand, scope: 'command', line: rc.line } : unsetOf(key, rc, commands));
  out.push(settingOf(key, get(rc.step, 'env'), 'step', rc));
  if (setByEarlierStep(rc)) out.push({ key, value: '1', scope: 'github-env' });
  out.push(settingOf(key, get(rc.jobNode, 'env'), 'job', rc));
  if (rc.wf.kind === 'workflow') out.push(settingOf(key, get(rc.wf.doc.contents, 'env'), 'workflow', rc));
  return out.filter((s): s is LockSetting => s !== undefined);
}

/**
 * Where a nearer scope undoes a lock a wider one states: UV_LOCKED or UV_FROZEN set true for the
 * workflow, job or an earlier step, then set false or unset for this command, with neither variable
 * left true. Undefined when the command runs locked, or when no scope ever asked for a lock (that
 * is uv-unlocked's case).
 */
export function lockOverride(
  rc: RunCommand,
  commands: readonly RunCommand[],
  setByEarlierStep: (rc: RunCommand) => boolean,
): { inner: LockSetting; outer: LockSetting } | undefined {
  const perKey = (['UV_LOCKED', 'UV_FROZEN'] as const).map((key) => lockSettingsOf(key, rc, commands, setByEarlierStep));
  if (perKey.some((settings) => settings.length > 0 && stated(settings[0].value))) return undefined;
  for (const settings of perKey) {
    const outer = settings.slice(1).find((s) => stated(s.value));
    const inner = settings[0];
    // A value uv reads as neither true nor false makes it exit with an error: no silent override.
    if (outer && inner && (inner.value === null || FALSY.test(inner.value.trim()))) return { inner, outer };
  }
  return undefined;
}
