#!/usr/bin/env node
/**
 * The CLI: `lockgate [DIR] [--base REV] [--head REV] [--format …] …` (see --help), and
 * `lockgate completions bash|zsh|fish`.
 * Exit 0: nothing at or above --fail-on; 1: findings at or above it; 2: usage or internal error,
 * always as one line on stderr, never a stack trace.
 */
import { writeFileSync } from 'node:fs';
import { runLockgate, type RunResult } from '../engine.js';
import { configGlobMatcher } from '../core/glob.js';
import { exitCodeFor, renderGithub } from '../report/github.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import { terminalSafe } from '../report/terminal.js';
import { renderText } from '../report/text.js';
import { settingsFromArgv } from '../settings/resolve.js';
import { SettingsError, type Settings } from '../settings/types.js';
import { ignoredReadableFiles, openRepo, worktreeDescription } from '../source/git.js';
import { VERSION } from '../version.js';
import { isShell, renderCompletions } from './completions.js';
import { fixCommand } from '../fix/cli.js';
import { renderHelp } from './help.js';
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
function completions(args: string[]): number {
  const shell = args[0];
  if (args.length !== 1 || shell === undefined || !isShell(shell)) {
    const got = shell === undefined ? 'no shell' : args.length > 1 ? `${args.length} arguments` : `"${shell}"`;
    throw new SettingsError(`completions needs one shell, ${SHELLS.join(', ')}; got ${got} (see lockgate --help)`);
  }
  process.stdout.write(renderCompletions(shell));
  return 0;
}

function render(result: RunResult, settings: Settings, toTerminal: boolean): string {
  switch (settings.format) {
    case 'json':
      return renderJson(result.report);
    case 'sarif':
      return renderSarif(result.report, { category: settings.sarifCategory });
    case 'markdown':
      return renderMarkdown(result.report, { maxBytes: 1024 * 1024, maxFindings: settings.config.limits.maxRenderedFindings });
    case 'github':
      return renderGithub(result.report, { maxFindings: settings.config.limits.maxRenderedFindings });
    case 'text':
      return renderText(result.report, { color: toTerminal && !process.env.NO_COLOR && process.env.TERM !== 'dumb' });
  }
}

/** The first line of an error's message, for a note (never a stack). */
function describeError(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);
}

/**
 * Without --head the working tree is read as git sees it: say so, and name the files lockgate would
 * read that sit on disk but are ignored by .gitignore (a gitignored uv.lock is absent from every
 * commit, so lock-missing is right about the repository, but the user sees the file and should know why).
 */
function worktreeNotes(settings: Settings): string[] {
  if (settings.head !== null) return [];
  let repo;
  try {
    repo = openRepo(settings.dir, false);
  } catch (error) {
    // The run itself opened it a moment ago; say so rather than drop the notes without a word.
    return [`head: the working tree (${describeError(error)}; the files ignored by .gitignore were not listed).`];
  }
  const notes = [`head: ${worktreeDescription(repo)}.`];
  const excluded = settings.config.exclude.map(configGlobMatcher);
  let ignored: string[];
  try {
    ignored = ignoredReadableFiles(repo).filter((path) => !excluded.some((matches) => matches(path)));
  } catch (error) {
    notes.push(`the files on disk that .gitignore excludes could not be listed (${describeError(error)}); lockgate did not read any of them.`);
    ignored = [];
  }
  if (ignored.length > 0) {
    const shown = ignored.length <= 5 ? ignored.join(', ') : `${ignored.slice(0, 5).join(', ')} and ${ignored.length - 5} more`;
    const one = ignored.length === 1;
    notes.push(
      `${shown} ${one ? 'is' : 'are'} on disk but ignored by .gitignore, so lockgate did not read ${one ? 'it' : 'them'}: no commit would carry ${one ? 'it' : 'them'}.`,
    );
  }
  return notes;
}

export async function main(argv: string[]): Promise<number> {
  try {
    // A first word `completions` is the command; a directory of that name is `./completions`.
    if (argv[0] === 'completions') return completions(argv.slice(1));
    const words = withVersionAlias(argv);
    const command = settingsFromArgv(words, process.env, process.cwd());
    if (command.kind === 'help') {
      // clap's convention: -h prints the summary, --help the details too.
      const end = words.indexOf('--');
      process.stdout.write(renderHelp(words.slice(0, end === -1 ? undefined : end).includes('--help')));
      return 0;
    }
    if (command.kind === 'version') {
      process.stdout.write(`lockgate ${VERSION}\n`);
      return 0;
    }
    if (command.fix) {
      const code = await fixCommand(command.settings, command.fix);
      if (command.fix.only || command.fix.dryRun) return code;
    }
    const result = await runLockgate(command.settings);
    const settings = result.settings;
    const toTerminal = settings.output === null && process.stdout.isTTY === true;
    const text = render(result, settings, toTerminal);
    if (settings.output !== null) writeFileSync(settings.output, text);
    else process.stdout.write(text);
    if (settings.format === 'text' || settings.output !== null) {
      for (const line of [...worktreeNotes(settings), ...result.log]) process.stderr.write(`lockgate: ${terminalSafe(line)}\n`);
    }
    return exitCodeFor(result.report, settings.failOn);
  } catch (error) {
    const message = error instanceof SettingsError ? error.message : `internal error: ${(error as Error)?.message ?? String(error)}`;
    process.stderr.write(`lockgate: ${terminalSafe(message.split('\n')[0])}\n`);
    if (process.env.LOCKGATE_DEBUG && !(error instanceof SettingsError)) process.stderr.write(`${terminalSafe(String((error as Error)?.stack))}\n`);
    return 2;
  }
}

// No top-level await: ncc's ESM output does not support it.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
