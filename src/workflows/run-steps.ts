/**
 * Checks of `run:` scripts: uv-unlocked, pip-unhashed, curl-pipe-shell. Each finding points at the
 * line of the command inside the run block. Pure functions of the files; the rules call them on
 * head and base.
 */
import { isMap, isScalar, type Node } from 'yaml';
import { makeFinding, type Finding, type Severity } from '../findings.js';
import type { WorkflowFile } from './model.js';
import { get, jobsOf, str } from './walk.js';
import { effectiveCommand, isShellScript, parseShell, runScriptOf, shellOf, type Pipeline, type ShellWord, type SimpleCommand } from './shell.js';
import { occurrenceSubjects } from './uses.js';

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
          const env = new Map([...exported, ...effective.env]);
          out.push({ wf, job, jobNode, step, stepIndex: index, pipeline, stage, command, name: effective.name, args: effective.args, env, line, nested: depth > 0 });
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

/* ------------------------------------------------------------------ uv-unlocked */

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

/** uv global options that take a value (so the subcommand is found after them). */
const UV_GLOBAL_WITH_VALUE = new Set([
  '--directory', '--project', '--cache-dir', '--config-file', '--color', '--allow-insecure-host', '--python-preference',
  '--python-fetch', '-p', '--python', '--managed-python', '--native-tls',
]);

/** `uv run` options that take a value: the first other word is the command to run, and options after it are its own. */
const UV_RUN_WITH_VALUE = new Set([
  '--with', '-w', '--with-editable', '--with-requirements', '-p', '--python', '--package', '--extra', '--group', '--only-group',
  '--no-group', '--env-file', '--directory', '--project', '--index', '--index-url', '-i', '--extra-index-url', '--default-index',
  '-f', '--find-links', '--python-platform', '--exclude-newer', '--exclude-newer-package', '--resolution', '--prerelease',
  '--index-strategy', '--keyring-provider', '--link-mode', '-C', '--config-setting', '--config-settings-package', '-P',
  '--upgrade-package', '--reinstall-package', '--refresh-package', '--no-binary-package', '--no-build-package',
  '--no-build-isolation-package', '--cache-dir', '--config-file', '--color', '--allow-insecure-host', '--python-preference',
  '--no-install-package', '--no-extra', '--fork-strategy', '--torch-backend', '--build-constraints', '--overrides',
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
function uvRunOptions(args: ShellWord[]): string[] {
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

const LOCK_FLAGS = new Set(['--locked', '--frozen']);

export function checkUvUnlocked(workflows: readonly WorkflowFile[], severity: Severity = 'warning'): Finding[] {
  const findings: Finding[] = [];
  for (const wf of workflows) {
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
      findings.push(
        makeFinding({
          rule: 'uv-unlocked',
          severity,
          file: wf.file,
          line: f.rc.line,
          message: `\`${f.text}\` runs without --locked or --frozen, so uv may re-resolve and rewrite uv.lock in CI instead of installing exactly what was reviewed.`,
          fix: f.upgrade
            ? `Upgrade in a reviewed pull request (uv lock --upgrade) and install here with: ${insertAfterSubcommand(f.text.replace(/\s(--upgrade|-U|--upgrade-package(=\S+|\s+\S+)|-P\s+\S+)(?=\s|$)/g, ''), f.sub, '--locked')}`
            : `${insertAfterSubcommand(f.text, f.sub, '--locked')}${scriptHint}; or set UV_LOCKED: "1" in the workflow's env`,
          subject: subjects[i],
        }),
      );
    });
  }
  return findings;
}

const runTextCache = new WeakMap<Node, string>();
function stepRunText(rc: RunCommand): string {
  const cached = runTextCache.get(rc.step);
  if (cached !== undefined) return cached;
  const text = str(get(rc.step, 'run')) ?? '';
  runTextCache.set(rc.step, text);
  return text;
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

function insertAfterSubcommand(text: string, subcommand: string, flag: string): string {
  const marker = ` ${subcommand}`;
  const at = text.indexOf(marker);
  return at < 0 ? `${text} ${flag}` : `${text.slice(0, at + marker.length)} ${flag}${text.slice(at + marker.length)}`;
}

/* ------------------------------------------------------------------ pip-unhashed */

/** pip / uv pip install options that take a value. */
const PIP_WITH_VALUE = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links',
  '-t', '--target', '--prefix', '--root', '-p', '--python', '--platform', '--python-version', '--implementation', '--abi',
  '--src', '--upgrade-strategy', '--progress-bar', '--cache-dir', '--trusted-host', '--proxy', '--retries', '--timeout',
  '--log', '--global-option', '--install-option', '-C', '--config-settings', '--config-setting', '--only-binary', '--no-binary',
  '--exists-action', '--report', '--index-strategy', '--keyring-provider', '--resolution', '--prerelease', '--exclude-newer',
  '--extra', '--group', '--torch-backend', '--index', '--default-index', '--override', '--overrides', '-b', '--build-constraint',
  '--build-constraints', '--python-platform', '--link-mode', '--upgrade-package', '-P', '--reinstall-package', '--refresh-package',
  '--no-binary-package', '--no-build-package', '--config-file', '--directory', '--project', '--color', '--allow-insecure-host',
  '--uploaded-prior-to', '--dependency-groups', '--use-feature', '--format', '--output-file', '-o',
]);

