/**
 * Recognising checkouts: `actions/checkout` steps, checkouts of a pull request's (or triggering
 * run's) head, and uploads of the whole workspace.
 */
import { isScalar, type Node } from 'yaml';
import type { Pos, WorkflowFile } from './model.js';
import { stepsInContext, usesAction, type StepInContext } from './steps.js';
import { trailingComment, versionFromComment } from './uses.js';
import { get, posOf, str } from './walk.js';

/** Which dangerous trigger a head checkout matters for. */
export type HeadOf = 'pull_request_target' | 'workflow_run';

export interface HeadCheckout {
  pos: Pos;
  /** What was checked out, for the message (`ref: ${{ github.event.pull_request.head.sha }}`, `gh pr checkout`). */
  what: string;
  /** The triggers this checkout is dangerous under. */
  under: HeadOf[];
  /** False when the ref only looks like a head (an output named `head_sha`), not a known event field. */
  certain: boolean;
}

/** Expressions and refs that name the pull request's code (under pull_request_target). */
const PR_HEAD = /github\.event\.pull_request\.head\.|github\.head_ref|github\.event\.pull_request\.merge_commit_sha/i;
/** Expressions that name the triggering run's code (under workflow_run). */
const RUN_HEAD = /github\.event\.workflow_run\.(?:head_sha|head_branch|head_commit|head_repository|pull_requests)/i;
/** A pull request ref (`refs/pull/123/merge`, `pull/${{ … }}/head`, `pull/${PR}/head`): PR code under either trigger. */
const PULL_REF = /refs\/pull\/|(?:^|[\s:'"])pull\/(?:\$|\d)/i;
/**
 * A head SHA or ref handed over by another step or job (`${{ needs.authorize.outputs.head_sha }}`):
 * not provably the pull request's code, but that is what such outputs almost always carry.
 */
const INDIRECT_HEAD = /\$\{\{[^}]*\b(?:needs|steps)\.[^}]*\bhead/i;

function headsNamedIn(text: string): { under: HeadOf[]; certain: boolean } {
  const under = new Set<HeadOf>();
  if (PR_HEAD.test(text)) under.add('pull_request_target');
  if (RUN_HEAD.test(text)) under.add('workflow_run');
  if (PULL_REF.test(text)) {
    under.add('pull_request_target');
    under.add('workflow_run');
  }
  if (under.size > 0) return { under: [...under], certain: true };
  if (INDIRECT_HEAD.test(text)) return { under: ['pull_request_target', 'workflow_run'], certain: false };
  return { under: [], certain: false };
}

export function isCheckoutStep(s: StepInContext): boolean {
  return usesAction(str(get(s.step, 'uses')), 'actions/checkout');
}

/**
 * Places that put the pull request's or the triggering run's code on disk: `actions/checkout` with a
 * `ref:` or `repository:` naming it, and `run:` lines that fetch or check it out (`gh pr checkout`,
 * `git fetch origin refs/pull/…`, `git checkout ${{ github.head_ref }}`).
 */
export function headCheckoutsOf(wf: WorkflowFile): HeadCheckout[] {
  const found: HeadCheckout[] = [];
  for (const s of stepsInContext(wf)) {
    if (isCheckoutStep(s)) {
      for (const key of ['ref', 'repository']) {
        const value = get(get(s.step, 'with'), key);
        const text = str(value);
        if (!text) continue;
        const { under, certain } = headsNamedIn(text);
        if (under.length > 0) found.push({ pos: posOf(wf, value), what: `${key}: ${text.trim()}`, under, certain });
      }
    }
    const run = get(s.step, 'run');
    const script = str(run);
    if (!script || !run) continue;
    for (const line of script.split('\n')) {
      const isGhCheckout = /\bgh\s+pr\s+checkout\b/.test(line);
      const isGitFetch = /\bgit\s+(?:fetch|checkout|switch|pull|worktree)\b/.test(line);
      if (!isGhCheckout && !isGitFetch) continue;
      const { under, certain } = isGhCheckout ? { under: ['pull_request_target', 'workflow_run'] as HeadOf[], certain: true } : headsNamedIn(line);
      if (under.length === 0) continue;
      found.push({ pos: linePosIn(wf, run, line), what: line.trim().slice(0, 100), under, certain });
    }
  }
  return found;
}

/** Where a line of a scalar's value sits in the file (the scalar's start when it cannot be found). */
function linePosIn(wf: WorkflowFile, node: Node, line: string): Pos {
  const range = (node as { range?: [number, number, number] }).range;
  const needle = line.trim();
  if (range && needle) {
    const at = wf.text.indexOf(needle, range[0]);
    if (at >= 0 && at < range[1]) return wf.posAt(at);
  }
  return posOf(wf, node);
}

/** True when an `actions/upload-artifact` `path:` uploads the whole workspace (`.`, `./`, `..`, `${{ github.workspace }}`). */
export function uploadsWorkspace(s: StepInContext): boolean {
  if (!usesAction(str(get(s.step, 'uses')), 'actions/upload-artifact')) return false;
  const path = get(get(s.step, 'with'), 'path');
  if (!isScalar(path)) return false;
  return String(path.value ?? '')
    .split('\n')
    .map((line) => line.trim())
    .some((line) => /^(?:\.{1,2}\/?|\$\{\{\s*github\.workspace\s*\}\}\/?)$/i.test(line));
}

/**
 * The major version of an `actions/checkout` step, from its ref (`@v6`, `@v6.0.1`) or, for a SHA
 * pin, from the version comment after it (`# v6.0.2`); undefined when neither names one (a branch,
 * a bare SHA). From v6 on, checkout keeps the persisted credential in a file under $RUNNER_TEMP
 * that .git/config includes, not in .git/config itself.
 */
export function checkoutMajorVersion(s: StepInContext): number | undefined {
  const usesNode = get(s.step, 'uses');
  const uses = str(usesNode)?.trim();
  if (!uses || !usesNode) return undefined;
  const ref = uses.slice(uses.lastIndexOf('@') + 1);
  const version = /^[0-9a-f]{40}$/i.test(ref) ? versionFromComment(trailingComment(s.wf, usesNode)) : ref;
  const match = /^v?(\d+)(?:\.|$)/i.exec(version ?? '');
  return match ? Number(match[1]) : undefined;
}
