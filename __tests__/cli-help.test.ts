/**
 * `--help`, `--version` and `lockgate completions SHELL` (issue 14 item 3): zizmor's conventions
 * (clap's layout, `lockgate X.Y.Z`, `-V`), one option table behind the help and the completion
 * scripts, checked against the parser so they cannot drift, and the scripts run in real shells.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderCompletions } from '../src/cli/completions.js';
import { renderHelp } from '../src/cli/help.js';
import { CLI_COMMANDS, CLI_OPTIONS, SHELLS } from '../src/cli/options.js';
import { CLI_USAGE, settingsFromArgv } from '../src/settings/resolve.js';
import { SettingsError } from '../src/settings/types.js';
import { VERSION } from '../src/version.js';

const CLI = resolve(process.env.LOCKGATE_CLI ?? 'dist/cli.js');

function cli(args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, GITHUB_TOKEN: '', NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function hasShell(name: string): boolean {
  return spawnSync(name, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;
}

/** A value the parser accepts for each option that takes one (a new option needs one here). */
const SAMPLE: Record<string, string> = {
  base: 'HEAD~1',
  head: 'HEAD',
  config: 'ci/lockgate.yml',
  cooldown: '14',
  now: '2026-11-26T12:00:00Z',
  output: 'report.json',
  'index-url': 'https://pypi.example/simple/',
  'sarif-category': 'lockgate/ci',
};

describe('the option table and the parser agree', () => {
  it('lists exactly the flags of the parser (CLI_USAGE in src/settings/resolve.ts)', () => {
    const parserFlags = new Set([...CLI_USAGE.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!));
    const tableFlags = new Set(CLI_OPTIONS.map((option) => option.long));
    expect([...tableFlags].sort()).toEqual([...parserFlags].sort());
  });

  it.each(CLI_OPTIONS.filter((option) => option.value).map((option) => [option.long, option] as const))(
    '--%s takes the values the table says',
    (long, option) => {
      const values = option.choices ?? [SAMPLE[long]];
      expect(values[0]).toBeDefined();
      for (const value of values) expect(settingsFromArgv([`--${long}`, value!], {}, '/').kind).toBe('run');
      if (option.choices) expect(() => settingsFromArgv([`--${long}`, 'not-a-choice'], {}, '/')).toThrow(SettingsError);
    },
  );

  it.each(CLI_OPTIONS.filter((option) => !option.value).map((option) => [option.long, option] as const))('--%s is a flag', (long, option) => {
    const kind = settingsFromArgv([`--${long}`], {}, '/').kind;
    expect(kind).toBe(long === 'help' ? 'help' : long === 'version' ? 'version' : 'run');
    expect(() => settingsFromArgv([`--${long}=x`], {}, '/')).toThrow(SettingsError);
    if (option.short) expect(settingsFromArgv([`-${option.short === 'V' ? 'v' : option.short}`], {}, '/').kind).toBe(kind);
  });

  it('lists the commands the CLI reads as a first word', () => {
    expect(CLI_COMMANDS.map((command) => command.name)).toEqual(['fix', 'completions']);
    const fix = settingsFromArgv(['fix'], {}, '/');
    expect(fix.kind === 'run' && fix.fix?.only).toBe(true);
    // Any other first word is a DIR.
    const dir = settingsFromArgv(['fixtures'], {}, '/');
    expect(dir.kind === 'run' && dir.fix === undefined && dir.settings.dir).toBe('/fixtures');
  });

  it('shows each default the parser applies', () => {
    const run = settingsFromArgv([], {}, '/');
    if (run.kind !== 'run') throw new Error('expected a run');
    const byName = new Map(CLI_OPTIONS.map((option) => [option.long, option.default]));
    expect(byName.get('format')).toBe(run.settings.format);
    expect(byName.get('fail-on')).toBe(run.settings.failOn);
    expect(byName.get('cooldown')).toBe(String(run.settings.cooldownDays));
    expect(byName.get('config')).toBe(run.settings.configFile);
  });
});

describe('help in clap layout (zizmor)', () => {
  it('-h: about, usage, commands, arguments, then each option once in its group', () => {
    const help = renderHelp(false);
    expect(help).toMatch(
      /^A supply-chain gate [^\n]+\n\nUsage: lockgate \[DIR\] \[OPTIONS\]\n {7}lockgate fix \[DIR\] \[OPTIONS\]\n {7}lockgate completions <SHELL>\n\nCommands:\n {2}fix {10}Fix what can be fixed in place, without a report \(docs\/fix\.md\)\n {2}completions {2}Print a shell completion script \(bash, zsh, fish\)\n\nArguments:\n {2}\[DIR\] {2}The git repository to check \[default: \.\]\n\nInput Options:\n/,
    );
    const headings = [...help.matchAll(/^([A-Z][A-Za-z ]+):$/gm)].map((m) => m[1]);
    expect(headings).toEqual(['Commands', 'Arguments', 'Input Options', 'Audit Options', 'Output Options', 'Network Options', 'Options']);
    for (const option of CLI_OPTIONS) {
      const flag = new RegExp(`^ {2}(-\\w, | {4})--${option.long}( <|  )`);
      expect(help.split('\n').filter((line) => flag.test(line))).toHaveLength(1);
    }
    expect(help).toMatch(/\n {6}--format <FORMAT> +The report format \[default: text\] \[possible values: text, json, sarif, markdown, github\]\n/);
    expect(help).toContain("  -h, --help     Print help (see more with '--help')\n  -V, --version  Print version\n");
    expect(help.split('\n').every((line) => line.length <= 140)).toBe(true);
  });

  it('--help: the same groups, the details under each option, "see a summary with -h"', () => {
    const help = renderHelp(true);
    expect(help).toContain("  -h, --help\n          Print help (see a summary with '-h')\n");
    expect(help).toContain('      --head <REV>\n          The revision to check\n\n          Without --head the working tree');
    expect(help).toContain('          [default: text] [possible values: text, json, sarif, markdown, github]\n');
    for (const shell of SHELLS) expect(help).toContain(`lockgate completions ${shell} > `);
  });

  it('the CLI prints them: -h the summary, --help the details, -V / --version / -v "lockgate X.Y.Z"', () => {
    expect(cli(['-h'])).toEqual({ code: 0, stdout: renderHelp(false), stderr: '' });
    expect(cli(['--help'])).toEqual({ code: 0, stdout: renderHelp(true), stderr: '' });
    for (const flag of ['-V', '--version', '-v']) expect(cli([flag])).toEqual({ code: 0, stdout: `lockgate ${VERSION}\n`, stderr: '' });
    // After `--`, -V is a DIR like any other word.
    expect(cli(['--', '-V']).code).toBe(2);
  });
});