/** The installer's own bootstrap: upgrading these alone is not reported (see the rule docs). */
const BOOTSTRAP = new Set(['pip', 'setuptools', 'wheel']);

interface PipInstall {
  /** How it was invoked, for the message. */
  tool: 'pip' | 'uv pip';
  sync: boolean;
  requirementFiles: string[];
  editables: string[];
  packages: string[];
  flags: Set<string>;
}

function readPipArgs(args: ShellWord[], tool: 'pip' | 'uv pip', sync: boolean): PipInstall {
  const install: PipInstall = { tool, sync, requirementFiles: [], editables: [], packages: [], flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const word = args[i].value;
    if (word.startsWith('-') && word !== '-') {
      const eq = word.indexOf('=');
      const name = eq > 0 ? word.slice(0, eq) : word;
      const attached = /^-[rec]./.test(word) && eq < 0 ? word.slice(2) : undefined;
      const short = attached !== undefined ? word.slice(0, 2) : name;
      install.flags.add(short);
      const value = eq > 0 ? word.slice(eq + 1) : attached !== undefined ? attached : PIP_WITH_VALUE.has(name) ? args[++i]?.value : undefined;
      if (value !== undefined && (short === '-r' || short === '--requirement')) install.requirementFiles.push(value);
      if (value !== undefined && (short === '-e' || short === '--editable')) install.editables.push(value);
      continue;
    }
    if (sync) install.requirementFiles.push(word);
    else install.packages.push(word);
  }
  return install;
}

/** `pip install …`, `python -m pip install …`, `uv pip install|sync …`. */
function pipInstallOf(rc: RunCommand): PipInstall | undefined {
  const name = rc.name.toLowerCase();
  if (/^pip(\d+(\.\d+)?)?$/.test(name)) {
    return rc.args[0]?.value === 'install' ? readPipArgs(rc.args.slice(1), 'pip', false) : undefined;
  }
  if (/^(python(\d+(\.\d+)?)?|py)$/.test(name)) {
    let i = 0;
    while (i < rc.args.length && rc.args[i].value.startsWith('-') && rc.args[i].value !== '-m') i++;
    if (rc.args[i]?.value === '-m' && rc.args[i + 1]?.value === 'pip' && rc.args[i + 2]?.value === 'install') return readPipArgs(rc.args.slice(i + 3), 'pip', false);
    return undefined;
  }
  const uv = uvInvocation(rc.name, rc.args);
  if (uv?.subcommand === 'pip install') return readPipArgs(uv.args, 'uv pip', false);
  if (uv?.subcommand === 'pip sync') return readPipArgs(uv.args, 'uv pip', true);
  return undefined;
}

