/**
 * The Action entry (dist/index.js). One run:
 *
 *   event -> base/head -> make them readable (git objects, git fetch, or the API) -> engine ->
 *   report JSON + SARIF files -> check run -> sticky comment -> annotations -> job summary ->
 *   outputs -> setFailed per fail-on.
 *
 * A read-only token (fork PRs) only costs the check run and the comment, with one notice naming
 * the missing permission: annotations, summary, files and outputs still go out. Everything printed,
 * written or sent goes through the scrubber; the token is never printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { EMPTY_CHANGES_OUTPUT, EMPTY_FINDINGS_OUTPUT } from '../report/outputs.js';
import { SettingsError } from '../settings/types.js';
import { ActionRun } from './action-run.js';
import { EventError, resolveRevisions } from './event.js';
import { RevisionError } from './revision-error.js';
import { getInput, setFailed, setOutput } from './runner.js';
import { Scrubber } from './secrets.js';

function readEvent(env: NodeJS.ProcessEnv): unknown {
  const path = env.GITHUB_EVENT_PATH;
  if (!path || !existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new EventError(`the event file at GITHUB_EVENT_PATH is not JSON`);
  }
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const action = new ActionRun(env);
  action.scrubber.add(getInput('token'));
  action.scrubber.addUrlCredentials(getInput('index-url'));

  const event = resolveRevisions(
    env.GITHUB_EVENT_NAME ?? '',
    readEvent(env),
    { baseRef: getInput('base-ref'), headRef: getInput('head-ref') },
    env.GITHUB_SHA ?? null,
  );
  action.info(`lockgate: ${event.description}`);
  if (event.skip) {
    action.info(`lockgate: ${event.skip}.`);
    for (const name of ['errors', 'warnings', 'notices']) setOutput(name, '0');
    for (const name of ['report-json', 'sarif-file']) setOutput(name, '');
    setOutput('findings-json', EMPTY_FINDINGS_OUTPUT);
    setOutput('changes-json', EMPTY_CHANGES_OUTPUT);
    return;
  }

  // Loaded only now: an event that exits early never reads the engine, rules, client or reporters.
  // The bundle has it as a second file, dist/index-check.js (scripts/build.mjs), which node then
  // reads and compiles; this file stays small.
  checkModule = await import(/* webpackIgnore: true */ './check.js');
  await checkModule.check(action, env, event, getInput);
}

/** The full check, once imported: in the bundle a file of its own, with its own copies of the error classes. */
let checkModule: typeof import('./check.js') | null = null;

/** An error whose message is meant for the user (no "internal error", no stack trace). */
function isKnownError(error: unknown): boolean {
  if (error instanceof SettingsError || error instanceof EventError || error instanceof RevisionError) return true;
  return checkModule?.isKnownError(error) ?? false;
}

/** One line, no stack trace (unless LOCKGATE_DEBUG), and never a secret. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await run(env);
  } catch (error) {
    const scrubber = new Scrubber();
    scrubber.add(getInput('token'));
    scrubber.addUrlCredentials(getInput('index-url'));
    const known = isKnownError(error);
    const message = known ? (error as Error).message : `internal error: ${(error as Error)?.message ?? String(error)}`;
    if (env.LOCKGATE_DEBUG && !known) process.stdout.write(`${scrubber.scrub(String((error as Error)?.stack))}\n`);
    setFailed(scrubber.scrub(`lockgate: ${message.split('\n')[0]}`));
  }
}

await main();
