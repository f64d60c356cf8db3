/**
 * The CLI's check (and `--fix`): loaded by main.ts only when there is one to run, so `--version`,
 * `--help` and `completions` do not evaluate the engine, the rules and the reporters.
 */
import { writeFileSync } from 'node:fs';
import { configGlobMatcher } from '../core/glob.js';
import { runLockgate, type RunResult } from '../engine.js';
import { fixCommand } from '../fix/cli.js';
import { exitCodeFor, renderGithub } from '../report/github.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import { terminalSafe } from '../report/terminal.js';
import { renderText } from '../report/text.js';
import type { FixRequest } from '../settings/resolve.js';
import { SettingsError, type Settings } from '../settings/types.js';
import { ignoredReadableFiles, openRepo, worktreeDescription } from '../source/git.js';

/**
 * A SettingsError by this module's class: in the bundle this module is a file of its own
 * (dist/cli-check.js) with its own copy of it, which main.ts's instanceof does not know.
 */
export function isSettingsError(error: unknown): boolean {
  return error instanceof SettingsError;
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

/** Runs `lockgate fix` when asked, then the check; the exit code. */
export async function runCheck(settings: Settings, fix: FixRequest | undefined): Promise<number> {
  if (fix) {
    const code = await fixCommand(settings, fix);
    if (fix.only || fix.dryRun) return code;
  }
  const result = await runLockgate(settings);
  const used = result.settings;
  const toTerminal = used.output === null && process.stdout.isTTY === true;
  const text = render(result, used, toTerminal);
  if (used.output !== null) writeFileSync(used.output, text);
  else process.stdout.write(text);
  if (used.format === 'text' || used.output !== null) {
    for (const line of [...worktreeNotes(used), ...result.log]) process.stderr.write(`lockgate: ${terminalSafe(line)}\n`);
  }
  return exitCodeFor(result.report, used.failOn);
}
