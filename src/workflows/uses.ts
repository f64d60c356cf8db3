/**
 * `uses:` values: parsing (local, docker, repository action, reusable workflow), the version comment
 * written after a SHA pin, and the list of every `uses:` of a file with its position.
 */
import { isScalar, type Node, type Scalar } from 'yaml';
import type { Pos, WorkflowFile } from './model.js';
import { get, jobsOf, posOf, stepsOf, str } from './walk.js';

/** A full commit SHA: exactly 40 hex digits (GitHub accepts either case). */
export const FULL_SHA_RE = /^[0-9a-fA-F]{40}$/;

/** GitHub owner (user or organisation) and repository names; anything else is not sent to the API. */
const OWNER_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO_RE = /^[A-Za-z0-9._-]{1,100}$/;

export type UsesRef =
  /** `./path` or GitHub's self-repository form `$/path`: code of this repository at this commit. */
  | { kind: 'local'; raw: string; path: string }
  /** `docker://image[:tag][@digest]`. */
  | { kind: 'docker'; raw: string; image: string }
  | {
      kind: 'repository';
      raw: string;
      owner: string;
      repo: string;
      /** Subpath inside the repository ('' for the root action). */
      path: string;
      ref: string;
      /** The ref is a full 40-hex commit SHA. */
      pinned: boolean;
      /** A reusable workflow (`owner/repo/.github/workflows/x.yml@ref`). */
      reusableWorkflow: boolean;
      /** owner and repo are names GitHub could have (safe to put in an API path). */
      validName: boolean;
    }
  /** Anything else: no `@`, no repository, an expression. GitHub rejects it; it is certainly not pinned. */
  | { kind: 'invalid'; raw: string; reason: string };

export function parseUses(value: string): UsesRef {
  const raw = value;
  const text = value.trim();
  if (text.startsWith('./') || text.startsWith('$/') || text === '.' || text === '$') return { kind: 'local', raw, path: text };
  if (text.toLowerCase().startsWith('docker://')) return { kind: 'docker', raw, image: text.slice('docker://'.length) };
  if (text === '') return { kind: 'invalid', raw, reason: 'the value is empty' };
  if (text.includes('${{')) return { kind: 'invalid', raw, reason: 'the value is an expression, which GitHub does not allow in uses' };
  const at = text.lastIndexOf('@');
  if (at < 0) return { kind: 'invalid', raw, reason: 'there is no @ref' };
  const target = text.slice(0, at);
  const ref = text.slice(at + 1);
  if (ref === '') return { kind: 'invalid', raw, reason: 'the ref after @ is empty' };
  const parts = target.split('/');
  if (parts.length < 2 || parts[0] === '' || parts[1] === '') return { kind: 'invalid', raw, reason: 'it does not name owner/repo' };
  const [owner, repo, ...rest] = parts;
  const path = rest.join('/');
  return {
    kind: 'repository',
    raw,
    owner,
    repo,
    path,
    ref,
    pinned: FULL_SHA_RE.test(ref),
    reusableWorkflow: /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path),
    validName: OWNER_RE.test(owner) && REPO_RE.test(repo) && repo !== '.' && repo !== '..',
  };
}

/** `owner/repo[/path]` of a repository uses, as written (for messages and fix lines). */
export function usesTarget(uses: { owner: string; repo: string; path: string }): string {
  return uses.path ? `${uses.owner}/${uses.repo}/${uses.path}` : `${uses.owner}/${uses.repo}`;
}

/**
 * The version named by a comment after a SHA pin, in the forms pinning tools write:
 * `# v4.2.2`, `# tag=v4.2.2`, `# version: 4.2.2`, `# ver=1.0` (one token, as zizmor reads it).
 */
export function versionFromComment(comment: string | undefined): string | undefined {
  if (comment === undefined) return undefined;
  const match = /^#\s*(?:(?:tag|version|ver)\s*[:=]\s*)?(\S+)\s*$/i.exec(comment.trim());
  if (!match) return undefined;
  const version = match[1];
  // Only a version (something with a digit) is a claim to check: `# TODO`, `# main` or
  // `# lockgate: ignore[...]` are not, and a branch name in a comment is stale by design.
  if (!/\d/.test(version) || version.includes('[')) return undefined;
  return version;
}