const isUrl = (spec: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(spec) || /^git\+/i.test(spec);
/** A path on disk: `.`, `./x`, `/x`, `~/x`, `C:\\x`, `${{ github.workspace }}/x`, or anything with a slash that is not a URL (names have none). */
const isLocalPath = (spec: string): boolean =>
  !isUrl(spec) && (spec === '.' || /^(\.{1,2}(\/|\\|$|\[)|\/|~|[A-Za-z]:\\|\$\{\{\s*github\.workspace)/.test(spec) || /[/\\]/.test(spec.replace(/\[.*$/, '')));
/** A built distribution on disk (often just built by this job): its content is what the job made. */
const isLocalWheel = (spec: string): boolean => isLocalPath(spec) && /\.(whl|tar\.gz|zip|tar\.bz2|tgz)$/i.test(spec);
/** A shell variable: its value is unknown here, so it is not judged. */
const isVariable = (spec: string): boolean => spec.startsWith('$') && !spec.startsWith('${{');
const isHashedUrl = (spec: string): boolean => /#sha256=[0-9a-f]{64}$/i.test(spec);
/** A pylock.toml (PEP 751) carries hashes by construction. */
const isPylock = (file: string): boolean => /(^|\/)pylock(\.[^/]+)?\.toml$/.test(file);

function pipFinding(install: PipInstall): { message: string; fix: string } | undefined {
  if (install.flags.has('--require-hashes')) return undefined;
  const noDeps = install.flags.has('--no-deps');
  // --no-index: nothing comes from an index (only --find-links directories or local files).
  if (install.flags.has('--no-index')) return undefined;
  const judged = install.packages.filter((p) => !isVariable(p) && !p.startsWith('${{'));
  const remotePackages = judged.filter((p) => !isLocalPath(p) && !isHashedUrl(p));
  const localProjects = [...judged.filter((p) => isLocalPath(p) && !isLocalWheel(p)), ...install.editables.filter((e) => !isVariable(e))];
  const files = install.requirementFiles.filter((f) => !isPylock(f));
  const onlyBootstrap = remotePackages.length > 0 && remotePackages.every((p) => BOOTSTRAP.has(p.replace(/[<>=!~;[].*$/, '').toLowerCase()));
  const reasons: string[] = [];
  if (remotePackages.length > 0 && !(onlyBootstrap && files.length === 0 && localProjects.length === 0)) {
    const shown = remotePackages.slice(0, 3).join(', ') + (remotePackages.length > 3 ? ', …' : '');
    reasons.push(`installs ${shown} from the index with no hash to check`);
  }
  if (files.length > 0) {
    reasons.push(
      `reads ${files.join(', ')}, whose hashes lockgate cannot see from the workflow and which ${install.tool} only enforces for every package when --require-hashes is given`,
    );
  }
  if (localProjects.length > 0 && !noDeps) reasons.push(`installs ${localProjects.slice(0, 2).join(', ')} and resolves its dependencies from the index without hashes`);
  if (reasons.length === 0) return undefined;
  const message = `This ${install.tool} ${install.sync ? 'sync' : 'install'} ${reasons.join('; it also ')}, so a replaced or newly published file would be installed unnoticed.`;
  const fix =
    localProjects.length > 0 && files.length === 0 && remotePackages.length === 0
      ? 'uv sync --locked   (installs the project and its locked, hashed dependencies), or install hashed requirements first and add --no-deps'
      : `uv export --format requirements-txt --locked -o requirements.txt   (writes hashes), then: ${install.tool} install --require-hashes -r requirements.txt`;
  return { message, fix };
}

/** `uvx pkg`, `uv tool run|install pkg`, `pipx install|run pkg`: the tool's version is pinned only by `==` or `@version`. */
function toolInstallFinding(rc: RunCommand): { spec: string; tool: string } | undefined {
  const name = rc.name.toLowerCase();
  const uv = uvInvocation(rc.name, rc.args);
  let args: ShellWord[] | undefined;
  let tool = '';
  let fromOption = '--from';
  if (uv && (uv.subcommand === 'tool run' || uv.subcommand === 'tool install')) {
    args = uv.args;
    tool = rc.name === 'uvx' ? 'uvx' : `uv ${uv.subcommand}`;
  } else if (name === 'pipx' && (rc.args[0]?.value === 'install' || rc.args[0]?.value === 'run')) {
    args = rc.args.slice(1);
    tool = `pipx ${rc.args[0].value}`;
    fromOption = '--spec';
  }
  if (!args) return undefined;
  const withValue = new Set([...UV_RUN_WITH_VALUE, '--from', '--spec', '--with', '--python', '-p', '--pip-args', '--index-url', '--suffix', '--generate-shell-completion']);
  let spec: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const word = args[i].value;
    if (word === fromOption || word.startsWith(`${fromOption}=`)) {
      spec = word.includes('=') ? word.slice(word.indexOf('=') + 1) : args[i + 1]?.value;
      break;
    }
    if (word.startsWith('-')) {
      if (!word.includes('=') && withValue.has(word)) i++;
      continue;
    }
    spec = word;
    break;
  }
  if (spec === undefined || spec.startsWith('${{') || isVariable(spec) || isLocalPath(spec)) return undefined;
  const pinnedEq = /^[A-Za-z0-9._-]+(\[[^\]]*\])?\s*===?\s*[A-Za-z0-9.+!_-]+$/.test(spec) && !spec.includes('*');
  const pinnedAt = /^[A-Za-z0-9._-]+(\[[^\]]*\])?@(?!latest$)[0-9][A-Za-z0-9.+!_-]*$/.test(spec);
  const pinnedVcs = /^git\+[^#\s]+@[0-9a-f]{40}(#.*)?$/i.test(spec);
  if (pinnedEq || pinnedAt || pinnedVcs) return undefined;
  return { spec, tool };
}

export function checkPipUnhashed(workflows: readonly WorkflowFile[], severity: Severity = 'warning'): Finding[] {
  const findings: Finding[] = [];
  for (const wf of workflows) {
    const flagged: { rc: RunCommand; text: string; message: string; fix: string }[] = [];
    for (const rc of runCommands(wf)) {
      const install = pipInstallOf(rc);
      if (install) {
        const problem = pipFinding(install);
        if (problem) flagged.push({ rc, text: commandText(rc), ...problem });
        continue;
      }
      const tool = toolInstallFinding(rc);
      if (tool) {
        const bare = tool.spec.replace(/[<>=!~@].*$/, '');
        flagged.push({
          rc,
          text: commandText(rc),
          message: `\`${tool.tool} ${tool.spec}\` runs whatever version of ${bare} the index serves at that moment: the tool is not pinned to a version.`,
          fix: tool.tool.startsWith('pipx') ? `${tool.tool} ${bare}==<version>` : `${tool.tool} ${bare}@<version>   (or --from '${bare}==<version>')`,
        });
      }
    }
    const subjects = occurrenceSubjects(flagged, (f) => `${f.rc.job}:${f.text}`);
    flagged.forEach((f, i) =>
      findings.push(makeFinding({ rule: 'pip-unhashed', severity, file: wf.file, line: f.rc.line, message: f.message, fix: f.fix, subject: subjects[i] })),
    );
  }
  return findings;
}

/* ------------------------------------------------------------------ curl-pipe-shell */

const DOWNLOADERS = new Set(['curl', 'wget', 'irm', 'iwr', 'invoke-restmethod', 'invoke-webrequest']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'ash']);
const EVALUATORS = new Set(['eval', 'source', '.', 'iex', 'invoke-expression']);

/** A URL that names immutable content: raw.githubusercontent.com at a full commit SHA. */
const PINNED_URL = /^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\//i;

function downloads(command: SimpleCommand): { urls: string[] } | undefined {
  const effective = effectiveCommand(command);
  const name = effective.name.toLowerCase();
  if (!DOWNLOADERS.has(name)) return undefined;
  const values = effective.args.map((a) => a.value);
  if (name === 'wget') {
    // wget saves to a file unless told to write to stdout.
    const toStdout = values.some((v, i) => /^-[a-zA-Z]*O-?$/.test(v) && (v.endsWith('-') || values[i + 1] === '-' || values[i + 1] === '/dev/stdout')) ||
      values.some((v) => v === '--output-document=-' || v === '-O-' || v === '--output-document=/dev/stdout');
    if (!toStdout) return undefined;
  }
  if (name === 'curl') {
    // `-o file` / `-O` save to a file; only `-o -` writes to stdout.
    const toFile = values.some((v, i) => ((v === '-o' || v === '--output') && values[i + 1] !== '-') || (/^-o./.test(v) && v !== '-o-') || v === '-O' || v === '--remote-name' || v === '--remote-name-all' || /^-[a-zA-Z]*O[a-zA-Z]*$/.test(v));
    if (toFile) return undefined;
  }
  const urls = values.filter((v) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v) || v.startsWith('${{') || v.startsWith('$'));
  return { urls };
}

/** Whether a pipeline stage runs its standard input as code. */
function executesStdin(command: SimpleCommand): boolean {
  const { name: rawName, args } = effectiveCommand(command);
  const name = rawName.toLowerCase();
  const values = args.map((a) => a.value);
  const positional = values.find((v) => !v.startsWith('-'));
  if (EVALUATORS.has(name)) return name === 'iex' || name === 'invoke-expression';
  if (SHELLS.has(name)) {
    if (values.some((v) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(v) && !v.startsWith('--'))) return false;
    if (values.some((v) => /^-[a-zA-Z]*s[a-zA-Z]*$/.test(v))) return true;
    return positional === undefined || positional === '-' || positional === '/dev/stdin';
  }
  if (/^(python(\d+(\.\d+)?)?|py|pypy3?)$/.test(name)) {
    if (values.some((v) => v === '-c' || v === '-m')) return false;
    return positional === undefined || positional === '-';
  }
  if (name === 'perl' || name === 'ruby') {
    if (values.some((v) => /^-[a-zA-Z]*[eE]$/.test(v))) return false;
    return positional === undefined || positional === '-';
  }
  if (name === 'node' || name === 'deno' || name === 'bun') {
    if (values.some((v) => ['-e', '--eval', '-p', '--print'].includes(v))) return false;
    return positional === undefined || positional === '-';
  }
  if (name === 'php') return !values.includes('-r') && (positional === undefined || positional === '-');
  if (name === 'pwsh' || name === 'powershell') return values.some((v, i) => v === '-' || (/^-(c|command)$/i.test(v) && values[i + 1] === '-'));
  return false;
}

function isInterpreterOrEvaluator(name: string): boolean {
  const n = name.toLowerCase();
  return SHELLS.has(n) || EVALUATORS.has(n) || /^(python(\d+(\.\d+)?)?|py|pypy3?|perl|ruby|node|deno|bun|php|pwsh|powershell)$/.test(n);
}

/** The download commands of a substitution text, if it starts with one. */
function substitutionDownloads(text: string): { urls: string[] } | undefined {
  for (const pipeline of parseShell(text)) {
    const first = pipeline.commands[0];
    if (first) {
      const found = downloads(first);
      if (found) return found;
    }
  }
  return undefined;
}

export function checkCurlPipeShell(workflows: readonly WorkflowFile[], severity: Severity = 'warning'): Finding[] {
  const findings: Finding[] = [];
  for (const wf of workflows) {
    const flagged: { rc: RunCommand; text: string; urls: string[]; how: string }[] = [];
    const seen = new Set<SimpleCommand>();
    for (const rc of runCommands(wf)) {
      // 1. `curl … | sh`: a download stage followed by a stage that runs stdin.
      if (rc.stage === 0 && rc.pipeline.commands.length > 1) {
        const stages = rc.pipeline.commands;
        for (let d = 0; d < stages.length - 1; d++) {
          const download = downloads(stages[d]);
          if (!download || stages[d].redirectsOutput) continue;
          const runner = stages.slice(d + 1).find((stage) => executesStdin(stage));
          if (runner && !seen.has(stages[d])) {
            seen.add(stages[d]);
            flagged.push({ rc, text: pipelineText(stages), urls: download.urls, how: `piped into ${effectiveCommand(runner).name}` });
          }
        }
      }
      // 2. `bash <(curl …)`, `sh -c "$(curl …)"`, `eval "$(wget -O- …)"`, `source <(curl …)`.
      if (isInterpreterOrEvaluator(rc.name) && !seen.has(rc.command)) {
        for (const substitution of rc.command.substitutions) {
          const download = substitutionDownloads(substitution);
          if (download) {
            seen.add(rc.command);
            flagged.push({ rc, text: commandText(rc), urls: download.urls, how: `run by ${rc.name}` });
            break;
          }
        }
      }
    }
    const kept = flagged.filter((f) => f.urls.length === 0 || !f.urls.every((url) => PINNED_URL.test(url)));
    const subjects = occurrenceSubjects(kept, (f) => `${f.rc.job}:${f.text}`);
    kept.forEach((f, i) => {
      const url = f.urls[0];
      const uvInstaller = f.urls.some((u) => /astral\.sh\/uv|github\.com\/astral-sh\/uv\/releases/i.test(u));
      const fix = uvInstaller
        ? 'uses: astral-sh/setup-uv@<sha> # <tag>   (installs uv with checksum verification), instead of the install script'
        : `curl -fsSLo install.sh ${url ?? '<url>'} && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh`;
      findings.push(
        makeFinding({
          rule: 'curl-pipe-shell',
          severity,
          file: wf.file,
          line: f.rc.line,
          message: `\`${f.text}\` downloads ${url ? url : 'a script'} and runs it (${f.how}) without checking what was downloaded: whoever controls that URL, or its CDN, runs code in this job.`,
          fix,
          subject: subjects[i],
        }),
      );
    });
  }
  return findings;
}

function pipelineText(commands: SimpleCommand[]): string {
  const text = commands.map((c) => [...c.words.map((w) => (/\s/.test(w.value) ? JSON.stringify(w.value) : w.value))].join(' ')).join(' | ');
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
