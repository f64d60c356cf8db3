/**
 * The classic GitHub Actions risks that are about a workflow's shape rather than its code:
 * dangerous triggers, token permissions, persisted checkout credentials, `secrets: inherit`.
 * Each function reads one file (plus, for secrets-inherit, its sibling workflows) and returns
 * findings with `introduced` left true (see introduced.ts).
 */
import { isMap, isScalar, isSeq, type Scalar } from 'yaml';
import { makeFinding, type Finding, type Severity } from '../findings.js';
import { headCheckoutsOf, isCheckoutStep, uploadsWorkspace, type HeadOf } from './checkout.js';
import { stepsInContext, usesAction } from './injection.js';
import type { WorkflowFile } from './model.js';
import { findExpressions, scanContextPaths } from './expressions.js';
import { permissionsOf, tokenAccessOf, type Permissions, type TokenAccess } from './permissions.js';
import { declaredSecretsOf, isWorkflowCallOnly, triggersOf } from './triggers.js';
import { get, getPair, items, jobsOf, posOf, str, type JobRef } from './walk.js';

// ---------------------------------------------------------------------------------------------
// dangerous-trigger

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
    quietFix:
      "Keep it this way: no checkout of the triggering run's code, no write scope, no secret; treat its artifacts and branch name as untrusted data.",
  },
};

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

/** The secrets a workflow can hand to its steps: names it reads (`secrets.X`), or all of them. */
interface SecretsRead {
  names: string[];
  /** `secrets: inherit`, `toJSON(secrets)` or a computed `secrets[...]`: any secret may be read. */
  all: boolean;
}

