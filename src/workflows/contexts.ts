/**
 * How much an attacker controls the text of a context path, for template-injection.
 *
 * Three levels:
 * - `attacker`: free text that anyone who can open a pull request or an issue, comment, or push a
 *   commit or branch to a fork chooses (PR title, issue body, branch names, commit messages, …).
 * - `untrusted`: text the workflow does not fix itself and cannot vouch for: step and job outputs,
 *   environment variables set at run time, free-text inputs, `github.ref_name`, `github.actor`, any
 *   event field not known to be safe. Often harmless, but injection-shaped.
 * - `safe`: values an outsider cannot shape into code: ids, numbers, SHAs, the repository name,
 *   runner facts, secrets (a secret in a script is not an injection), typed inputs (boolean,
 *   number, choice, environment), matrix values that are literals in the workflow.
 *
 * The lists follow zizmor's template-injection audit (its context-capability table and fallbacks),
 * narrowed to what lockgate reports: zizmor's "arbitrary" fields that outsiders reach are
 * `attacker` here; its "structured" URL fields and unknown `github.*` paths are `untrusted`.
 */

export type ContextTrust = 'attacker' | 'untrusted' | 'safe';

interface AttackerPattern {
  path: string[];
  /** Who chooses the text, for the message. */
  who: string;
}

const PR = 'anyone who opens a pull request';
const ISSUE = 'anyone who opens an issue';
const COMMENT = 'anyone who can comment';
const PUSH = 'anyone who pushes a commit, including to a fork';
const RUN = 'the branch and commit of the triggering run, which can come from a fork';

/** `**` matches one or more trailing segments; `*` exactly one segment. */
const ATTACKER: AttackerPattern[] = [
  ['github.head_ref', PR],
  ['github.event.pull_request.title', PR],
  ['github.event.pull_request.body', PR],
  ['github.event.pull_request.head.ref', PR],
  ['github.event.pull_request.head.label', PR],
  ['github.event.pull_request.head.repo.**', PR],
  ['github.event.pull_request.head.user.name', PR],
  ['github.event.pull_request.head.user.email', PR],
  ['github.event.changes.title.from', 'anyone who edits their pull request or issue'],
  ['github.event.changes.body.from', 'anyone who edits their pull request, issue or comment'],
  ['github.event.issue.title', ISSUE],
  ['github.event.issue.body', ISSUE],
  ['github.event.comment.body', COMMENT],
  ['github.event.review.body', 'anyone who can review a pull request'],
  ['github.event.review_comment.body', COMMENT],
  ['github.event.discussion.title', 'anyone who opens a discussion'],
  ['github.event.discussion.body', 'anyone who opens a discussion'],
  ['github.event.answer.body', COMMENT],
  ['github.event.pages.*.page_name', 'anyone who can edit the wiki'],
  ['github.event.pages.*.title', 'anyone who can edit the wiki'],
  ['github.event.commits.*.message', PUSH],
  ['github.event.commits.*.author.name', PUSH],
  ['github.event.commits.*.author.email', PUSH],
  ['github.event.commits.*.committer.name', PUSH],
  ['github.event.commits.*.committer.email', PUSH],
  ['github.event.head_commit.message', PUSH],
  ['github.event.head_commit.author.name', PUSH],
  ['github.event.head_commit.author.email', PUSH],
  ['github.event.head_commit.committer.name', PUSH],
  ['github.event.head_commit.committer.email', PUSH],
  ['github.event.merge_group.head_commit.message', PUSH],
  ['github.event.merge_group.head_commit.author.name', PUSH],
  ['github.event.merge_group.head_commit.author.email', PUSH],
  ['github.event.merge_group.head_commit.committer.name', PUSH],
  ['github.event.merge_group.head_commit.committer.email', PUSH],
  ['github.event.workflow_run.head_branch', RUN],
  ['github.event.workflow_run.display_title', RUN],
  ['github.event.workflow_run.head_commit.message', RUN],
  ['github.event.workflow_run.head_commit.author.name', RUN],
  ['github.event.workflow_run.head_commit.author.email', RUN],
  ['github.event.workflow_run.head_commit.committer.name', RUN],
  ['github.event.workflow_run.head_commit.committer.email', RUN],
  ['github.event.workflow_run.head_repository.**', RUN],
  ['github.event.workflow_run.pull_requests.*.head.ref', RUN],
  ['github.event.check_suite.head_branch', RUN],
  ['github.event.check_run.check_suite.head_branch', RUN],
].map(([path, who]) => ({ path: path.split('.'), who }));

