/**
 * The action's full check (everything after the event said there is something to check): loaded
 * by main.ts only then, so an event that exits early does not load the engine, the rules, the
 * GitHub client or the reporters.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { runLockgate, type RunResult } from '../engine.js';
import { GithubApiError, GithubClient } from '../net/github.js';
import { exitCodeFor, failureReason } from '../report/github.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown, type MarkdownOptions } from '../report/markdown.js';
import { filteredLine } from '../report/qualifiers.js';
import { changesOutput, findingsOutput } from '../report/outputs.js';
import { renderSarif } from '../report/sarif.js';
import { settingsFromAction } from '../settings/resolve.js';
import { SettingsError, type Settings } from '../settings/types.js';
import type { ActionRun } from './action-run.js';
import { hiddenAnnotationsLine, planAnnotations } from './annotations.js';
import { CHECK_OUTPUT_MAX_CHARS, CHECK_RUN_NAME, publishCheckRun } from './checks.js';
import { COMMENT_MARKER, COMMENT_MAX_CHARS, commentBody, upsertStickyComment } from './comment.js';
import { EventError, type EventRevisions } from './event.js';
import { setFailed, setOutput } from './runner.js';
import { ensureRevision, isGitRepository, RevisionError, type EnsuredRevision } from './fetch.js';
import { suggestChanges } from './suggestions.js';
import { appendJobSummary, summaryBudget } from './summary.js';

const SHA_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * An error meant for the user, by this module's classes: in the bundle this module is a file of its
 * own (dist/index-check.js) with its own copies of them, which main.ts's instanceof does not know.
 */
export function isKnownError(error: unknown): boolean {
  return error instanceof SettingsError || error instanceof EventError || error instanceof RevisionError;
}

function reportJsonPath(env: NodeJS.ProcessEnv, workspace: string): string {
  const step = (env.GITHUB_ACTION || 'report').replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80);
  if (env.RUNNER_TEMP) return join(env.RUNNER_TEMP, `lockgate-${step}.json`);
  return join(workspace, '.lockgate-tmp', `lockgate-${step}.json`);
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function permissionName(error: GithubApiError, fallback: string): string {
  // GitHub says what it wanted, e.g. "checks=write" or "issues=write; pull_requests=write".
  const wanted = error.acceptedPermissions
    ?.split(/[;,]/)
    .map((p) => p.trim().replace('=', ': ').replace('pull_requests', 'pull-requests'))
    .filter(Boolean);
  return wanted && wanted.length > 0 ? wanted[wanted.length - 1]! : fallback;
}

/**
 * Base and head as the engine will read them. A revision missing from the clone is fetched or
 * rebuilt from the API; the engine then gets the stand-in commit, and the report names the real SHA.
 */
async function prepareRevisions(
  run: ActionRun,
  settings: Settings,
  event: EventRevisions,
  api: GithubClient | null,
): Promise<{ settings: Settings; head: EnsuredRevision | null; base: EnsuredRevision | null }> {
  if (event.base === null && event.head === null) return { settings, head: null, base: null };
  let dir = settings.dir;
  if (!isGitRepository(dir)) {
    // The working tree as head and a base from elsewhere cannot be mixed: the engine reads one repository.
    if (event.head === null) throw new RevisionError(`${dir} is not a git repository: check it out with actions/checkout, or set head-ref too`);
    // No checkout at all: an empty repository in RUNNER_TEMP receives the objects from the API.
    const temp = join(run.env.RUNNER_TEMP || dirname(resolve(dir)), 'lockgate-repository');
    mkdirSync(temp, { recursive: true });
    if (!isGitRepository(temp)) spawnSync('git', ['init', '-q', temp]);
    run.info(`lockgate: ${dir} is not a git repository; reading revisions into ${temp}.`);
    dir = temp;
  }
  const log = (line: string) => run.info(`lockgate: ${line}`);
  const head = event.head === null ? null : await ensureRevision(dir, event.head, { api, log });
  const base = event.base === null ? null : await ensureRevision(dir, event.base, { api, log });
  return { settings: { ...settings, dir, base: base?.revision ?? null, head: head?.revision ?? null }, head, base };
}

/** The report names real SHAs, not the stand-in commits built from the API. */
function relabel(result: RunResult, head: EnsuredRevision | null, base: EnsuredRevision | null): void {
  if (head && result.report.head === head.revision) result.report.head = head.sha;
  if (base && result.report.base === base.revision) result.report.base = base.sha;
}

