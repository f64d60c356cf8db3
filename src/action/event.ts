/**
 * Which revisions to compare, from the workflow event (the payload at GITHUB_EVENT_PATH) and the
 * `base-ref` / `head-ref` inputs. Pure: the caller reads the file and the environment.
 *
 * lockgate never checks out PR code: under `pull_request_target` the head is a SHA read from the
 * event and its files come from git objects (or the API), never from a working tree.
 */

const SHA_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const ZERO_SHA_RE = /^0+$/;

export interface PullRequestRef {
  number: number;
  /** owner/repo the PR is opened against. */
  baseRepo: string | null;
  /** owner/repo the PR comes from (null when the fork was deleted). */
  headRepo: string | null;
  /** The head lives in another repository: the token is read-only under `pull_request`. */
  fromFork: boolean;
}

export interface EventRevisions {
  /** Base revision (SHA or ref name) or null for a full audit. */
  base: string | null;
  /** Head revision (SHA or ref name) or null for the working tree. */
  head: string | null;
  /** The commit a check run belongs on: the PR head SHA, never the synthetic merge commit. */
  checkSha: string | null;
  /** The pull request, when the event has one (for the sticky comment). */
  pullRequest: PullRequestRef | null;
  /** Set when there is nothing to check (a push that deleted a branch). */
  skip: string | null;
  /** One line for the log: where base and head came from. */
  description: string;
}

export interface RevisionInputs {
  baseRef: string;
  headRef: string;
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
}

/** A commit SHA from the payload, or null when absent or not a SHA (payloads are input too). */
function sha(value: unknown): string | null {
  return typeof value === 'string' && SHA_RE.test(value) ? value : null;
}

function fullName(repo: unknown): string | null {
  const name = obj(repo)?.full_name;
  return typeof name === 'string' && name.length > 0 ? name : null;
}

/**
 * A ref given as an input must name a revision, not smuggle an option into `git` (`--upload-pack=…`)
 * or a range. Branch, tag and SHA syntax only.
 */
export function isSafeRef(ref: string): boolean {
  return (
    ref.length > 0 &&
    ref.length <= 255 &&
    !ref.startsWith('-') &&
    /^[A-Za-z0-9._\/@^~+-]+$/.test(ref) &&
    !ref.includes('..') &&
    !ref.includes('@{') &&
    !ref.endsWith('.lock') &&
    !ref.endsWith('/') &&
    !ref.endsWith('.')
  );
}

export class EventError extends Error {}

function checkedRef(ref: string, input: string): string {
  if (!isSafeRef(ref)) throw new EventError(`${input} is not a branch, tag or commit SHA: ${JSON.stringify(ref.slice(0, 80))}`);
  return ref;
}

function pullRequestOf(payload: Json): { pr: Json; ref: PullRequestRef } | null {
  const pr = obj(payload.pull_request);
  if (!pr) return null;
  const number = typeof pr.number === 'number' ? pr.number : typeof payload.number === 'number' ? payload.number : null;
  if (number === null || !Number.isSafeInteger(number) || number <= 0) return null;
  const baseRepo = fullName(obj(pr.base)?.repo);
  const headRepo = fullName(obj(pr.head)?.repo);
  return { pr, ref: { number, baseRepo, headRepo, fromFork: headRepo === null || (baseRepo !== null && headRepo !== baseRepo) } };
}

/**
 * Base and head for one run. Inputs win over the event when given (as in dependency-review-action),
 * so a workflow can compare against something else on purpose.
 */
export function resolveRevisions(eventName: string, payloadValue: unknown, inputs: RevisionInputs, githubSha: string | null): EventRevisions {
  const payload = obj(payloadValue) ?? {};
  const baseInput = inputs.baseRef.trim();
  const headInput = inputs.headRef.trim();
  const fromInputs = (result: Omit<EventRevisions, 'description'>, what: string): EventRevisions => {
    const base = baseInput ? checkedRef(baseInput, 'base-ref') : result.base;
    const head = headInput ? checkedRef(headInput, 'head-ref') : result.head;
    const parts: string[] = [];
    parts.push(baseInput ? `base ${base} from the base-ref input` : base ? `base ${base} from ${what}` : 'no base (full audit)');
    parts.push(headInput ? `head ${head} from the head-ref input` : head ? `head ${head} from ${what}` : 'head from the working tree');
    // A head-ref input moves the check run with it: annotations must match the files checked. A
    // branch or tag name is resolved to its SHA later (see `ensureRevision`), so null here.
    const checkSha = headInput ? sha(head) : result.checkSha;
    return { ...result, base, head, checkSha, description: `${eventName || 'unknown event'}: ${parts.join(', ')}` };
  };

  switch (eventName) {
    case 'pull_request':
    case 'pull_request_target': {
      const found = pullRequestOf(payload);
      const base = sha(obj(found?.pr.base)?.sha);
      const head = sha(obj(found?.pr.head)?.sha);
      if (!found || (!base && !baseInput) || (!head && !headInput)) {
        throw new EventError(`the ${eventName} event has no pull_request.base.sha / pull_request.head.sha; set base-ref and head-ref`);
      }
      return fromInputs({ base, head, checkSha: head, pullRequest: found.ref, skip: null }, `pull request #${found.ref.number}`);
    }
    case 'merge_group': {
      const group = obj(payload.merge_group);
      const base = sha(group?.base_sha);
      const head = sha(group?.head_sha);
      if ((!base && !baseInput) || (!head && !headInput)) {
        throw new EventError('the merge_group event has no merge_group.base_sha / merge_group.head_sha; set base-ref and head-ref');
      }
      return fromInputs({ base, head, checkSha: head, pullRequest: null, skip: null }, 'the merge group');
    }
    case 'push': {
      const before = typeof payload.before === 'string' ? payload.before : '';
      const after = typeof payload.after === 'string' ? payload.after : '';
      if (ZERO_SHA_RE.test(after) || payload.deleted === true) {
        return {
          base: null,
          head: null,
          checkSha: null,
          pullRequest: null,
          skip: 'the push deleted a branch or tag: nothing to check',
          description: 'push: a deletion, nothing to check',
        };
      }
      const head = sha(after) ?? sha(githubSha);
      // An all-zero `before` is a new branch or tag: there is no previous state to compare with.
      const base = ZERO_SHA_RE.test(before) ? null : sha(before);
      return fromInputs({ base, head, checkSha: head, pullRequest: null, skip: null }, 'the push');
    }
    default: {
      // workflow_dispatch, schedule and anything else: the inputs, or a full audit of the checkout.
      return fromInputs({ base: null, head: null, checkSha: sha(githubSha), pullRequest: null, skip: null }, eventName || 'the event');
    }
  }
}
