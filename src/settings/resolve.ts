/**
 * The one place where CLI flags and action inputs become a typed Settings object. Each bad value
 * is a SettingsError with a message a user can act on; nothing downstream re-validates.
 */
import { parseArgs } from 'node:util';
import { resolve as resolvePath } from 'node:path';
import { defaultConfig } from './defaults.js';
import { CONFIDENCES, PERSONAS, type Confidence, type Persona } from '../findings.js';
import { SettingsError, type CommentMode, type FailOn, type LockgateConfig, type OutputFormat, type Settings } from './types.js';

export const DEFAULT_COOLDOWN_DAYS = 7;
export const DEFAULT_CONFIG_FILE = '.github/lockgate.yml';
const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif', 'markdown', 'github'];
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'notice', 'never'];
const COMMENT: readonly CommentMode[] = ['never', 'on-findings', 'always'];
const NETWORK_BUDGET_MS = 60_000;

export function parseCooldownDays(value: string, where: string): number {
  const trimmed = value.trim();
  if (!/^\d{1,4}$/.test(trimmed)) throw new SettingsError(`${where} must be a whole number of days (0 to 3650), not "${value}"`);
  const days = Number(trimmed);
  if (days > 3650) throw new SettingsError(`${where} must be at most 3650 days, not ${days}`);
  return days;
}

export function parseNow(value: string, where: string): Date {
  // RFC 3339 with a zone, or a plain date meaning midnight UTC.
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/i.test(value.trim());
  const date = new Date(/T/i.test(value) ? value.trim() : `${value.trim()}T00:00:00Z`);
  if (!ok || Number.isNaN(date.getTime())) throw new SettingsError(`${where} must be an RFC 3339 time such as 2026-11-26T12:00:00Z, not "${value}"`);
  return date;
}