function secretsOfWorkflow(wf: WorkflowFile): SecretsRead {
  const names = new Map<string, string>();
  let all = false;
  const visit = (node: unknown): void => {
    if (isScalar(node)) {
      const text = typeof node.value === 'string' ? node.value : '';
      if (!text.includes('${{')) return;
      for (const span of findExpressions(text)) {
        for (const path of scanContextPaths(span.body)) {
          const [root, name] = path.split('.');
          if (root?.toLowerCase() !== 'secrets') continue;
          if (name === undefined || name === '*') all = true;
          else if (name.toUpperCase() !== 'GITHUB_TOKEN') names.set(name.toUpperCase(), name);
        }
      }
    } else if (isMap(node)) {
      for (const pair of node.items) visit(pair.value);
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(wf.doc.contents);
  for (const job of jobsOf(wf)) {
    const inherit = get(job.node, 'secrets');
    if (isScalar(inherit) && String(inherit.value ?? '').trim().toLowerCase() === 'inherit') all = true;
  }
  return { names: [...names.values()], all };
}

/** Each job's token (the workflow level's alone when it has no jobs: nothing else can be said). */
function jobTokens(wf: WorkflowFile): { id: string | null; access: TokenAccess; node: unknown }[] {
  const root = wf.doc.contents;
  const jobs = jobsOf(wf);
  if (jobs.length === 0) return [{ id: null, access: tokenAccessOf(root, undefined), node: undefined }];
  return jobs.map((job) => ({ id: job.id, access: tokenAccessOf(root, job.node), node: job.node }));
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
  const secrets = secretsOfWorkflow(wf);
  const label = (id: string | null) => (id === null ? 'the workflow' : `job ${id}`);
  const writers = tokens.filter((t) => t.access.kind === 'write');
  const defaults = tokens.filter((t) => t.access.kind === 'default');
  const unknown = tokens.filter((t) => t.access.kind === 'unknown');
  let token: string;
  if (writers.length > 0) {
    const list = writers.slice(0, 4).map((t) => `${label(t.id)}: ${scopesText(t.access as Extract<TokenAccess, { kind: 'write' }>)}`);
    token = `a GITHUB_TOKEN that can write (${list.join('; ')}${writers.length > 4 ? `; ${writers.length - 4} more jobs` : ''})`;
  } else if (defaults.length > 0) {
    const who = tokens.length === 1 || defaults.length === tokens.length ? (tokens.length === 1 ? label(defaults[0]!.id) : 'its jobs') : listOf(defaults.map((t) => label(t.id)));
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

export function dangerousTriggerFindings(wf: WorkflowFile): Finding[] {
  if (wf.kind !== 'workflow') return [];
  const dangerous = triggersOf(wf).filter((t): t is typeof t & { name: HeadOf } => t.name === 'pull_request_target' || t.name === 'workflow_run');
  if (dangerous.length === 0 || isLabelerOnly(wf)) return [];
  const checkouts = headCheckoutsOf(wf);
  const privileges = privilegesOf(wf);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const trigger of dangerous) {
    if (seen.has(trigger.name)) continue; // `on: [workflow_run, workflow_run]`: one finding
    seen.add(trigger.name);
    const text = DANGEROUS_TRIGGERS[trigger.name];
    const relevant = checkouts.filter((c) => c.under.includes(trigger.name));
    const head = relevant.find((c) => c.certain) ?? relevant[0];
    let message = `${text.runs}, ${privileges.text}.`;
    // Severity follows what the workflow can actually do: running the untrusted code is the worst
    // case whatever the token (it can still poison the caches the base branch restores); a token that
    // can (or may) write is zizmor's high case; read-only with secrets, a warning; with neither, a notice.
    let severity: Severity;
    if (head) {
      severity = 'error';
      message +=
        ` Worst case: line ${head.pos.line} (${head.what}) ${head.certain ? 'brings' : 'appears to bring'} ${text.head} into the job, ` +
        'where anything that runs it runs attacker code with those privileges' +
        (privileges.risk === 'none' ? ", and can still poison the caches the base branch's workflows restore." : '.');
    } else if (privileges.risk === 'write') {
      severity = 'error';
      message += ` Anything it does with ${trigger.name === 'workflow_run' ? "the triggering run's artifacts, branch name or code" : "the pull request's text or code"} runs with that token.`;
    } else if (privileges.risk === 'secrets') {
      severity = 'warning';
      message +=
        ` No job checks out ${text.head} and the token cannot write, so what is exposed is the secrets: a step that passes ` +
        `${trigger.name === 'workflow_run' ? "the triggering run's artifacts or branch name" : "the pull request's text"} to a shell or an action can leak them.`;
    } else {
      severity = 'notice';
      message += ` No job checks out ${text.head}, the token cannot write and no secret is read, so little is exposed while it stays that way.`;
    }
    const pos = posOf(wf, trigger.node);
    findings.push(
      makeFinding({
        rule: 'dangerous-trigger',
        severity,
        file: wf.file,
        line: pos.line,
        column: pos.column,
        message,
        fix: severity === 'notice' ? text.quietFix : text.fix,
        subject: trigger.name,
      }),
    );
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// excessive-permissions

const READ_ONLY_FIX = 'permissions:\n  contents: read';

export function excessivePermissionsFindings(wf: WorkflowFile): Finding[] {
  if (wf.kind !== 'workflow') return [];
  const root = wf.doc.contents;
  const findings: Finding[] = [];
  const jobs = jobsOf(wf).map((job) => ({ ...job, permissions: permissionsOf(job.node) }));
  const top = permissionsOf(root);
  const inheriting = jobs.filter((job) => job.permissions.kind === 'absent');
  const at = (node: Scalar): { line: number; column: number } => posOf(wf, node);

  if (top.kind === 'write-all') {
    // A job's own permissions: replaces the workflow's entirely: when every job has one, write-all
    // at the top gives nothing to anyone (it would to a job added later without a block).
    if (inheriting.length === 0) return jobWriteAll(wf, jobs, findings);
    findings.push(
      makeFinding({
        rule: 'excessive-permissions',
        severity: 'warning',
        file: wf.file,
        ...at(top.keyNode),
        message:
          `permissions: write-all gives every job without its own permissions: block (${listOf(inheriting.map((job) => job.id))}) a token that can push code, edit releases and change workflows; ` +
          'a single compromised step or action there can then take over the repository.',
        fix: `Replace it with only what the jobs need, for example:\n${READ_ONLY_FIX}\nand give the job that must write its own permissions: block.`,
        subject: 'workflow:write-all',
      }),
    );
  } else if (top.kind === 'scopes' && jobs.length > 1 && inheriting.length > 0) {
    // With one job (or every job declaring its own), workflow-level scopes are job-level scopes in all but name.
    for (const scope of top.scopes) {
      if (scope.level !== 'write') continue;
      const names = inheriting.map((job) => job.id);
      findings.push(
        makeFinding({
          rule: 'excessive-permissions',
          severity: 'warning',
          file: wf.file,
          ...at(scope.keyNode),
          message:
            `${scope.name}: write at workflow level hands write access to every job without its own permissions (${listOf(names)}), ` +
            'not just the one that needs it; any step in those jobs can use it.',
          fix: `Move ${scope.name}: write into the permissions: block of the job that needs it and keep the workflow level read-only:\n${READ_ONLY_FIX}`,
          subject: `workflow:${scope.name}:write`,
        }),
      );
    }
  } else if (top.kind === 'absent' && !isWorkflowCallOnly(wf)) {
    // A workflow_call-only workflow runs with a token its caller already bounded; its jobs are not reported.
    for (const job of inheriting) {
      findings.push(
        makeFinding({
          rule: 'excessive-permissions',
          severity: 'warning',
          file: wf.file,
          ...at(job.keyNode),
          message:
            `Job ${job.id} has no permissions: block and neither has the workflow, so it runs with the repository's default GITHUB_TOKEN permissions, ` +
            'which can be read-write on every scope; a compromised step could push code or tamper with releases.',
          fix: `Add at the top of the workflow (after on:):\n${READ_ONLY_FIX}\nand give any job that needs more its own permissions: block.`,
          subject: `job:${job.id}:default`,
        }),
      );
    }
  }

  return jobWriteAll(wf, jobs, findings);
}

function jobWriteAll(wf: WorkflowFile, jobs: (JobRef & { permissions: Permissions })[], findings: Finding[]): Finding[] {
  const at = (node: Scalar): { line: number; column: number } => posOf(wf, node);
  for (const job of jobs) {
    if (job.permissions.kind !== 'write-all') continue;
    findings.push(
      makeFinding({
        rule: 'excessive-permissions',
        severity: 'warning',
        file: wf.file,
        ...at(job.permissions.keyNode),
        message: `Job ${job.id} asks for permissions: write-all, a token that can push code, edit releases and change workflows; any compromised step in it can take over the repository.`,
        fix: `Replace write-all with the scopes this job uses, for example:\n${READ_ONLY_FIX}`,
        subject: `job:${job.id}:write-all`,
      }),
    );
  }
  return findings;
}

function listOf(names: string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

// ---------------------------------------------------------------------------------------------
// artipacked

export function artipackedFindings(wf: WorkflowFile): Finding[] {
  const findings: Finding[] = [];
  const all = stepsInContext(wf);
  const perJob = new Map<string, number>();
  all.forEach((s, i) => {
    if (!isCheckoutStep(s)) return;
    const nth = (perJob.get(s.jobId) ?? 0) + 1;
    perJob.set(s.jobId, nth);
    const withNode = get(s.step, 'with');
    const persist = get(withNode, 'persist-credentials');
    if (persist !== undefined) {
      // false turns persistence off; an explicit true is a deliberate choice (a job that pushes), and
      // an expression cannot be judged statically: neither is reported.
      return;
    }
    const upload = all.slice(i + 1).find((later) => later.jobId === s.jobId && later.jobNode === s.jobNode && uploadsWorkspace(later));
    const usesNode = get(s.step, 'uses');
    const pos = posOf(wf, usesNode ?? s.step);
    const where = s.jobId ? `in job ${s.jobId} ` : '';
    const message =
      `This checkout ${where}leaves the job's GITHUB_TOKEN in .git/config for every later step (persist-credentials defaults to true)` +
      (upload
        ? `, and a later step (line ${posOf(wf, get(upload.step, 'uses') ?? upload.step).line}) uploads the whole workspace as an artifact, token included.`
        : '; any later step, action or uploaded artifact can read it.');
    findings.push(
      makeFinding({
        rule: 'artipacked',
        severity: 'warning',
        file: wf.file,
        line: pos.line,
        column: pos.column,
        message,
        fix: isMap(withNode)
          ? "Add persist-credentials: false under this step's with:"
          : 'Add to this step:\nwith:\n  persist-credentials: false',
        subject: `${s.jobId}:checkout#${nth}`,
      }),
    );
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------
// secrets-inherit

/** The workflow a local `uses: ./.github/workflows/x.yml` names, among the revision's files. */
function localCallee(uses: string, workflows: readonly WorkflowFile[]): WorkflowFile | undefined {
  const value = uses.trim();
  // `./` and GitHub's newer `$/` both name a file of this repository.
  if (!value.startsWith('./') && !value.startsWith('$/')) return undefined;
  const path = value.slice(2).replace(/@[^/]*$/, '');
  return workflows.find((wf) => wf.file === path);
}

/**
 * The secrets a called workflow reads: those it declares under on.workflow_call.secrets plus every
 * secrets.NAME it references (with `secrets: inherit` it may read undeclared ones). GITHUB_TOKEN is
 * always available and never needs passing. Null when it cannot be known: the callee is not a file of
 * this revision, or it passes `secrets: inherit` on itself.
 */
function secretsReadBy(callee: WorkflowFile | undefined): { declared: string[]; undeclared: string[] } | null {
  if (!callee) return null;
  const declared = declaredSecretsOf(callee) ?? [];
  if (/^\s*secrets\s*:\s*inherit\s*(?:#.*)?$/im.test(callee.text)) return null;
  const known = new Set(declared.map((name) => name.toUpperCase()));
  const undeclared: string[] = [];
  for (const match of callee.text.matchAll(/\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*'([^']+)'\s*\])/g)) {
    const name = match[1] ?? match[2];
    const upper = name.toUpperCase();
    if (upper === 'GITHUB_TOKEN' || known.has(upper)) continue;
    known.add(upper);
    undeclared.push(name);
  }
  return { declared, undeclared };
}

function secretsFixFor(callee: WorkflowFile | undefined): string {
  const read = secretsReadBy(callee);
  if (!read || !callee) {
    return (
      'Replace secrets: inherit with only the secrets the called workflow uses (declared under its on.workflow_call.secrets), each passed by name:\n' +
      'secrets:\n  NAME: ${{ secrets.NAME }}'
    );
  }
  const names = [...read.declared, ...read.undeclared];
  if (names.length === 0) return 'Delete secrets: inherit: the called workflow uses no secrets.';
  const block = `secrets:\n${names.map((name) => `  ${name}: \${{ secrets.${name} }}`).join('\n')}`;
  const declare =
    read.undeclared.length > 0
      ? `\nand declare ${read.undeclared.join(', ')} under on.workflow_call.secrets in ${callee.file} (it reads ${read.undeclared.length === 1 ? 'it' : 'them'} without declaring).`
      : '';
  return `Replace secrets: inherit with:\n${block}${declare}`;
}

export function secretsInheritFindings(wf: WorkflowFile, workflows: readonly WorkflowFile[]): Finding[] {
  const findings: Finding[] = [];
  for (const job of jobsOf(wf)) {
    const uses = str(get(job.node, 'uses'));
    const pair = getPair(job.node, 'secrets');
    if (!uses || !pair || !isScalar(pair.value) || String(pair.value.value ?? '').trim().toLowerCase() !== 'inherit') continue;
    const fix = secretsFixFor(localCallee(uses, workflows));
    const pos = posOf(wf, pair.key);
    findings.push(
      makeFinding({
        rule: 'secrets-inherit',
        severity: 'warning',
        file: wf.file,
        line: pos.line,
        column: pos.column,
        message:
          `Job ${job.id} hands every secret this workflow can see to ${uses.trim()} (secrets: inherit), including ones it never uses; ` +
          'if that workflow or anything it runs is compromised, all of them leak.',
        fix,
        subject: job.id,
      }),
    );
  }
  return findings;
}