export async function check(action: ActionRun, env: NodeJS.ProcessEnv, event: EventRevisions, getInput: (name: string) => string): Promise<void> {
  const requested = settingsFromAction(getInput, env, { base: event.base, head: event.head });
  const actionSettings = requested.action ?? { checkRun: true, comment: 'never' as const, sarifFile: null };
  const api =
    requested.githubToken && requested.repository
      ? GithubClient.forRepository({ apiUrl: requested.githubApiUrl, token: requested.githubToken, repository: requested.repository })
      : null;
  const workspace = requested.dir;

  const prepared = await prepareRevisions(action, requested, event, api);
  const result = await runLockgate(prepared.settings);
  relabel(result, prepared.head, prepared.base);
  const { report } = result;
  for (const line of result.log) action.info(`lockgate: ${line}`);
  if (result.settings.onlyNew && report.base !== null) {
    const before = report.preexisting?.length ?? 0;
    action.info(
      `lockgate: diff-aware gate (only-new): only what this change introduces counts; ${before} ${before === 1 ? 'finding' : 'findings'} existed before it ` +
        `(listed in the job summary, not gating). Set only-new: false for the full gate.`,
    );
  }

  // Files first: whatever happens with the API, the full report exists.
  const jsonPath = reportJsonPath(env, workspace);
  writeFile(jsonPath, action.scrubber.scrub(renderJson(report)));
  let sarifPath = '';
  if (actionSettings.sarifFile) {
    sarifPath = isAbsolute(actionSettings.sarifFile) ? actionSettings.sarifFile : join(workspace, actionSettings.sarifFile);
    writeFile(sarifPath, action.scrubber.scrub(renderSarif(report, { category: result.settings.sarifCategory })));
    action.info(`lockgate: SARIF written to ${sarifPath}.`);
  }

  const checkSha = event.checkSha ?? prepared.head?.sha ?? (env.GITHUB_SHA && SHA_RE.test(env.GITHUB_SHA) ? env.GITHUB_SHA : null);
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
  const runUrl = env.GITHUB_RUN_ID && requested.repository ? `${serverUrl}/${requested.repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  const markdownOptions: Omit<MarkdownOptions, 'maxBytes'> = {
    reportJsonPath: jsonPath,
    serverUrl,
    repository: requested.repository ?? undefined,
    sha: checkSha ?? undefined,
    maxFindings: result.settings.config.limits.maxRenderedFindings,
  };
  const markdown = (maxBytes: number, extra: Partial<MarkdownOptions> = {}) =>
    action.scrubber.scrub(renderMarkdown(report, { ...markdownOptions, ...extra, maxBytes }));

  // Check run on the PR head SHA (never the merge commit), every located finding as an annotation.
  let checkRunCarriesAll = false;
  let checkRunUrl: string | undefined;
  if (actionSettings.checkRun) {
    if (!api) action.info('lockgate: no token or repository: the check run is skipped.');
    else if (!checkSha) action.info('lockgate: no commit SHA to attach a check run to: skipped.');
    else {
      try {
        const outcome = await publishCheckRun(api, {
          headSha: checkSha,
          report,
          failOn: result.settings.failOn,
          text: markdown(CHECK_OUTPUT_MAX_CHARS),
          detailsUrl: runUrl,
          scrub: (t) => action.scrubber.scrub(t),
          maxAnnotations: result.settings.config.limits.maxRenderedFindings,
        });
        checkRunCarriesAll = outcome.incomplete === undefined && outcome.capped === 0;
        checkRunUrl = outcome.url;
        if (outcome.capped > 0)
          action.info(`lockgate: ${outcome.capped} more located findings are not annotated in the check run (limits.max-rendered-findings).`);
        action.info(
          `lockgate: check run "${CHECK_RUN_NAME}" on ${checkSha}: ${outcome.conclusion}, ${outcome.annotations} annotations in ${outcome.requests} ${outcome.requests === 1 ? 'request' : 'requests'}.`,
        );
        if (outcome.incomplete)
          action.annotate('warning', `The check run got ${outcome.annotations} of ${outcome.expected} annotations: ${outcome.incomplete}`);
      } catch (error) {
        if (error instanceof GithubApiError && error.kind === 'permission') action.denied.push(permissionName(error, 'checks: write'));
        else action.annotate('warning', `The check run could not be created: ${(error as Error).message}`);
      }
    }
  }

  // Sticky PR comment.
  if (actionSettings.comment !== 'never') {
    if (!event.pullRequest) action.info(`lockgate: comment: ${actionSettings.comment} needs a pull request event; skipped.`);
    else if (!api) action.info('lockgate: no token: the PR comment is skipped.');
    else {
      try {
        const body = commentBody(markdown(COMMENT_MAX_CHARS - COMMENT_MARKER.length - 2, { runUrl, audience: 'comment' }));
        const outcome = await upsertStickyComment(api, {
          issue: event.pullRequest.number,
          mode: actionSettings.comment,
          hasFindings: report.findings.length > 0,
          body,
        });
        action.info(`lockgate: PR comment ${outcome.action}${outcome.reason ? ` (${outcome.reason})` : ''}${outcome.id ? ` (id ${outcome.id})` : ''}.`);
      } catch (error) {
        if (error instanceof GithubApiError && error.kind === 'permission') action.denied.push('pull-requests: write');
        else action.annotate('warning', `The PR comment could not be posted: ${(error as Error).message}`);
      }
    }
  }

  // Suggested changes (suggestions: true): one review per head SHA, see suggestions.ts.
  if (actionSettings.suggestions)
    await suggestChanges({
      api,
      pullRequest: event.pullRequest,
      headSha: checkSha,
      result,
      info: (l) => action.info(l),
      annotate: (s, m) => action.annotate(s, m),
    });

  if (action.denied.length > 0) {
    // One notice for everything the token was refused, naming the permissions to grant.
    const permissions = [...new Set(action.denied)];
    const skipped = [
      permissions.some((p) => p.startsWith('checks')) ? 'the check run' : null,
      permissions.some((p) => !p.startsWith('checks')) ? 'the PR comment' : null,
    ].filter(Boolean);
    action.annotate(
      'notice',
      `The token may not write here (read-only, as in a pull request from a fork), so ${skipped.join(' and ')} ${skipped.length > 1 ? 'were' : 'was'} skipped. ` +
        `Missing permission: ${permissions.join(', ')}. Annotations, the job summary, the report files and the outputs are complete.`,
    );
  }

  const failed = exitCodeFor(report, result.settings.failOn) === 1;
  // One mark per finding on the diff: when the check run carries every located finding, the
  // workflow commands would put a second mark on the same line, so they carry only what the check
  // run cannot place (findings without a line). Without a check run (a read-only token, check-run:
  // false, an API failure) the workflow commands carry them all.
  const byCommand = checkRunCarriesAll ? report.findings.filter((finding) => finding.line === undefined) : report.findings;
  if (checkRunCarriesAll) {
    const located = report.findings.length - byCommand.length;
    if (located > 0)
      action.info(
        `lockgate: ${located} ${located === 1 ? 'finding is' : 'findings are'} annotated on the diff by the check run "${CHECK_RUN_NAME}"${checkRunUrl ? ` (${checkRunUrl})` : ''}, not repeated here.`,
      );
  }
  const plan = planAnnotations(byCommand, { ...action.own, error: action.own.error + (failed ? 1 : 0) });
  for (const command of plan.commands) process.stdout.write(`${action.scrubber.scrub(command)}\n`);
  const where = [...(checkRunCarriesAll ? [`the check run "${CHECK_RUN_NAME}"`] : []), 'the job summary', `the JSON report (${jsonPath})`];
  const hiddenLine = hiddenAnnotationsLine(plan, where);
  if (hiddenLine) action.info(`lockgate: ${hiddenLine}`);

  const summaryPath = env.GITHUB_STEP_SUMMARY;
  if (summaryPath) {
    if (!appendJobSummary(summaryPath, markdown(summaryBudget(summaryPath)))) action.info('lockgate: the job summary is full; nothing added.');
  }

  setOutput('errors', String(report.counts.error));
  setOutput('warnings', String(report.counts.warning));
  setOutput('notices', String(report.counts.notice));
  setOutput('report-json', jsonPath);
  setOutput('sarif-file', sarifPath);
  // Bounded compact JSON for a later step (`fromJSON(steps.<id>.outputs.findings-json)`); report-json has everything.
  setOutput('findings-json', action.scrubber.scrub(findingsOutput(report)));
  setOutput('changes-json', action.scrubber.scrub(changesOutput(report)));

  const { error, warning, notice } = report.counts;
  action.info(
    `lockgate: ${error} ${error === 1 ? 'error' : 'errors'}, ${warning} ${warning === 1 ? 'warning' : 'warnings'}, ${notice} ${notice === 1 ? 'notice' : 'notices'}.`,
  );
  // Left out by min-confidence / persona: counted here and in the summary, never silently.
  const filtered = filteredLine(report.filtered, 'settings');
  if (filtered) action.info(`lockgate: ${filtered}`);
  if (failed) setFailed(action.scrubber.scrub(failureReason(report, result.settings.failOn)));
}
