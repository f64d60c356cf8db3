/**
 * The CLI's options as data: one table that the help text and the shell completion scripts are both
 * rendered from, so they cannot disagree. Parsing stays in src/settings/resolve.ts; a test checks
 * that this table and the parser accept the same flags and values (__tests__/cli-help.test.ts).
 */

export type OptionGroup = 'Input Options' | 'Audit Options' | 'Output Options' | 'Network Options' | 'Options';

export interface CliOption {
  long: string;
  short?: string;
  /** The value's placeholder (`REV`), absent for a flag. */
  value?: string;
  /** The only values accepted, in the order the help lists them. */
  choices?: readonly string[];
  /** What a shell should offer for a free value. */
  complete?: 'file' | 'dir' | 'rev';
  default?: string;
  group: OptionGroup;
  /** One line, for `-h`. */
  summary: string;
  /** More lines, for `--help` (after the summary). */
  details?: readonly string[];
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Commands: a first word the CLI reads as a command rather than a DIR (a directory of that name is ./name). */
export interface CliCommandSpec {
  name: string;
  /** What follows the name in the usage line. */
  usage: string;
  summary: string;
}

export const CLI_COMMANDS: readonly CliCommandSpec[] = [
  { name: 'fix', usage: '[DIR] [OPTIONS]', summary: 'Fix what can be fixed in place, without a report (docs/fix.md)' },
  { name: 'completions', usage: '<SHELL>', summary: `Print a shell completion script (${SHELLS.join(', ')})` },
];

export const CLI_OPTIONS: readonly CliOption[] = [
  {
    long: 'base',
    value: 'REV',
    complete: 'rev',
    group: 'Input Options',
    summary: 'Compare against this revision (without it: a full audit)',
    details: ['A commit, branch or tag of the repository. Without --base every locked package counts as introduced.'],
  },
  {
    long: 'head',
    value: 'REV',
    complete: 'rev',
    default: 'the working tree',
    group: 'Input Options',
    summary: 'The revision to check',
    details: [
      'Without --head the working tree is read as a user sees it: tracked files as they are on disk plus',
      'untracked files that .gitignore does not exclude (what `git add -A` would stage).',
    ],
  },
  {
    long: 'config',
    value: 'FILE',
    complete: 'file',
    default: '.github/lockgate.yml',
    group: 'Input Options',
    summary: 'The config file',
    details: ['Read from the base revision when there is one, so a change cannot loosen its own gate.'],
  },
  {
    long: 'cooldown',
    value: 'DAYS',
    default: '7',
    group: 'Audit Options',
    summary: 'Minimum age of a newly locked version, in days',
    details: ['The config file can raise it, never lower it.'],
  },
  { long: 'now', value: 'TIME', group: 'Audit Options', summary: 'Fix the clock (RFC 3339), so a run can be repeated exactly' },
  { long: 'only-new', group: 'Audit Options', summary: 'Gate only on findings the change introduced' },
  {
    long: 'fail-on',
    value: 'LEVEL',
    choices: ['error', 'warning', 'notice', 'never'],
    default: 'error',
    group: 'Audit Options',
    summary: 'Exit 1 when a finding is at or above this level',
  },
  {
    long: 'format',
    value: 'FORMAT',
    choices: ['text', 'json', 'sarif', 'markdown', 'github'],
    default: 'text',
    group: 'Output Options',
    summary: 'The report format',
    details: ['github prints workflow commands (annotations); sarif is SARIF 2.1.0 for code scanning.'],
  },
  { long: 'output', value: 'FILE', complete: 'file', group: 'Output Options', summary: 'Write the report to FILE instead of standard output' },
  {
    long: 'sarif-category',
    value: 'CATEGORY',
    default: 'lockgate',
    group: 'Output Options',
    summary: 'The code-scanning category of the SARIF run (automationDetails.id)',
    details: ['Two SARIF uploads of one repository need two categories, or the second replaces the alerts of the first.'],
  },
  {
    long: 'min-confidence',
    value: 'LEVEL',
    choices: ['high', 'medium', 'low'],
    default: 'low',
    group: 'Output Options',
    summary: 'Show only findings of this confidence or higher',
    details: [
      'Findings left out are counted in the report, never listed, and never fail the run (--fail-on does not see them).',
      "Without the flag the config's findings.min-confidence applies. See docs/confidence.md.",
    ],
  },
  {
    long: 'persona',
    value: 'PERSONA',
    choices: ['regular', 'pedantic', 'auditor'],
    default: 'regular',
    group: 'Output Options',
    summary: 'Which findings to show',
    details: [
      'pedantic adds hygiene and style findings, auditor shows everything. Findings left out are counted in the report, never listed, and never fail the run.',
      "Without the flag the config's findings.persona applies. See docs/confidence.md.",
    ],
  },
  {
    long: 'fix',
    group: 'Audit Options',
    summary: 'Fix what can be fixed in place, then report what is left (lockgate fix: fix only)',
    details: ['Format-preserving edits of the workflows, dependabot.yml and [tool.uv]; see docs/fix.md.'],
  },
  { long: 'dry-run', group: 'Audit Options', summary: 'With fix: print the changes as a unified diff and write nothing' },
  { long: 'update', group: 'Audit Options', summary: 'With fix: move SHA pins to the newest release older than the cooldown, same major' },
  { long: 'update-major', group: 'Audit Options', summary: 'With --update: across major versions too' },
  {
    long: 'offline',
    group: 'Network Options',
    summary: 'Make no network request at all',
    details: ['Checks that need the package index or GitHub are reported as unverified.'],
  },
  {
    long: 'index-url',
    value: 'URL',
    default: "the lock's own index",
    group: 'Network Options',
    summary: 'The package index to ask for upload times, yanks and files',
  },
  { long: 'help', short: 'h', group: 'Options', summary: "Print help (see more with '--help')" },
  { long: 'version', short: 'V', group: 'Options', summary: 'Print version' },
];
