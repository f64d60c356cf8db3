/**
 * The checks GitHub runs before it will start a workflow (or use a composite action), done on the
 * document lockgate already parsed: unknown keys, missing `on`/`jobs`/`runs-on`, a step with both or
 * neither of `uses` and `run`, unknown events, invalid `${{ }}`, `needs:` naming no job or making a
 * cycle, duplicate step ids, unknown permission scopes and levels. Each problem is a fact
 * (`ValidityProblem`); the workflow-invalid rule reports them.
 *
 * The key, event and permission tables are those of GitHub's own workflow schema
 * (workflow-v1.0.json and action-v1.0.json in @actions/workflow-parser, the parser behind GitHub's
 * Actions language service); __tests__/workflow-validity.test.ts holds them to that schema, so a new
 * key GitHub adds shows up as a failing test, not as a false finding. docs/design.md ("GitHub's
 * parsers") says why lockgate checks these itself instead of running that parser, and which of
 * GitHub's checks are not covered. Every check here errs towards silence: a shape we are unsure
 * GitHub refuses is left alone, since a workflow GitHub runs must never be called invalid.
 */
import { isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { findExpressions, parseExpression, type Expr } from './expressions.js';
import type { WorkflowFile } from './model.js';
import { entries, get, getPair, items, posOf, str } from './walk.js';

/** One reason GitHub would refuse the file, with where. */
export interface ValidityProblem {
  file: string;
  line: number;
  column: number;
  /** What is wrong, in GitHub's words where it has them. */
  message: string;
  /** A short stable kind plus the key or value at fault (the finding's subject). */
  subject: string;
}

export const WORKFLOW_KEYS = ['name', 'description', 'run-name', 'on', 'permissions', 'env', 'defaults', 'concurrency', 'jobs'];

/** Keys of a job that runs steps on a runner (GitHub's `job-factory`). */
export const RUNNER_JOB_KEYS = [
  'name',
  'needs',
  'if',
  'strategy',
  'runs-on',
  'timeout-minutes',
  'cancel-timeout-minutes',
  'continue-on-error',
  'container',
  'services',
  'env',
  'environment',
  'permissions',
  'concurrency',
  'outputs',
  'defaults',
  'steps',
  'snapshot',
];

/** Keys of a job that calls a reusable workflow (GitHub's `workflow-job`). */
export const CALLER_JOB_KEYS = ['name', 'uses', 'with', 'secrets', 'needs', 'if', 'permissions', 'concurrency', 'strategy'];

export const RUN_STEP_KEYS = ['name', 'id', 'if', 'timeout-minutes', 'run', 'continue-on-error', 'env', 'working-directory', 'shell', 'background'];
export const USES_STEP_KEYS = ['name', 'id', 'if', 'continue-on-error', 'timeout-minutes', 'uses', 'with', 'env', 'background'];
/** The step kinds of GitHub's schema other than run and uses (background-step controls). */
export const OTHER_STEP_KINDS: Record<string, string[]> = {
  wait: ['name', 'id', 'continue-on-error', 'wait'],
  'wait-all': ['name', 'id', 'continue-on-error', 'wait-all'],
  cancel: ['name', 'id', 'continue-on-error', 'cancel'],
  parallel: ['parallel'],
};

const TYPES = ['types'];
const BRANCHES = ['branches', 'branches-ignore'];
const PATHS = ['paths', 'paths-ignore'];
/**
 * Every event a workflow may name, with the keys its configuration mapping may have (`null`: the
 * event takes no configuration; `schedule` takes a list of `cron:` entries instead).
 */
export const EVENTS: Record<string, string[] | null> = {
  branch_protection_rule: TYPES,
  check_run: TYPES,
  check_suite: TYPES,
  create: null,
  delete: null,
  deployment: null,
  deployment_status: null,
  discussion: TYPES,
  discussion_comment: TYPES,
  fork: null,
  gollum: null,
  image_version: ['names', 'types', 'versions'],
  issue_comment: TYPES,
  issues: TYPES,
  label: TYPES,
  merge_group: [...BRANCHES, ...TYPES],
  milestone: TYPES,
  page_build: null,
  project: TYPES,
  project_card: TYPES,
  project_column: TYPES,
  public: null,
  pull_request: [...BRANCHES, ...PATHS, ...TYPES],
  pull_request_comment: TYPES,
  pull_request_review: TYPES,
  pull_request_review_comment: TYPES,
  pull_request_target: [...BRANCHES, ...PATHS, ...TYPES],
  push: [...BRANCHES, ...PATHS, 'tags', 'tags-ignore'],
  registry_package: TYPES,
  release: TYPES,
  repository_dispatch: TYPES,
  schedule: ['cron', 'timezone'],
  status: null,
  watch: TYPES,
  workflow_call: ['inputs', 'outputs', 'secrets'],
  workflow_dispatch: ['inputs'],
  workflow_run: [...BRANCHES, 'types', 'workflows'],
};

/** Permission scopes and the levels each accepts. */
const ANY_LEVEL = ['read', 'write', 'none'];
export const PERMISSION_SCOPES: Record<string, string[]> = {
  actions: ANY_LEVEL,
  'artifact-metadata': ANY_LEVEL,
  attestations: ANY_LEVEL,
  checks: ANY_LEVEL,
  'code-quality': ANY_LEVEL,
  contents: ANY_LEVEL,
  'copilot-requests': ['write', 'none'],
  deployments: ANY_LEVEL,
  discussions: ANY_LEVEL,
  drives: ANY_LEVEL,
  'id-token': ['write', 'none'],
  issues: ANY_LEVEL,
  models: ['read', 'none'],
  packages: ANY_LEVEL,
  pages: ANY_LEVEL,
  'pull-requests': ANY_LEVEL,
  'repository-projects': ANY_LEVEL,
  'security-events': ANY_LEVEL,
  statuses: ANY_LEVEL,
  'vulnerability-alerts': ['read', 'none'],
};

/** The named contexts an expression may start with (which of them a given key allows is not checked). */
export const EXPRESSION_CONTEXTS = ['github', 'env', 'vars', 'secrets', 'inputs', 'steps', 'needs', 'matrix', 'strategy', 'job', 'jobs', 'runner'];

/**
 * Functions with their minimum and maximum argument counts (lower-case: names are case-insensitive),
 * the widest GitHub allows anywhere: `success()` and `failure()` take job names in a job's `if:`.
 */
export const EXPRESSION_FUNCTIONS: Record<string, [number, number]> = {
  case: [3, Number.MAX_SAFE_INTEGER],
  contains: [2, 2],
  endswith: [2, 2],
  format: [1, 255],
  fromjson: [1, 1],
  join: [1, 2],
  startswith: [2, 2],
  tojson: [1, 1],
  success: [0, Number.MAX_SAFE_INTEGER],
  always: [0, 0],
  failure: [0, Number.MAX_SAFE_INTEGER],
  cancelled: [0, 0],
  hashfiles: [1, 255],
};

/** Runtimes an action's `runs.using` may name. */
export const ACTION_RUNTIMES = ['docker', 'node12', 'node16', 'node20', 'node24', 'composite'];

/** Job and step ids: a letter or `_`, then letters, digits, `-` and `_` (GitHub's rule, 100 characters at most). */
const ID = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;

/** Records a problem at `node`, or at `snippet` (text written inside that node) when the source has it verbatim. */
type Add = (node: unknown, message: string, subject: string, snippet?: string) => void;

/**
 * Per parsed file: the loader's cache hands base and head the same WorkflowFile when the text did not
 * change, so a rule that runs on both revisions checks each distinct file once.
 */
const checked = new WeakMap<WorkflowFile, ValidityProblem[]>();

/** Every reason GitHub would refuse this workflow or composite action (none for dependabot files). */
export function validityProblems(wf: WorkflowFile): ValidityProblem[] {
  let problems = checked.get(wf);
  if (!problems) {
    problems = checkValidity(wf);
    checked.set(wf, problems);
  }
  return problems.map((problem) => ({ ...problem }));
}

/** The same without the per-file cache (what scripts/eval-github-parsers.ts times). */
export function checkValidity(wf: WorkflowFile): ValidityProblem[] {
  const problems: ValidityProblem[] = [];
  const seen = new Set<string>();
  const add: Add = (node, message, subject, snippet) => {
    let pos = posOf(wf, node);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (snippet && range) {
      // An expression in a block scalar: its own line, as GitHub gives it (a folded or escaped one stays at the node).
      const at = wf.text.indexOf(snippet, range[0]);
      if (at >= 0 && at < range[1]) pos = wf.posAt(at);
    }
    // A node shared through an alias is reached once per use: one finding for it (the step number differs).
    const key = `${pos.line}:${pos.column}:${subject.split(':')[0]}`;
    if (seen.has(key)) return;
    seen.add(key);
    // Names come from the file: one line, bounded (a hostile key may be a megabyte of text or newlines).
    problems.push({ file: wf.file, line: pos.line, column: pos.column, message: clip(message, 800), subject: clip(subject, 200) });
  };
  if (wf.kind === 'dependabot') return problems;
  checkDuplicateKeys(wf.doc.contents, add);
  if (wf.kind === 'workflow') checkWorkflow(wf, add);
  else checkAction(wf, add);
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * The same key twice in one mapping, anywhere in the file: YAML parsers differ on which one wins,
 * GitHub refuses the file ("'runs-on' is already defined"), comparing keys without regard to case.
 */
function checkDuplicateKeys(node: unknown, add: Add): void {
  const seen = new Set<unknown>();
  const visit = (current: unknown): void => {
    if (current === null || current === undefined || isScalar(current) || seen.has(current)) return;
    seen.add(current);
    if (isMap(current)) {
      // Lower-cased keys seen so far, with the key as first written: a list (most mappings have a few
      // keys, and this runs on every mapping of every file), a Map past a dozen.
      const lowered: string[] = [];
      const written: string[] = [];
      let keys: Map<string, string> | null = null;
      for (const pair of current.items) {
        if (isScalar(pair.key) && pair.key.value !== null && typeof pair.key.value !== 'object') {
          const key = String(pair.key.value);
          const lower = key.toLowerCase();
          let earlier: string | undefined;
          if (keys) earlier = keys.get(lower);
          else {
            const at = lowered.indexOf(lower);
            if (at >= 0) earlier = written[at];
          }
          if (earlier !== undefined) {
            const casing = earlier === key ? '' : ` (as '${earlier}': GitHub compares keys without regard to case)`;
            add(pair.key, `'${key}' is already defined${casing}; GitHub refuses a mapping with the same key twice.`, `duplicate-key:${lower}`);
          } else if (keys) keys.set(lower, key);
          else {
            lowered.push(lower);
            written.push(key);
            if (lowered.length > 12) keys = new Map(lowered.map((l, i) => [l, written[i]!]));
          }
        }
        visit(pair.value);
      }
    } else if (isSeq(current)) for (const item of current.items) visit(item);
  };
  visit(node);
}

function keyNode(node: unknown, key: string): Node | undefined {
  return (getPair(node, key)?.key ?? undefined) as Node | undefined;
}

function unknownKeys(node: unknown, allowed: readonly string[], where: string, add: Add): void {
  for (const [key, keyScalar] of entries(node)) {
    if (allowed.includes(key)) continue;
    const near = nearest(key, allowed);
    const hint = near ? `did you mean '${near}'? ` : '';
    add(keyScalar, `Unexpected value '${key}' ${where}: GitHub does not know this key (${hint}allowed: ${allowed.join(', ')}).`, `key:${key}`);
  }
}

/** The allowed key a misspelt one is closest to (a case difference, or at most two edits and a third of its length), if any. */
function nearest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate, bestDistance);
    if (distance < bestDistance && distance <= key.length / 3) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, given up (returning `limit`) once it reaches `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit || a.length > 64 || b.length > 64) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...current) >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length], limit);
}

function isEmptyValue(node: Node | undefined): boolean {
  return node === undefined || (isScalar(node) && (node.value === null || node.value === ''));
}

function checkWorkflow(wf: WorkflowFile, add: Add): void {
  const root = wf.doc.contents;
  unknownKeys(root, WORKFLOW_KEYS, 'at the top of the workflow', add);
  if (!getPair(root, 'on')) add(root, "Required property is missing: on. GitHub needs the events that start this workflow under 'on:'.", 'missing:on');
  else checkOn(get(root, 'on'), keyNode(root, 'on'), add);
  checkPermissions(getPair(root, 'permissions')?.value ?? undefined, add);
  for (const key of ['run-name', 'env', 'concurrency', 'defaults']) checkExpressionsUnder(get(root, key), add);

  const jobsPair = getPair(root, 'jobs');
  if (!jobsPair) {
    add(root, "Required property is missing: jobs. A workflow needs at least one job under 'jobs:'.", 'missing:jobs');
    return;
  }
  const jobs = jobsPair.value;
  if (!isMap(jobs) || jobs.items.length === 0) {
    add(jobs ?? jobsPair.key, "'jobs' must be a mapping of at least one job id to its job.", 'jobs:shape');
    return;
  }
  const jobIds = new Map(entries(jobs).map(([id]) => [id.toLowerCase(), id]));
  const needsOf = new Map<string, { id: string; node: Scalar }[]>();
  for (const [id, idNode, job] of entries(jobs)) {
    if (!ID.test(id)) {
      add(idNode, `The job id '${id}' is invalid: ids must start with a letter or '_' and contain only letters, digits, '-' and '_'.`, `job-id:${id}`);
    }
    if (!isMap(job)) {
      add(job ?? idNode, `Job '${id}' must be a mapping of its keys (runs-on, steps, … or uses).`, `job-shape:${id}`);
      continue;
    }
    needsOf.set(id, checkNeeds(id, get(job, 'needs'), jobIds, add));
    checkJob(id, idNode, job, add);
  }
  checkNeedsGraph(jobs, needsOf, add);
}

function checkOn(on: Node | undefined, onKey: Node | undefined, add: Add): void {
  const unknownEvent = (node: Node, name: string) =>
    add(node, `Unexpected value '${name}' under on: GitHub has no event of this name, so it would not run the workflow.`, `event:${name}`);
  if (isScalar(on) && typeof on.value === 'string') {
    if (!Object.hasOwn(EVENTS, on.value)) unknownEvent(on, on.value);
    return;
  }
  if (isSeq(on)) {
    for (const item of items(on)) {
      const name = str(item);
      if (name === undefined) add(item, 'Each event listed under on: must be an event name.', 'event:shape');
      else if (!Object.hasOwn(EVENTS, name)) unknownEvent(item, name);
    }
    return;
  }
  if (!isMap(on)) {
    add(on ?? onKey, "'on' must name an event, a list of events or a mapping of events to their settings.", 'on:shape');
    return;
  }
  if (on.items.length === 0) add(on, "'on' names no event: GitHub needs at least one.", 'on:empty');
  for (const [name, nameNode, config] of entries(on)) {
    if (!Object.hasOwn(EVENTS, name)) {
      unknownEvent(nameNode, name);
      continue;
    }
    const allowed = EVENTS[name];
    if (name === 'schedule') {
      if (!isSeq(config) || config.items.length === 0)
        add(config ?? nameNode, "'schedule' must be a list of entries of the form '- cron: …'.", 'event-config:schedule');
      else
        for (const entry of items(config)) {
          if (!isMap(entry) || !getPair(entry, 'cron')) add(entry, "Each 'schedule' entry needs a 'cron:' key.", 'event-config:schedule');
          else unknownKeys(entry, EVENTS.schedule ?? [], 'in a schedule entry', add);
        }
      continue;
    }
    if (isEmptyValue(config)) continue;
    if (allowed === null || !isMap(config)) {
      add(config, `The event '${name}' ${allowed === null ? 'takes no settings' : `takes a mapping of ${allowed.join(', ')}`}.`, `event-config:${name}`);
      continue;
    }
    unknownKeys(config, allowed, `under on.${name}`, add);
  }
}

function checkPermissions(node: Node | undefined, add: Add): void {
  if (node === undefined) return;
  if (isScalar(node)) {
    const value = node.value === null ? '' : String(node.value);
    if (value !== 'read-all' && value !== 'write-all') {
      add(
        node,
        `Unexpected value '${value}' for permissions: use read-all, write-all, {} or a mapping of scopes to read, write or none.`,
        `permissions:${value}`,
      );
    }
    return;
  }
  if (!isMap(node)) {
    add(node, 'permissions must be read-all, write-all or a mapping of scopes to read, write or none.', 'permissions:shape');
    return;
  }
  for (const [scope, scopeNode, level] of entries(node)) {
    const levels = PERMISSION_SCOPES[Object.hasOwn(PERMISSION_SCOPES, scope) ? scope : ''];
    if (!levels) {
      add(
        scopeNode,
        `Unexpected value '${scope}' under permissions: GitHub has no token scope of this name (scopes: ${Object.keys(PERMISSION_SCOPES).join(', ')}).`,
        `permission-scope:${scope}`,
      );
      continue;
    }
    const value = str(level);
    if (value === undefined || !levels.includes(value)) {
      add(level ?? scopeNode, `Unexpected value '${value ?? ''}' for permission ${scope}: it takes ${levels.join(', ')}.`, `permission-level:${scope}`);
    }
  }
}

function checkNeeds(id: string, needs: Node | undefined, jobIds: Map<string, string>, add: Add): { id: string; node: Scalar }[] {
  const named: { id: string; node: Scalar }[] = [];
  const list = isSeq(needs) ? items(needs) : needs === undefined ? [] : [needs];
  for (const item of list) {
    const need = str(item);
    if (need === undefined || need === '') {
      add(item, `Job '${id}': each entry of needs must be a job id.`, `needs-shape:${id}`);
      continue;
    }
    // GitHub's parser compares ids exactly; lockgate ignores case, to stay silent where the runner may not.
    const target = jobIds.get(need.toLowerCase());
    if (target === undefined) add(item, `Job '${id}' depends on unknown job '${need}'.`, `needs:${id}:${need}`);
    else named.push({ id: target, node: item as Scalar });
  }
  return named;
}

/**
 * Jobs that need themselves through a chain of needs, and a workflow where every job needs another:
 * GitHub refuses both. Each edge of a cycle is reported at its needs entry, as GitHub does.
 */
function checkNeedsGraph(jobs: Node, needsOf: Map<string, { id: string; node: Scalar }[]>, add: Add): void {
  if (needsOf.size > 0 && [...needsOf.values()].every((needs) => needs.length > 0)) {
    // GitHub stops there: a cycle is then certain and not reported separately.
    add(jobs, 'The workflow must contain at least one job with no dependencies (every job here has needs:).', 'needs-no-root');
    return;
  }
  const state = new Map<string, 'open' | 'done'>();
  const path: { id: string; node?: Scalar }[] = [];
  const visit = (id: string): void => {
    state.set(id, 'open');
    for (const need of needsOf.get(id) ?? []) {
      path.push({ id, node: need.node });
      const seen = state.get(need.id);
      if (seen === 'open') {
        const from = path.findIndex((edge) => edge.id === need.id);
        const cycle = path.slice(from);
        const ring = [...cycle.map((edge) => edge.id), need.id].join(' → ');
        cycle.forEach((edge, i) => {
          const next = cycle[i + 1]?.id ?? need.id;
          add(
            edge.node,
            `Job '${edge.id}' depends on job '${next}', which creates a cycle in the dependency graph (${ring}).`,
            `needs-cycle:${edge.id}:${next}`,
          );
        });
      } else if (seen === undefined) visit(need.id);
      path.pop();
    }
    state.set(id, 'done');
  };
  for (const id of needsOf.keys()) if (!state.has(id)) visit(id);
}

function checkJob(id: string, idNode: Scalar, job: Node, add: Add): void {
  const calls = getPair(job, 'uses') !== undefined;
  unknownKeys(
    job,
    calls ? CALLER_JOB_KEYS : RUNNER_JOB_KEYS,
    `in job '${id}'${calls ? ' (a job with uses: calls a reusable workflow and takes no runner keys)' : ''}`,
    add,
  );
  checkPermissions(getPair(job, 'permissions')?.value ?? undefined, add);
  if (calls) {
    const uses = str(get(job, 'uses'));
    if (!uses?.trim()) add(get(job, 'uses') ?? idNode, `Job '${id}': uses must name a reusable workflow.`, `job-uses:${id}`);
    for (const key of ['with', 'secrets', 'strategy', 'concurrency', 'name']) checkExpressionsUnder(get(job, key), add);
    checkCondition(get(job, 'if'), add);
    return;
  }
  if (!getPair(job, 'runs-on'))
    add(job, `Job '${id}': required property is missing: runs-on. GitHub needs the runner this job runs on.`, `missing:runs-on:${id}`);
  for (const [key, , value] of entries(job)) if (key !== 'steps' && key !== 'if') checkExpressionsUnder(value, add);
  checkCondition(get(job, 'if'), add);
  const steps = getPair(job, 'steps');
  if (steps && !isSeq(steps.value)) add(steps.value ?? steps.key, `Job '${id}': steps must be a list of steps.`, `steps-shape:${id}`);
  else if (steps) checkSteps(id, items(steps.value), 'workflow', add);
}

function checkSteps(scope: string, steps: Node[], kind: 'workflow' | 'action', add: Add): void {
  const where = kind === 'workflow' ? `job '${scope}'` : 'this composite action';
  const ids = new Map<string, Node>();
  steps.forEach((step, index) => {
    const label = `step ${index + 1} of ${where}`;
    const Label = `S${label.slice(1)}`;
    if (!isMap(step)) {
      add(step, `${Label} is ${isEmptyValue(step) ? 'empty' : 'not a mapping'}: each step needs uses: or run:.`, `step-shape:${scope}:${index}`);
      return;
    }
    const has = (key: string) => getPair(step, key) !== undefined;
    if (has('uses') && has('run')) {
      add(
        keyNode(step, 'run'),
        `${Label} has both uses: and run:; a step either runs an action or runs commands, so GitHub refuses it. Split it into two steps.`,
        `step-both:${scope}:${index}`,
      );
    } else if (kind === 'workflow' && !has('uses') && !has('run')) {
      const other = Object.keys(OTHER_STEP_KINDS).find(has);
      if (other) unknownKeys(step, OTHER_STEP_KINDS[other], `in ${label}`, add);
      else add(step, `${Label} has neither uses: nor run:, so it does nothing and GitHub refuses it.`, `step-neither:${scope}:${index}`);
    } else if (kind === 'action' && !has('uses') && !has('run')) {
      add(step, `${Label} has neither uses: nor run:, so GitHub refuses the action.`, `step-neither:${scope}:${index}`);
    } else {
      const allowed = has('run') ? RUN_STEP_KEYS : USES_STEP_KEYS;
      const keys = kind === 'action' ? allowed.filter((key) => key !== 'timeout-minutes' && key !== 'background') : allowed;
      unknownKeys(step, keys, `in ${label}${has('run') ? ' (a run: step)' : ' (a uses: step)'}`, add);
      if (kind === 'action' && has('run') && !has('shell')) {
        add(
          keyNode(step, 'run'),
          `${Label} runs commands without shell:; in a composite action GitHub requires it (required property is missing: shell).`,
          `step-shell:${index}`,
        );
      }
      const uses = getPair(step, 'uses');
      if (uses && !str(uses.value)?.trim()) add(uses.value ?? uses.key, `${Label}: uses must name an action.`, `step-uses:${scope}:${index}`);
    }
    const idNode = get(step, 'id');
    const id = str(idNode);
    if (id !== undefined && !/\$\{\{/.test(id)) {
      if (!ID.test(id)) {
        add(
          idNode,
          `The step id '${id}' is invalid: ids must start with a letter or '_' and contain only letters, digits, '-' and '_'.`,
          `step-id:${scope}:${id}`,
        );
      } else if (ids.has(id)) {
        add(
          idNode,
          `The identifier '${id}' may not be used more than once within the same scope (${where} has another step with this id).`,
          `step-id-duplicate:${scope}:${id}`,
        );
      } else ids.set(id, idNode as Node);
    }
    for (const [key, , value] of entries(step)) if (key !== 'if') checkExpressionsUnder(value, add);
    checkCondition(get(step, 'if'), add);
  });
}

function checkAction(wf: WorkflowFile, add: Add): void {
  const root = wf.doc.contents;
  // The runner reads action.yml loosely (unknown top-level keys are allowed), so only runs is checked.
  const runsPair = getPair(root, 'runs');
  if (!runsPair) {
    add(root, "Required property is missing: runs. An action needs 'runs:' with its 'using:' runtime.", 'missing:runs');
    return;
  }
  const runs = runsPair.value;
  if (!isMap(runs)) {
    add(runs ?? runsPair.key, "'runs' must be a mapping with 'using:' and what the runtime needs.", 'runs:shape');
    return;
  }
  const using = str(get(runs, 'using'));
  if (using === undefined) {
    add(runsPair.key, "Required property is missing: using. 'runs:' must say the runtime (composite, docker, node20, node24).", 'missing:using');
    return;
  }
  if (!ACTION_RUNTIMES.includes(using.toLowerCase())) {
    add(get(runs, 'using'), `Unexpected value '${using}' for runs.using: GitHub runs ${ACTION_RUNTIMES.join(', ')}.`, `using:${using}`);
    return;
  }
  if (using.toLowerCase() !== 'composite') return;
  const steps = getPair(runs, 'steps');
  if (!steps) add(runsPair.key, 'Required property is missing: steps. A composite action needs runs.steps.', 'missing:steps');
  else if (!isSeq(steps.value)) add(steps.value ?? steps.key, 'runs.steps must be a list of steps.', 'steps-shape');
  else checkSteps('', items(steps.value), 'action', add);
}

/** `if:` takes an expression with or without `${{ }}`. */
function checkCondition(node: Node | undefined, add: Add): void {
  if (!isScalar(node) || typeof node.value !== 'string') return;
  const text = node.value;
  if (text.includes('${{')) checkExpressionsIn(node, text, add);
  else if (text.trim() !== '') checkExpressionBody(node, text, add);
}

/** Every string scalar under `node` (keys and values of mappings, list items). */
function checkExpressionsUnder(node: unknown, add: Add, depth = 0): void {
  if (node === null || node === undefined || depth > 64) return;
  if (isScalar(node)) {
    if (typeof node.value === 'string' && node.value.includes('${{')) checkExpressionsIn(node, node.value, add);
    return;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      checkExpressionsUnder(pair.key, add, depth + 1);
      checkExpressionsUnder(pair.value, add, depth + 1);
    }
  } else if (isSeq(node)) for (const item of node.items) checkExpressionsUnder(item, add, depth + 1);
}

function checkExpressionsIn(node: Node, text: string, add: Add): void {
  const spans = findExpressions(text);
  const last = spans.at(-1);
  const rest = last ? text.slice(last.end) : text;
  for (const span of spans) checkExpressionBody(node, span.body, add, text.slice(span.start, span.end));
  if (rest.includes('${{')) {
    const unclosed = rest.slice(rest.indexOf('${{'));
    add(node, `The expression is not closed: ${clip(unclosed)} has no closing '}}'.`, `expression-unclosed:${clip(unclosed, 40)}`, unclosed.split('\n')[0]);
  }
}

function clip(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function checkExpressionBody(node: Node, body: string, add: Add, snippet?: string): void {
  if (body.trim() === '') {
    add(node, 'An expression was expected: ${{ }} is empty.', 'expression-empty', snippet);
    return;
  }
  const parsed = parseExpression(body);
  if (!parsed) {
    add(node, `The expression \${{ ${clip(body)} }} is not valid syntax.`, `expression-syntax:${clip(body, 60)}`, snippet);
    return;
  }
  const problem = unknownName(parsed);
  if (problem) add(node, `${problem} in \${{ ${clip(body)} }}.`, `expression-name:${problem}`, snippet);
}

/** The first context or function GitHub does not know, or a function called with the wrong number of arguments. */
function unknownName(expr: Expr): string | null {
  switch (expr.kind) {
    case 'literal':
      return null;
    case 'context': {
      const root = expr.path[0];
      return EXPRESSION_CONTEXTS.includes(root.toLowerCase()) ? null : `Unrecognized named-value: '${root}'`;
    }
    case 'access':
      return unknownName(expr.target) ?? (expr.index ? unknownName(expr.index) : null);
    case 'call': {
      const arity = Object.hasOwn(EXPRESSION_FUNCTIONS, expr.name) ? EXPRESSION_FUNCTIONS[expr.name] : undefined;
      if (!arity) return `Unrecognized function: '${expr.name}'`;
      if (expr.args.length < arity[0]) return `Too few parameters supplied: '${expr.name}'`;
      if (expr.args.length > arity[1]) return `Too many parameters supplied: '${expr.name}'`;
      for (const arg of expr.args) {
        const inner = unknownName(arg);
        if (inner) return inner;
      }
      return null;
    }
    case 'not':
      return unknownName(expr.operand);
    case 'and':
    case 'or':
    case 'compare':
      return unknownName(expr.left) ?? unknownName(expr.right);
  }
}
