#!/usr/bin/env node
/**
 * The CLI: `lockgate [DIR] [--base REV] [--head REV] [--format …] …` (see --help), and
 * `lockgate completions bash|zsh|fish`.
 * Exit 0: nothing at or above --fail-on; 1: findings at or above it; 2: usage or internal error,
 * always as one line on stderr, never a stack trace.
 */
import { terminalSafe } from '../report/terminal.js';
import { settingsFromArgv } from '../settings/resolve.js';
import { SettingsError } from '../settings/types.js';
import { VERSION } from '../version.js';
import { enableCompileCache } from './compile-cache.js';
import { SHELLS } from './options.js';

/**
 * The words before `--`, with zizmor's `-V` read as `--version` (the parser knows only `-v`, which
 * stays accepted). A lone `-V` is always a flag: the parser refuses a value starting with a dash.
 */
function withVersionAlias(argv: string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((word, i) => (word === '-V' && (end === -1 || i < end) ? '--version' : word));
}

/** `lockgate completions SHELL`: the script on stdout, or a usage error. */
async function completions(args: string[]): Promise<number> {
  const { isShell, renderCompletions } = await import(/* webpackMode: "eager" */ './completions.js');
  const shell = args[0];
  if (args.length !== 1 || shell === undefined || !isShell(shell)) {
    const got = shell === undefined ? 'no shell' : args.length > 1 ? `${args.length} arguments` : `"${shell}"`;
    throw new SettingsError(`completions needs one shell, ${SHELLS.join(', ')}; got ${got} (see lockgate --help)`);
  }
  process.stdout.write(renderCompletions(shell));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  try {
    // A first word `completions` is the command; a directory of that name is `./completions`.
    if (argv[0] === 'completions') return await completions(argv.slice(1));
    const words = withVersionAlias(argv);
    const command = settingsFromArgv(words, process.env, process.cwd());
    if (command.kind === 'help') {
      // clap's convention: -h prints the summary, --help the details too.
      const end = words.indexOf('--');
      const { renderHelp } = await import(/* webpackMode: "eager" */ './help.js');
      process.stdout.write(renderHelp(words.slice(0, end === -1 ? undefined : end).includes('--help')));
      return 0;
    }
    if (command.kind === 'version') {
      process.stdout.write(`lockgate ${VERSION}\n`);
      return 0;
    }
    // Loaded only now. The bundle has it as a second file, dist/cli-check.js (scripts/build.mjs),
    // which node reads and compiles only for a check; dist/cli.js stays small.
    enableCompileCache();
    runModule = await import(/* webpackIgnore: true */ './run.js');
    return await runModule.runCheck(command.settings, command.fix);
  } catch (error) {
    const known = isSettingsError(error);
    const message = known ? (error as Error).message : `internal error: ${(error as Error)?.message ?? String(error)}`;
    process.stderr.write(`lockgate: ${terminalSafe(message.split('\n')[0])}\n`);
    if (process.env.LOCKGATE_DEBUG && !known) process.stderr.write(`${terminalSafe(String((error as Error)?.stack))}\n`);
    return 2;
  }
}

/** The check, once imported: in the bundle a file of its own, with its own copy of SettingsError. */
let runModule: typeof import('./run.js') | null = null;

function isSettingsError(error: unknown): boolean {
  return error instanceof SettingsError || (runModule?.isSettingsError(error) ?? false);
}

// No top-level await: ncc's ESM output does not support it.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
