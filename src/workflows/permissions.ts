/**
 * The `permissions:` of a workflow or a job, read into one shape.
 */
import { isMap, isScalar, type Node, type Scalar } from 'yaml';
import type { WorkflowFile } from './model.js';
import { entries, get, getPair, jobsOf, str } from './walk.js';

export interface PermissionScope {
  /** Scope name as written, lower-cased (`contents`, `pull-requests`, `id-token` …). */
  name: string;
  /** `read`, `write`, `none`, or whatever odd value was written (lower-cased). */
  level: string;
  keyNode: Scalar;
}

export type Permissions =
  /** No `permissions:` key: the default token permissions apply (or the workflow's, for a job). */
  | { kind: 'absent' }
  | { kind: 'write-all' | 'read-all'; keyNode: Scalar }
  /** A map of scopes (`{}` is an empty list: no permissions at all). */
  | { kind: 'scopes'; keyNode: Scalar; scopes: PermissionScope[] }
  /** Anything else (an expression, a typo): lockgate does not guess. */
  | { kind: 'other'; keyNode: Scalar };

/** Reads the `permissions:` key of a workflow root or a job node. */
export function permissionsOf(owner: unknown): Permissions {
  const pair = getPair(owner, 'permissions');
  if (!pair) return { kind: 'absent' };
  const keyNode = pair.key;
  const value = pair.value as Node | null;
  if (value === null || (isScalar(value) && (value.value === null || value.value === undefined))) {
    // `permissions:` with nothing after it is null, which GitHub reads as no permissions.
    return { kind: 'scopes', keyNode, scopes: [] };
  }
  if (isScalar(value)) {
    const text = (str(value) ?? '').trim().toLowerCase();
    if (text === 'write-all' || text === 'read-all') return { kind: text, keyNode };
    return { kind: 'other', keyNode };
  }
  if (isMap(value)) {
    const scopes = entries(value).map(([name, scopeKey, level]) => ({
      name: name.toLowerCase(),
      level: (str(level) ?? '').trim().toLowerCase(),
      keyNode: scopeKey,
    }));
    return { kind: 'scopes', keyNode, scopes };
  }
  return { kind: 'other', keyNode };
}

/**
 * What a job's GITHUB_TOKEN can do, as GitHub decides it: the job's `permissions:` when it has one
 * (it replaces the workflow's entirely), else the workflow's, else the repository's or
 * organisation's default, which lockgate cannot see and which can be read-write on every scope.
 */
export type TokenAccess =
  /** `permissions: {}`, `permissions:` with no value, or every scope `none`. */
  | { kind: 'none'; from: 'job' | 'workflow' }
  /** `read-all`, or scopes that are all `read` or `none`. */
  | { kind: 'read'; from: 'job' | 'workflow' }
  /** `write-all` (scopes `['write-all']`) or these scopes at `write`. */
  | { kind: 'write'; from: 'job' | 'workflow'; scopes: string[] }
  /** No `permissions:` at job or workflow level: the default applies, so it may write. */
  | { kind: 'default' }
  /** An expression or a value lockgate cannot read: it may write. */
  | { kind: 'unknown'; from: 'job' | 'workflow' };

/** The token of a job (`jobNode`) of a workflow (`workflowRoot`); with no job node, the workflow level's. */
export function tokenAccessOf(workflowRoot: unknown, jobNode: unknown): TokenAccess {
  const own = jobNode === undefined ? ({ kind: 'absent' } as const) : permissionsOf(jobNode);
  const from = own.kind === 'absent' ? 'workflow' : 'job';
  const perms = own.kind === 'absent' ? permissionsOf(workflowRoot) : own;
  switch (perms.kind) {
    case 'absent':
      return { kind: 'default' };
    case 'write-all':
      return { kind: 'write', from, scopes: ['write-all'] };
    case 'read-all':
      return { kind: 'read', from };
    case 'other':
      return { kind: 'unknown', from };
    case 'scopes': {
      const writes = perms.scopes.filter((scope) => scope.level === 'write').map((scope) => scope.name);
      if (writes.length > 0) return { kind: 'write', from, scopes: writes };
      if (perms.scopes.some((scope) => scope.level !== 'read' && scope.level !== 'none')) return { kind: 'unknown', from };
      return perms.scopes.some((scope) => scope.level === 'read') ? { kind: 'read', from } : { kind: 'none', from };
    }
  }
}

/** Each job's token (the workflow level's alone, id null, when it has no jobs: nothing else can be said). */
export function jobTokens(wf: WorkflowFile): { id: string | null; access: TokenAccess; node: unknown }[] {
  const root = wf.doc.contents;
  const jobs = jobsOf(wf);
  if (jobs.length === 0) return [{ id: null, access: tokenAccessOf(root, undefined), node: undefined }];
  return jobs.map((job) => ({ id: job.id, access: tokenAccessOf(root, job.node), node: job.node }));
}

/**
 * Whether a job that calls a reusable workflow of this repository (`uses: ./.github/workflows/x.yml`)
 * gets a token its callee bounds: the callee can only lower the caller's token, so when every job
 * of the callee declares its token (its own `permissions:` or the callee's workflow-level one, read
 * as GitHub does), the caller's default permissions never reach a step. False when the callee is not
 * among `workflows` (another repository, a missing file) or leaves a job on the default.
 */
export function calleeBoundsToken(callerJob: unknown, workflows: readonly WorkflowFile[]): boolean {
  const uses = str(get(callerJob, 'uses'))?.trim();
  if (!uses || !uses.startsWith('./')) return false;
  const path = uses.slice(2).replace(/@.*$/, '');
  const callee = workflows.find((wf) => wf.kind === 'workflow' && wf.file === path);
  if (!callee) return false;
  const tokens = jobTokens(callee);
  return tokens.length > 0 && tokens.every((token) => token.id !== null && token.access.kind !== 'default' && token.access.kind !== 'unknown');
}
