/**
 * pull_request_target and workflow_run run in the base repository's context for code an outsider
 * can influence. The severity follows what the workflow can actually do: running the untrusted code
 * is the worst case whatever the token (it can still poison the caches the base branch restores); a
 * token that can (or may) write is zizmor's high case; read-only with secrets, a warning; with
 * neither, a notice.
 */
import { headCheckoutsOf, type HeadOf } from '../../workflows/checkout.js';
import type { WorkflowFile } from '../../workflows/model.js';
import { jobTokens, type TokenAccess } from '../../workflows/permissions.js';
import { secretsReadIn } from '../../workflows/secrets.js';
import { usesAction } from '../../workflows/steps.js';
import { triggersOf } from '../../workflows/triggers.js';
import { get, items, jobsOf, posOf, str } from '../../workflows/walk.js';
import { defineRule } from '../define.js';
import { listOf } from './text.js';

const DANGEROUS_TRIGGERS: Record<HeadOf, { runs: string; head: string; fix: string; quietFix: string }> = {
  pull_request_target: {
    runs: "pull_request_target runs this workflow for pull requests from forks, in the base repository's context",
    head: "the pull request's code",
    fix:
      'Trigger on pull_request instead of pull_request_target (rename the key under on:), which gives forks no secrets and a read-only token. ' +
      "If the job must write to the pull request, keep pull_request_target but never check out, build or run the pull request's code in it, " +
      'and keep permissions: to the scopes it writes.',
    quietFix:
      "Keep it this way: no checkout of the pull request's code, no write scope, no secret. If the job needs nothing from the base repository, " +
      'pull_request is simpler still (rename the key under on:).',
  },
  workflow_run: {
    runs: "workflow_run runs this workflow in the base repository's context after another workflow finishes, and a fork's pull request can start that workflow",
    head: "the triggering run's code",
    fix:
      'Do the work in the triggering workflow (on: pull_request) if it needs no secrets. Otherwise, in the workflow_run job never check out or run ' +
      "the triggering run's code, treat its artifacts as untrusted data, and check github.event.workflow_run.head_repository.full_name == github.repository.",
    quietFix: "Keep it this way: no checkout of the triggering run's code, no write scope, no secret; treat its artifacts and branch name as untrusted data.",
  },
};

export const rule = defineRule({
  meta: {
    id: 'dangerous-trigger',
    defaultSeverity: 'error',
    summary: 'A workflow runs on pull_request_target or workflow_run.',
    on: 'workflows',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      if (wf.kind !== 'workflow') continue;
      const dangerous = triggersOf(wf).filter((t): t is typeof t & { name: HeadOf } => t.name === 'pull_request_target' || t.name === 'workflow_run');
      if (dangerous.length === 0 || isLabelerOnly(wf)) continue;
      const checkouts = headCheckoutsOf(wf);
      const privileges = privilegesOf(wf);
      const seen = new Set<string>();
      for (const trigger of dangerous) {
        if (seen.has(trigger.name)) continue; // `on: [workflow_run, workflow_run]`: one finding
        seen.add(trigger.name);
        const text = DANGEROUS_TRIGGERS[trigger.name];
        const relevant = checkouts.filter((c) => c.under.includes(trigger.name));
        const head = relevant.find((c) => c.certain) ?? relevant[0];
        let message = `${text.runs}, ${privileges.text}.`;
        // The default level (error) unless little is exposed.
        let level: 'warning' | 'notice' | undefined;
        if (head) {
          message +=
            ` Worst case: line ${head.pos.line} (${head.what}) ${head.certain ? 'brings' : 'appears to bring'} ${text.head} into the job, ` +
            'where anything that runs it runs attacker code with those privileges' +
            (privileges.risk === 'none' ? ", and can still poison the caches the base branch's workflows restore." : '.');
        } else if (privileges.risk === 'write') {
          message += ` Anything it does with ${trigger.name === 'workflow_run' ? "the triggering run's artifacts, branch name or code" : "the pull request's text or code"} runs with that token.`;
        } else if (privileges.risk === 'secrets') {
          level = 'warning';
          message +=
            ` No job checks out ${text.head} and the token cannot write, so what is exposed is the secrets: a step that passes ` +
            `${trigger.name === 'workflow_run' ? "the triggering run's artifacts or branch name" : "the pull request's text"} to a shell or an action can leak them.`;
        } else {
          level = 'notice';
          message += ` No job checks out ${text.head}, the token cannot write and no secret is read, so little is exposed while it stays that way.`;
        }
        const pos = posOf(wf, trigger.node);
        report({
          file: wf.file,
          line: pos.line,
          column: pos.column,
          message,
          fix: level === 'notice' ? text.quietFix : text.fix,
          // The worst-case line the message names, for SARIF's relatedLocations.
          related: head ? [{ file: wf.file, line: head.pos.line, column: head.pos.column, message: `where ${text.head} comes in` }] : undefined,
          subject: trigger.name,
          level,
        });
      }
    }
  },
});