describe('lockgate completions SHELL', () => {
  it.each(SHELLS)('prints the %s script', (shell) => {
    expect(cli(['completions', shell])).toEqual({ code: 0, stdout: renderCompletions(shell), stderr: '' });
  });

  it('refuses a missing, unknown or extra shell with exit 2 and one line', () => {
    for (const args of [['completions'], ['completions', 'tcsh'], ['completions', 'bash', 'zsh'], ['completions', '\u001b[31m']]) {
      const run = cli(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^lockgate: completions needs one shell, bash, zsh, fish; got [^\n\u001b]+ \(see lockgate --help\)\n$/);
    }
  });

  it('every script names every flag', () => {
    for (const shell of SHELLS) {
      const script = renderCompletions(shell);
      for (const option of CLI_OPTIONS) expect(script).toMatch(shell === 'fish' ? new RegExp(`-l ${option.long} `) : new RegExp(`--${option.long}\\b`));
    }
  });

  // bash is everywhere these tests run; the script is sourced and asked, the way bash asks it.
  it('bash completes flags, values, the command and its shells', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockgate-completions-'));
    try {
      const script = join(dir, 'lockgate.bash');
      writeFileSync(script, renderCompletions('bash'));
      const ask = (...words: string[]) => {
        const run = spawnSync(
          'bash',
          [
            '--norc',
            '--noprofile',
            '-c',
            `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _lockgate; printf '%s\\n' "\${COMPREPLY[@]}"`,
            'bash',
            script,
            ...words,
          ],
          { cwd: dir, encoding: 'utf8' },
        );
        expect(run.stderr).toBe('');
        return run.stdout.split('\n').filter(Boolean).sort();
      };
      expect(ask('lockgate', '--for')).toEqual(['--format']);
      expect(ask('lockgate', '--format', '')).toEqual(['github', 'json', 'markdown', 'sarif', 'text']);
      expect(ask('lockgate', '--fail-on', 'n')).toEqual(['never', 'notice']);
      // --format=… arrives split at the "=".
      expect(ask('lockgate', '--format', '=')).toEqual(['github', 'json', 'markdown', 'sarif', 'text']);
      expect(ask('lockgate', '--format', '=', 'j')).toEqual(['json']);
      expect(ask('lockgate', 'comp')).toEqual(['completions']);
      expect(ask('lockgate', 'fi')).toEqual(['fix']);
      expect(ask('lockgate', 'completions', '')).toEqual(['bash', 'fish', 'zsh']);
      expect(ask('lockgate', '-')).toEqual(CLI_OPTIONS.flatMap((o) => [`--${o.long}`, ...(o.short ? [`-${o.short}`] : [])]).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const fish = hasShell('fish');
  if (!fish) console.warn('cli-help.test.ts: fish is not installed; the fish completion script is not run (apt-get install fish)');
  (fish ? it : it.skip)('fish completes flags, values and the command (complete -C)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'lockgate-fish-'));
    const ask = (line: string) => {
      // In an empty directory: the first word also completes directories.
      const run = spawnSync('fish', ['--no-config', '-c', `${renderCompletions('fish')}\ncomplete -C '${line}'`], { cwd: empty, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      return run.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0])
        .sort();
    };
    expect(ask('lockgate --for')).toEqual(['--format']);
    expect(ask('lockgate --format ')).toEqual(['github', 'json', 'markdown', 'sarif', 'text']);
    expect(ask('lockgate completions ')).toEqual(['bash', 'fish', 'zsh']);
    expect(ask('lockgate fi')).toEqual(['fix']);
    rmSync(empty, { recursive: true, force: true });
  });

  const zsh = hasShell('zsh');
  if (!zsh) console.warn('cli-help.test.ts: zsh is not installed; the zsh completion script is not parsed (apt-get install zsh)');
  (zsh ? it : it.skip)('zsh parses the script (zsh -n)', () => {
    const run = spawnSync('zsh', ['-n'], { input: renderCompletions('zsh'), encoding: 'utf8' });
    expect(run).toMatchObject({ status: 0, stderr: '' });
  });
});
