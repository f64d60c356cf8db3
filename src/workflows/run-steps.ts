/**
 * The commands of `run:` scripts as facts: every command of every shell step (nested `sh -c` scripts
 * and `$( )` included) with its job, step, environment and line, and how uv is invoked. The checks
 * that read them are the rules uv-unlocked, pip-unhashed and curl-pipe-shell (src/rules/workflows/).
 */
import { isMap, type Node } from 'yaml';
import type { WorkflowFile } from './model.js';
import { get, jobsOf } from './walk.js';
import { effectiveCommand, isShellScript, parseShell, runScriptOf, shellOf, type Pipeline, type ShellWord, type SimpleCommand } from './shell.js';

/** One command found in a `run:` script, with where it is and what surrounds it. */
export interface RunCommand {
  wf: WorkflowFile;
  /** The job id ('' in an action). */
  job: string;
  jobNode: Node | undefined;
  step: Node;
  stepIndex: number;
  pipeline: Pipeline;
  stage: number;
  command: SimpleCommand;
  name: string;
  args: ShellWord[];
  /** Variables set for this command: `VAR=x cmd`, `env VAR=x cmd`, and `export VAR=x` earlier in the same script. */
  env: Map<string, string>;
  /** 1-based line in the workflow file. */
  line: number;
  /** Nested inside `sh -c '…'` or `$( … )`. */
  nested: boolean;
}

interface StepOfJob {
  job: string;
  jobNode: Node | undefined;
  step: Node;
  index: number;
}

function stepsWithJobs(wf: WorkflowFile): StepOfJob[] {
  if (wf.kind === 'action') {
    const steps = get(get(wf.doc.contents, 'runs'), 'steps');
    return (isSeqLike(steps) ? steps.items : []).map((step, index) => ({ job: '', jobNode: undefined, step: step as Node, index }));
  }
  if (wf.kind !== 'workflow') return [];
  return jobsOf(wf).flatMap((job) => {
    const steps = get(job.node, 'steps');
    return (isSeqLike(steps) ? steps.items : []).map((step, index) => ({ job: job.id, jobNode: job.node, step: step as Node, index }));
  });
}

function isSeqLike(node: unknown): node is { items: unknown[] } {
  return !!node && Array.isArray((node as { items?: unknown }).items) && !isMap(node);
}

/** Interpreters whose `-c`/`-Command` argument is itself a script worth scanning. */
const SCRIPT_ARG_INTERPRETERS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'pwsh', 'powershell']);

/** Parsed once per file: three rules, at head and at base, read the same commands. */
const commandsCache = new WeakMap<WorkflowFile, RunCommand[]>();

/** Every command of every shell `run:` of a file, nested `sh -c` scripts and `$( )` included. */
export function runCommands(wf: WorkflowFile): RunCommand[] {
  const cached = commandsCache.get(wf);
  if (cached) return cached;
  const out = collectCommands(wf);
  commandsCache.set(wf, out);
  return out;
}

function collectCommands(wf: WorkflowFile): RunCommand[] {
  const out: RunCommand[] = [];
  for (const { job, jobNode, step, index } of stepsWithJobs(wf)) {
    if (!isMap(step)) continue;
    if (!isShellScript(shellOf(wf, jobNode, step))) continue;
    const run = runScriptOf(wf, get(step, 'run'));
    if (!run) continue;
    const exported = new Map<string, string>();
    const visit = (script: string, lineOf: (offset: number) => number, depth: number): void => {
      if (depth > 4 || script.length > 200_000) return;
      for (const pipeline of parseShell(script)) {
        pipeline.commands.forEach((command, stage) => {
          const effective = effectiveCommand(command);
          const line = lineOf(command.offset);
          if (effective.name === 'export') {
            for (const arg of effective.args) {
              const eq = arg.value.indexOf('=');
              if (eq > 0) exported.set(arg.value.slice(0, eq), arg.value.slice(eq + 1));
            }
          }
          // effectiveCommand's map is this command's own, so it serves as is when nothing was exported.
          const env = exported.size === 0 ? effective.env : new Map([...exported, ...effective.env]);
          out.push({
            wf,
            job,
            jobNode,
            step,
            stepIndex: index,
            pipeline,
            stage,
            command,
            name: effective.name,
            args: effective.args,
            env,
            line,
            nested: depth > 0,
          });
          // Scripts inside scripts: `bash -c '…'`, `pwsh -Command "…"`, and `$( … )`.
          if (SCRIPT_ARG_INTERPRETERS.has(effective.name.toLowerCase())) {
            const flag = effective.args.findIndex((a) => /^-[a-zA-Z]*c$/.test(a.value) || /^-command$/i.test(a.value));
            const body = flag >= 0 ? effective.args[flag + 1] : undefined;
            if (body) visit(body.value, () => line, depth + 1);
          }
          for (const substitution of command.substitutions) visit(substitution, () => line, depth + 1);
        });
      }
    };
    visit(run.script, run.lineAt, 0);
  }
  return out;
}

/** uv global options that take a value (so the subcommand is found after them). */
export const UV_GLOBAL_WITH_VALUE = new Set([
  '--directory',
  '--project',
  '--cache-dir',
  '--config-file',
  '--color',
  '--allow-insecure-host',
  '--python-preference',
  '--python-fetch',
  '-p',
  '--python',
  '--managed-python',
  '--native-tls',
]);