/** `github.*` values fixed by GitHub or by the repository itself (zizmor's "fixed" entries plus the documented ones alike). */
const SAFE_GITHUB = new Set([
  'action',
  'action_path',
  'action_ref',
  'action_repository',
  'action_status',
  'api_url',
  'event_name',
  'graphql_url',
  'job',
  'ref_protected',
  'ref_type',
  'repository',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'repositoryurl',
  'retention_days',
  'run_attempt',
  'run_id',
  'run_number',
  'secret_source',
  'server_url',
  'sha',
  'token',
  'workflow',
  'workflow_sha',
  'workspace',
]);

/**
 * Leaf names under `github.event` whose values are ids, counts, hashes, timestamps, booleans or
 * GitHub-defined enums: never text an outsider writes.
 */
const SAFE_EVENT_LEAVES = new Set([
  'id',
  'number',
  'sha',
  'head_sha',
  'base_sha',
  'before',
  'after',
  'node_id',
  'created_at',
  'updated_at',
  'closed_at',
  'merged_at',
  'pushed_at',
  'submitted_at',
  'run_started_at',
  'run_attempt',
  'run_number',
  'workflow_id',
  'check_suite_id',
  'additions',
  'deletions',
  'changed_files',
  'review_comments',
  'draft',
  'merged',
  'mergeable',
  'rebaseable',
  'locked',
  'private',
  'fork',
  'site_admin',
  'forced',
  'created',
  'deleted',
  'distinct',
  'author_association',
  'state',
  'conclusion',
  'status',
  'event',
  'size',
  'total_count',
  'merge_commit_sha',
  'tree_id',
  'timestamp',
]);

const SAFE_JOB = new Set(['status', 'check_run_id', 'workflow_ref', 'workflow_sha', 'workflow_repository', 'workflow_file_path']);

function matches(pattern: string[], path: string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '**') return path.length > i;
    if (i >= path.length) return false;
    if (pattern[i] !== '*' && path[i] !== '*' && pattern[i] !== path[i]) return false;
  }
  return path.length === pattern.length;
}

/** True when `path` is a strict ancestor of something the pattern matches (toJSON(github.event) carries the title). */
function isAncestor(pattern: string[], path: string[]): boolean {
  if (path.length >= pattern.length) return false;
  for (let i = 0; i < path.length; i++) {
    if (pattern[i] === '**') return true;
    if (pattern[i] !== '*' && path[i] !== '*' && pattern[i] !== path[i]) return false;
  }
  return true;
}

/** The attacker pattern a path falls under, or contains (`toJSON(github.event)`), or null. */
export function attackerSource(path: string): { who: string } | null {
  const segments = path.toLowerCase().split('.');
  for (const pattern of ATTACKER) {
    if (matches(pattern.path, segments)) return { who: pattern.who };
  }
  if (ATTACKER.some((pattern) => isAncestor(pattern.path, segments))) {
    return { who: 'outsiders: it holds pull request, issue and comment text, branch names and commit messages' };
  }
  return null;
}

/** What the rule needs to know about the surroundings of an expression to grade its contexts. */
export interface ContextScope {
  /** Declared `inputs` types (`workflow_dispatch` / `workflow_call`); several when both declare it. Empty for actions. */
  inputTypes: Map<string, string[]>;
  /**
   * What the step, job or workflow `env:` that applies sets `env.<name>` to (name lower-cased): a
   * literal, an expression (with the contexts that flow into it), or nothing known (set at run time
   * through GITHUB_ENV, or by the runner).
   */
  envSource(name: string): { kind: 'literal' } | { kind: 'expression'; contexts: string[] } | undefined;
  /** Whether `matrix.<name>` (or the whole matrix, for `matrix`) expands only to literals written in the workflow. */
  isStaticMatrix(name: string | null): boolean;
}

const SAFE_INPUT_TYPES = new Set(['boolean', 'number', 'choice', 'environment']);

/** How deep `env.A: ${{ env.B }}` chains are followed before giving up (as untrusted). */
const MAX_ENV_HOPS = 4;