export function parseIndexUrl(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new SettingsError(`${where} must be an http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SettingsError(`${where} must be an http(s) URL`);
  return url.toString();
}

/**
 * A code-scanning category: one line of printable text, at most 200 characters. GitHub keeps the
 * alerts of each category apart, so two jobs that upload SARIF need two categories.
 */
export function parseSarifCategory(value: string, where: string): string {
  const trimmed = value.trim().replace(/\/+$/, '');
  // Controls, and the bidi and line separators that would disguise the text where GitHub shows it.
  if (trimmed === '' || trimmed.length > 200 || /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/.test(trimmed)) {
    throw new SettingsError(`${where} must be one line of at most 200 characters, such as lockgate/ci, not "${value.slice(0, 80)}"`);
  }
  return trimmed;
}

/**
 * The action's category without the input: the workflow and the job (GITHUB_WORKFLOW,
 * GITHUB_JOB), so two lockgate jobs of a repository do not replace each other's alerts. What the
 * runner gives is cleaned, not refused: a workflow name is free text.
 */
export function actionSarifCategory(env: NodeJS.ProcessEnv): string | null {
  const part = (value: string | undefined) =>
    (value ?? '')
      .replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g, ' ')
      .trim()
      .slice(0, 90);
  const parts = [part(env.GITHUB_WORKFLOW), part(env.GITHUB_JOB)].filter((p) => p !== '');
  return parts.length === 0 ? null : ['lockgate', ...parts].join('/');
}

function oneOf<T extends string>(value: string, allowed: readonly T[], where: string): T {
  const v = value.trim() as T;
  if (!allowed.includes(v)) throw new SettingsError(`${where} must be one of ${allowed.join(', ')}, not "${value}"`);
  return v;
}

function parseBool(value: string, where: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  throw new SettingsError(`${where} must be true or false, not "${value}"`);
}

/**
 * The filters a run applies: a flag or action input given explicitly, else the config's
 * `findings:`, else `low` (every confidence) and `regular` (zizmor's default persona).
 */
export function effectiveFilters(settings: Settings): { minConfidence: Confidence; persona: Persona } {
  return {
    minConfidence: settings.minConfidence ?? settings.config.findings?.minConfidence ?? 'low',
    persona: settings.persona ?? settings.config.findings?.persona ?? 'regular',
  };
}

/** Merges the config file into settings: the config can make the cooldown longer, never shorter. */
export function applyConfig(settings: Settings, config: LockgateConfig): Settings {
  return { ...settings, config, cooldownDays: Math.max(settings.cooldownDays, config.cooldown.days ?? 0) };
}

function baseSettings(): Omit<Settings, 'dir' | 'base' | 'head' | 'format'> {
  return {
    output: null,
    cooldownDays: DEFAULT_COOLDOWN_DAYS,
    now: new Date(),
    offline: false,
    indexUrl: null,
    failOn: 'error',
    configFile: DEFAULT_CONFIG_FILE,
    onlyNew: false,
    config: defaultConfig(),
    networkBudgetMs: NETWORK_BUDGET_MS,
    githubApiUrl: 'https://api.github.com',
    githubToken: null,
    repository: null,
    scope: '',
    sarifCategory: null,
  };
}

export const CLI_USAGE = `Usage: lockgate [DIR] [options]

Checks the uv projects and GitHub workflows of the git repository at DIR (default: .).

Options:
  --base REV          compare against this revision (without it: a full audit)
  --head REV          the revision to check (default: the working tree)
  --format FORMAT     text | json | sarif | markdown | github (default: text)
  --output FILE       write the report to FILE instead of standard output
  --cooldown DAYS     minimum age of a newly locked version (default: 7)
  --now TIME          fix the clock (RFC 3339), so a run can be repeated exactly
  --offline           make no network request at all
  --index-url URL     the package index to ask (default: the lock's own index)
  --fail-on LEVEL     error | warning | notice | never (default: error)
  --min-confidence LEVEL
                      show findings of this confidence or higher: high | medium | low (default: low)
  --persona PERSONA   regular | pedantic | auditor: which findings to show (default: regular)
  --config FILE       the config file (default: .github/lockgate.yml)
  --only-new          report only findings the change introduced
  --sarif-category CATEGORY
                      the code-scanning category of --format sarif (default: lockgate)
  --fix               fix what can be fixed in place, then report (see lockgate fix)
  --dry-run           with fix: print the changes as a unified diff, write nothing
  --update            with fix: move SHA pins to the newest release older than the cooldown
  --update-major      with --update: across major versions too
  -h, --help          show this help
  -v, --version       show the version

Exit status: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage or internal error.
Environment: GITHUB_TOKEN (online workflow checks), GITHUB_API_URL.
`;

/** `lockgate fix` (`only`: fix, no report) or `--fix`; `--dry-run` and `--update` ask for it too. */
export interface FixRequest {
  only: boolean;
  dryRun: boolean;
  update: { major: boolean } | null;
}

export type CliCommand = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; settings: Settings; fix?: FixRequest };

export function settingsFromArgv(words: string[], env: NodeJS.ProcessEnv, cwd: string): CliCommand {
  // A first word `fix` is the command; a directory of that name is `./fix`.
  const fixCommand = words[0] === 'fix';
  const argv = fixCommand ? words.slice(1) : words;
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        base: { type: 'string' },
        head: { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string' },
        cooldown: { type: 'string' },
        now: { type: 'string' },
        offline: { type: 'boolean' },
        'index-url': { type: 'string' },
        'fail-on': { type: 'string' },
        'min-confidence': { type: 'string' },
        persona: { type: 'string' },
        config: { type: 'string' },
        'only-new': { type: 'boolean' },
        'sarif-category': { type: 'string' },
        fix: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        update: { type: 'boolean' },
        'update-major': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new SettingsError(`${(error as Error).message.split('\n')[0]} (see lockgate --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (positionals.length > 1) throw new SettingsError(`expected at most one DIR, got ${positionals.length} (see lockgate --help)`);
  for (const name of ['base', 'head'] as const) {
    const rev = values[name];
    if (rev !== undefined && (rev === '' || rev.startsWith('-') || /[\s\0]/.test(rev)))
      throw new SettingsError(`--${name} must be a git revision, not "${rev}"`);
  }
  const settings: Settings = {
    ...baseSettings(),
    dir: resolvePath(cwd, positionals[0] ?? '.'),
    base: values.base ?? null,
    head: values.head ?? null,
    format: values.format === undefined ? 'text' : oneOf(values.format, FORMATS, '--format'),
  };
  if (values.output !== undefined) settings.output = resolvePath(cwd, values.output);
  if (values.cooldown !== undefined) settings.cooldownDays = parseCooldownDays(values.cooldown, '--cooldown');
  if (values.now !== undefined) settings.now = parseNow(values.now, '--now');
  if (values.offline) settings.offline = true;
  if (values['index-url'] !== undefined) settings.indexUrl = parseIndexUrl(values['index-url'], '--index-url');
  if (values['fail-on'] !== undefined) settings.failOn = oneOf(values['fail-on'], FAIL_ON, '--fail-on');
  if (values['min-confidence'] !== undefined) settings.minConfidence = oneOf(values['min-confidence'], CONFIDENCES, '--min-confidence');
  if (values.persona !== undefined) settings.persona = oneOf(values.persona, PERSONAS, '--persona');
  if (values.config !== undefined) settings.configFile = values.config;
  if (values['only-new']) settings.onlyNew = true;
  if (values['sarif-category'] !== undefined) settings.sarifCategory = parseSarifCategory(values['sarif-category'], '--sarif-category');
  if (env.GITHUB_TOKEN) settings.githubToken = env.GITHUB_TOKEN;
  if (env.GITHUB_API_URL) settings.githubApiUrl = env.GITHUB_API_URL;
  if (env.GITHUB_REPOSITORY) settings.repository = env.GITHUB_REPOSITORY;
  if (fixCommand || values.fix || values['dry-run'] || values.update || values['update-major']) {
    const update = values.update || values['update-major'] ? { major: values['update-major'] === true } : null;
    return { kind: 'run', settings, fix: { only: fixCommand, dryRun: values['dry-run'] === true, update } };
  }
  return { kind: 'run', settings };
}

/**
 * Events whose gate is diff-aware when `only-new` is `auto` (the default): they review a change, so
 * they fail only on what the change introduces. A push, a schedule or a manual run is an audit.
 */
export const DIFF_AWARE_EVENTS: ReadonlySet<string> = new Set(['pull_request', 'pull_request_target', 'merge_group']);

/** Action inputs (as `core.getInput` returns them: '' when unset) into Settings. */
export function settingsFromAction(
  getInput: (name: string) => string,
  env: NodeJS.ProcessEnv,
  revisions: { base: string | null; head: string | null },
): Settings {
  const input = (name: string) => getInput(name).trim();
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const workingDirectory = input('working-directory');
  if (workingDirectory.split(/[\\/]/).includes('..')) throw new SettingsError('input working-directory must stay inside the repository');
  const settings: Settings = {
    ...baseSettings(),
    dir: workspace,
    scope: workingDirectory.replace(/^\.\/?/, '').replace(/\/+$/, ''),
    base: revisions.base,
    head: revisions.head,
    format: 'github',
  };
  if (input('cooldown-days')) settings.cooldownDays = parseCooldownDays(input('cooldown-days'), 'input cooldown-days');
  if (input('fail-on')) settings.failOn = oneOf(input('fail-on'), FAIL_ON, 'input fail-on');
  if (input('offline')) settings.offline = parseBool(input('offline'), 'input offline');
  if (input('index-url')) settings.indexUrl = parseIndexUrl(input('index-url'), 'input index-url');
  if (input('config-file')) settings.configFile = input('config-file');
  if (input('min-confidence')) settings.minConfidence = oneOf(input('min-confidence'), CONFIDENCES, 'input min-confidence');
  if (input('persona')) settings.persona = oneOf(input('persona'), PERSONAS, 'input persona');
  const onlyNew = input('only-new');
  const onlyNewValue = onlyNew.toLowerCase();
  if (onlyNewValue === '' || onlyNewValue === 'auto') settings.onlyNew = DIFF_AWARE_EVENTS.has(env.GITHUB_EVENT_NAME ?? '') && revisions.base !== null;
  else if (onlyNewValue === 'true' || onlyNewValue === 'false') settings.onlyNew = onlyNewValue === 'true';
  else throw new SettingsError(`input only-new must be auto, true or false, not "${onlyNew}"`);
  if (env.LOCKGATE_NOW) settings.now = parseNow(env.LOCKGATE_NOW, 'LOCKGATE_NOW');
  settings.githubToken = input('token') || null;
  if (env.GITHUB_API_URL) settings.githubApiUrl = env.GITHUB_API_URL;
  settings.repository = env.GITHUB_REPOSITORY || null;
  settings.action = {
    checkRun: input('check-run') === '' ? true : parseBool(input('check-run'), 'input check-run'),
    comment: input('comment') === '' ? 'never' : oneOf(input('comment'), COMMENT, 'input comment'),
    sarifFile: input('sarif-file') || null,
    suggestions: input('suggestions') === '' ? false : parseBool(input('suggestions'), 'input suggestions'),
  };
  settings.sarifCategory = input('sarif-category') ? parseSarifCategory(input('sarif-category'), 'input sarif-category') : actionSarifCategory(env);
  return settings;
}