/** The comment (from `#`) that follows the node on the same line, or undefined. */
export function trailingComment(wf: WorkflowFile, node: Node): string | undefined {
  const range = (node as { range?: [number, number, number] }).range;
  if (!range) return undefined;
  const end = range[1];
  const newline = wf.text.indexOf('\n', end);
  const rest = wf.text.slice(end, newline < 0 ? wf.text.length : newline).replace(/\r$/, '');
  const match = /^\s+(#.*)$/.exec(rest) ?? /^(#.*)$/.exec(rest);
  return match ? match[1] : undefined;
}

/**
 * The major version a `uses:` names: its ref (`@v7`, `@v7.1.0`), else the version comment after it
 * (`@<sha> # v7.1.0`). Actions change their defaults by major version (setup-uv's cache, setup-go's).
 */
export function usesMajor(wf: WorkflowFile, usesNode: Node): number | undefined {
  const uses = str(usesNode)?.trim() ?? '';
  const major = (version: string | undefined) => {
    const match = /^v?(\d+)(?:[.-]|$)/i.exec(version ?? '');
    return match ? Number(match[1]) : undefined;
  };
  return major(uses.slice(uses.lastIndexOf('@') + 1)) ?? major(versionFromComment(trailingComment(wf, usesNode)));
}

export interface UsesSite {
  wf: WorkflowFile;
  /** The scalar node of the value (range gives the exact position). */
  node: Scalar;
  /** The value as a string. */
  value: string;
  uses: UsesRef;
  /** Line and column of the value. */
  pos: Pos;
  /** 'step' for a step's uses (workflow job or composite action), 'job' for a reusable-workflow job. */
  where: 'step' | 'job';
  /** The job id ('' in an action). */
  job: string;
  /** The step index inside its job (steps only). */
  stepIndex?: number;
  /** The step node (steps only), for reading `with:` / `env:`. */
  step?: Node;
  /** The whole comment after the value on its line (`# v4.2.2`). */
  comment?: string;
  /** The version the comment names, if it names one. */
  commentVersion?: string;
}

/**
 * Every `uses:` of a workflow (steps and reusable-workflow jobs) or composite action (steps), in
 * document order. A `uses:` whose value is not a scalar string (a list, a map) is skipped here:
 * GitHub rejects the file anyway.
 */
export function usesSites(wf: WorkflowFile): UsesSite[] {
  const cached = sitesCache.get(wf);
  if (cached) return cached;
  const sites = collectSites(wf);
  sitesCache.set(wf, sites);
  return sites;
}

/** Computed once per file: four rules and the GitHub gathering read the same sites. */
const sitesCache = new WeakMap<WorkflowFile, UsesSite[]>();

function collectSites(wf: WorkflowFile): UsesSite[] {
  const sites: UsesSite[] = [];
  const add = (valueNode: Node | undefined, where: 'step' | 'job', job: string, stepIndex?: number, step?: Node): void => {
    if (!isScalar(valueNode)) return;
    const value = str(valueNode);
    if (value === undefined) return;
    const comment = trailingComment(wf, valueNode);
    sites.push({
      wf,
      node: valueNode,
      value,
      uses: parseUses(value),
      pos: posOf(wf, valueNode),
      where,
      job,
      stepIndex,
      step,
      comment,
      commentVersion: versionFromComment(comment),
    });
  };
  if (wf.kind === 'workflow') {
    for (const job of jobsOf(wf)) add(get(job.node, 'uses'), 'job', job.id);
  }
  for (const step of stepsOf(wf)) add(get(step.node, 'uses'), 'step', step.job, step.index, step.node);
  sites.sort((a, b) => (a.node.range?.[0] ?? 0) - (b.node.range?.[0] ?? 0));
  return sites;
}

/**
 * Whether `owner/repo[/path]` matches a pattern of `workflows.allow-ref-pin`, zizmor-style:
 * `owner/repo/path`, `owner/repo`, `owner/repo/*`, `owner/*`, `*`. Owner and repo compare
 * case-insensitively (as GitHub does); the subpath exactly.
 */
export function matchesRepoPattern(pattern: string, owner: string, repo: string, path: string): boolean {
  const p = pattern.trim();
  if (p === '*') return true;
  const parts = p.split('/');
  if (parts.length < 2 || parts[0].toLowerCase() !== owner.toLowerCase()) return false;
  if (parts.length === 2 && parts[1] === '*') return true;
  if (parts[1].toLowerCase() !== repo.toLowerCase()) return false;
  if (parts.length === 2) return path === '';
  const sub = parts.slice(2).join('/');
  return sub === '*' ? true : sub === path;
}

/** Refs that name a branch by convention: never a release, so never accepted as a "tag pin". */
export const BRANCH_LIKE_REFS = new Set(['main', 'master', 'develop', 'dev', 'trunk', 'head', 'latest', 'nightly', 'next', 'canary', 'edge']);