/** Grades one context path (see expressions.ts for its form; case does not matter). */
export function classifyContext(path: string, scope: ContextScope, hops = 0): ContextTrust {
  const segments = path.toLowerCase().split('.');
  const [root, second] = segments;
  switch (root) {
    case 'secrets':
      // A secret expanded into a script leaks into argv and logs, but it is not code an outsider chose.
      return 'safe';
    case 'vars':
      // Configuration variables are set by repository or organisation admins.
      return 'safe';
    case 'runner':
    case 'strategy':
      return 'safe';
    case 'job':
      if (segments.length === 2 && SAFE_JOB.has(second)) return 'safe';
      if (second === 'container' || second === 'services') return 'safe';
      return 'untrusted';
    case 'steps':
      // steps.<id>.outcome / conclusion are success|failure|cancelled|skipped.
      if (segments.length === 3 && (segments[2] === 'outcome' || segments[2] === 'conclusion')) return 'safe';
      return 'untrusted';
    case 'needs':
    case 'jobs':
      if (segments.length === 3 && segments[2] === 'result') return 'safe';
      return 'untrusted';
    case 'inputs':
      return classifyInput(segments.length === 2 ? second : null, scope);
    case 'env': {
      const source = segments.length === 2 && second !== '*' ? scope.envSource(second) : undefined;
      if (!source) return 'untrusted';
      if (source.kind === 'literal') return 'safe';
      if (hops >= MAX_ENV_HOPS) return 'untrusted';
      // `${{ env.X }}` carries whatever the expression that set X carries.
      return source.contexts.reduce<ContextTrust>((worst, context) => {
        const trust = classifyContext(context, scope, hops + 1);
        return TRUST_ORDER[trust] > TRUST_ORDER[worst] ? trust : worst;
      }, 'safe');
    }
    case 'matrix':
      if (segments.length === 1) return scope.isStaticMatrix(null) ? 'safe' : 'untrusted';
      return second !== '*' && scope.isStaticMatrix(second) ? 'safe' : 'untrusted';
    case 'github': {
      if (segments.length === 1) return 'attacker'; // toJSON(github) carries the whole event
      if (second === 'event') {
        if (segments[2] === 'inputs') return classifyInput(segments.length === 4 ? segments[3] : null, scope);
        if (segments.length > 2 && SAFE_EVENT_LEAVES.has(segments[segments.length - 1])) return 'safe';
      } else if (segments.length === 2 && SAFE_GITHUB.has(second)) return 'safe';
      return attackerSource(path) ? 'attacker' : 'untrusted';
    }
    default:
      return 'untrusted';
  }
}

const TRUST_ORDER: Record<ContextTrust, number> = { safe: 0, untrusted: 1, attacker: 2 };

/**
 * The attacker-controlled path behind a context, following `env.X` to the expression that set it:
 * `env.TITLE` set from `github.event.issue.title` gives that path. Null when there is none.
 */
export function attackerOrigin(path: string, scope: ContextScope, hops = 0): { path: string; who: string } | null {
  const direct = attackerSource(path);
  if (direct) return { path, ...direct };
  const segments = path.toLowerCase().split('.');
  if (segments[0] !== 'env' || segments.length !== 2 || hops >= MAX_ENV_HOPS) return null;
  const source = scope.envSource(segments[1]);
  if (!source || source.kind !== 'expression') return null;
  for (const context of source.contexts) {
    if (classifyContext(context, scope, hops + 1) !== 'attacker') continue;
    const origin = attackerOrigin(context, scope, hops + 1);
    if (origin) return origin;
  }
  return null;
}

function classifyInput(name: string | null, scope: ContextScope): ContextTrust {
  if (name === null || name === '*') return 'untrusted';
  const types = scope.inputTypes.get(name);
  if (!types || types.length === 0) return 'untrusted';
  return types.every((type) => SAFE_INPUT_TYPES.has(type)) ? 'safe' : 'untrusted';
}

/**
 * Runner environment variables that already hold a context's value, so the fix is only to use the
 * variable (no `env:` line needed).
 */
export const DEFAULT_ENV_FOR_CONTEXT: Readonly<Record<string, string>> = {
  'github.head_ref': 'GITHUB_HEAD_REF',
  'github.base_ref': 'GITHUB_BASE_REF',
  'github.ref': 'GITHUB_REF',
  'github.ref_name': 'GITHUB_REF_NAME',
  'github.actor': 'GITHUB_ACTOR',
  'github.actor_id': 'GITHUB_ACTOR_ID',
  'github.triggering_actor': 'GITHUB_TRIGGERING_ACTOR',
  'github.workflow_ref': 'GITHUB_WORKFLOW_REF',
  'github.event_name': 'GITHUB_EVENT_NAME',
  'github.repository': 'GITHUB_REPOSITORY',
  'github.sha': 'GITHUB_SHA',
  'github.run_id': 'GITHUB_RUN_ID',
  'github.workspace': 'GITHUB_WORKSPACE',
};
