/**
 * `lockgate fix` and `--fix` as the CLI runs them: the GitHub client and the registry behind the
 * resolver, the terminal as the output. src/cli/main.ts calls this and nothing else of src/fix.
 */
import { GithubClient } from '../net/github.js';
import { terminalSafe } from '../report/terminal.js';
import type { FixRequest } from '../settings/resolve.js';
import type { Settings } from '../settings/types.js';
import { githubFixResolver } from './github-resolver.js';
import { runFix } from './run.js';

/** Runs the fix; the exit status is 0 (what could not be fixed is said on stderr, and the report shows it). */
export async function fixCommand(settings: Settings, request: FixRequest): Promise<number> {
  const client = new GithubClient({ apiUrl: settings.githubApiUrl, token: settings.githubToken, budgetMs: settings.networkBudgetMs });
  const resolver = settings.offline ? null : githubFixResolver(client);
  await runFix(settings, { dryRun: request.dryRun, update: request.update }, resolver, {
    stdout: (text) => process.stdout.write(text),
    stderr: (line) => process.stderr.write(`lockgate: ${terminalSafe(line)}\n`),
  });
  return 0;
}