/**
 * zizmor's one exception, kept here: a workflow whose only job is a single `actions/labeler` step is
 * the documented, safe use of pull_request_target (labeler reads the base repository's config only).
 */
function isLabelerOnly(wf: WorkflowFile): boolean {
  const jobs = jobsOf(wf);
  if (jobs.length !== 1) return false;
  const steps = items(get(jobs[0].node, 'steps'));
  return steps.length === 1 && usesAction(str(get(steps[0], 'uses')), 'actions/labeler');
}

function scopesText(access: Extract<TokenAccess, { kind: 'write' }>): string {
  return access.scopes.map((scope) => (scope === 'write-all' ? 'write-all' : `${scope}: write`)).join(', ');
}

/**
 * What the workflow's jobs get, in words: the token (can write / may write / can only read / has no
 * permissions) and the secrets they read. `risk` orders the cases: write (or may write) above
 * secrets above nothing.
 */
function privilegesOf(wf: WorkflowFile): { text: string; risk: 'write' | 'secrets' | 'none' } {
  const tokens = jobTokens(wf);
  const secrets = secretsReadIn(wf);
  const label = (id: string | null) => (id === null ? 'the workflow' : `job ${id}`);
  const writers = tokens.filter((t) => t.access.kind === 'write');
  const defaults = tokens.filter((t) => t.access.kind === 'default');
  const unknown = tokens.filter((t) => t.access.kind === 'unknown');
  let token: string;
  if (writers.length > 0) {
    const list = writers.slice(0, 4).map((t) => `${label(t.id)}: ${scopesText(t.access as Extract<TokenAccess, { kind: 'write' }>)}`);
    token = `a GITHUB_TOKEN that can write (${list.join('; ')}${writers.length > 4 ? `; ${writers.length - 4} more jobs` : ''})`;
  } else if (defaults.length > 0) {
    const who =
      tokens.length === 1 || defaults.length === tokens.length
        ? tokens.length === 1
          ? label(defaults[0]!.id)
          : 'its jobs'
        : listOf(defaults.map((t) => label(t.id)));
    token =
      `a GITHUB_TOKEN that may write (${who} ${defaults.length === 1 ? 'has' : 'have'} no permissions: block and neither has the workflow, ` +
      "so the repository's default applies, which can be read-write on every scope)";
  } else if (unknown.length > 0) {
    token = `a GITHUB_TOKEN that may write (${label(unknown[0]!.id)}: permissions lockgate cannot read, not a list of scopes)`;
  } else if (tokens.some((t) => t.access.kind === 'read')) {
    token = 'a GITHUB_TOKEN that can only read';
  } else {
    token = 'a GITHUB_TOKEN with no permissions (permissions: {})';
  }
  const names = secrets.names.slice(0, 5).join(', ') + (secrets.names.length > 5 ? ` and ${secrets.names.length - 5} more` : '');
  const secretsText = secrets.all
    ? 'every secret the repository has (secrets: inherit, toJSON(secrets) or a computed name)'
    : secrets.names.length > 0
      ? `the secret${secrets.names.length === 1 ? '' : 's'} it reads (${names})`
      : null;
  const risk = writers.length + defaults.length + unknown.length > 0 ? 'write' : secretsText ? 'secrets' : 'none';
  return { text: secretsText ? `with ${token} and ${secretsText}` : `with ${token} and no secrets`, risk };
}