/** `uv run` options that take a value: the first other word is the command to run, and options after it are its own. */
export const UV_RUN_WITH_VALUE = new Set([
  '--with',
  '-w',
  '--with-editable',
  '--with-requirements',
  '-p',
  '--python',
  '--package',
  '--extra',
  '--group',
  '--only-group',
  '--no-group',
  '--env-file',
  '--directory',
  '--project',
  '--index',
  '--index-url',
  '-i',
  '--extra-index-url',
  '--default-index',
  '-f',
  '--find-links',
  '--python-platform',
  '--exclude-newer',
  '--exclude-newer-package',
  '--resolution',
  '--prerelease',
  '--index-strategy',
  '--keyring-provider',
  '--link-mode',
  '-C',
  '--config-setting',
  '--config-settings-package',
  '-P',
  '--upgrade-package',
  '--reinstall-package',
  '--refresh-package',
  '--no-binary-package',
  '--no-build-package',
  '--no-build-isolation-package',
  '--cache-dir',
  '--config-file',
  '--color',
  '--allow-insecure-host',
  '--python-preference',
  '--no-install-package',
  '--no-extra',
  '--fork-strategy',
  '--torch-backend',
  '--build-constraints',
  '--overrides',
]);

export interface UvInvocation {
  /** `sync`, `run`, `export`, `pip sync`, `pip install`, `tool install`, `tool run`, … */
  subcommand: string;
  /** The arguments after the subcommand. */
  args: ShellWord[];
}

/** Reads `uv [global options] <subcommand> …` (and `uvx …` as `tool run`). */
export function uvInvocation(name: string, args: ShellWord[]): UvInvocation | undefined {
  if (name === 'uvx') return { subcommand: 'tool run', args };
  if (name !== 'uv') return undefined;
  let i = 0;
  while (i < args.length && args[i].value.startsWith('-')) {
    const word = args[i].value;
    i += !word.includes('=') && UV_GLOBAL_WITH_VALUE.has(word) ? 2 : 1;
  }
  const first = args[i]?.value;
  if (first === undefined) return undefined;
  if ((first === 'pip' || first === 'tool') && args[i + 1]) return { subcommand: `${first} ${args[i + 1].value}`, args: args.slice(i + 2) };
  return { subcommand: first, args: args.slice(i + 1) };
}

/** The options of `uv run` (those before the command it runs). */
export function uvRunOptions(args: ShellWord[]): string[] {
  const options: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i].value;
    if (word === '--') break;
    if (!word.startsWith('-') || word === '-') break;
    options.push(word);
    if (!word.includes('=') && UV_RUN_WITH_VALUE.has(word)) i++;
    // `-m module`: the module is the command.
    if (word === '-m' || word === '--module') break;
  }
  return options;
}

/** The command as one line, words re-joined (quotes removed), for messages and fingerprints. */
export function commandText(rc: RunCommand): string {
  const words = rc.command.words.map((w) => {
    // A multi-line argument (`python -c "…"`) is shown by its first line only.
    const firstLine = w.value.includes('\n') ? `${w.value.trim().split('\n')[0]}…` : w.value;
    return /[\s"'`\\]/.test(firstLine) && !firstLine.startsWith('${{') ? JSON.stringify(firstLine) : firstLine;
  });
  const prefix = [...rc.command.assignments].map(([k, v]) => `${k}=${v}`);
  const text = [...prefix, ...words].join(' ');
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** A `run:` command that writes to one of the runner's environment files. */
export interface EnvFileWrite {
  rc: RunCommand;
  /** Which file: GITHUB_ENV sets variables for later steps, GITHUB_PATH prepends to their PATH. */
  file: 'GITHUB_ENV' | 'GITHUB_PATH';
  /** How: a redirection (`>> "$GITHUB_ENV"`), or a command that writes to a file it is given (`tee -a`, `Add-Content`). */
  via: 'redirect' | string;
}

/** `$GITHUB_ENV`, `${GITHUB_ENV}`, `$env:GITHUB_ENV`, `%GITHUB_ENV%` (cmd), alone as a word (quotes already removed). */
const ENV_FILE_WORD_RE = /^(?:\$\{?(?:env:)?(GITHUB_ENV|GITHUB_PATH)\}?|%(GITHUB_ENV|GITHUB_PATH)%|\$\{env:(GITHUB_ENV|GITHUB_PATH)\})$/i;

/** Commands that write to a file named as an argument: `tee`, and PowerShell's file cmdlets (case-insensitive, as PowerShell is). */
const FILE_WRITERS = new Set(['tee', 'out-file', 'add-content', 'set-content', 'ac', 'sc']);

function envFileOf(word: string): EnvFileWrite['file'] | undefined {
  const match = ENV_FILE_WORD_RE.exec(word.trim());
  const name = match?.[1] ?? match?.[2] ?? match?.[3];
  return name ? (name.toUpperCase() as EnvFileWrite['file']) : undefined;
}

/**
 * Every write to $GITHUB_ENV or $GITHUB_PATH in a file's shell `run:` scripts (bash, sh, pwsh, cmd):
 * an output redirection to it, or `tee` / `Out-File` / `Add-Content` / `Set-Content` given it as a
 * file. Reading it (`cat "$GITHUB_ENV"`) is not a write.
 */
export function envFileWrites(wf: WorkflowFile): EnvFileWrite[] {
  const out: EnvFileWrite[] = [];
  for (const rc of runCommands(wf)) {
    const seen = new Set<string>();
    for (const target of rc.command.outputTargets) {
      const file = envFileOf(target);
      if (file && !seen.has(file)) {
        seen.add(file);
        out.push({ rc, file, via: 'redirect' });
      }
    }
    const writer = rc.name.toLowerCase();
    if (!FILE_WRITERS.has(writer)) continue;
    for (const arg of rc.args) {
      const file = envFileOf(arg.value.replace(/^-(?:FilePath|Path|LiteralPath):/i, ''));
      if (file && !seen.has(file)) {
        seen.add(file);
        out.push({ rc, file, via: writer === 'tee' ? 'tee' : rc.name });
      }
    }
  }
  return out;
}
