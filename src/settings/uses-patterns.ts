/**
 * `uses:` patterns of the config (`workflows.forbidden-uses`), in zizmor's repository-pattern syntax,
 * so a zizmor.yml policy carries over unchanged. From the most to the least specific:
 *   owner/repo/sub/path@ref   exactly that action at exactly that ref (ref compared as written)
 *   owner/repo@ref            the repository's root action or workflow... at that ref
 *   owner/repo/sub/path       that action in the repository, at any ref
 *   owner/repo                the repository's root action only (no subpath), at any ref
 *   owner/repo/*              anything in the repository, root included
 *   owner/*                   anything of the owner
 *   *                         anything
 * Owner and repository compare case-insensitively (GitHub's names do); subpath and ref exactly.
 * Not globs on purpose: `*` stands only for a whole component, so `actions/*` cannot be mistaken for
 * `actions*` (a prefix of other owners' names), and zizmor users keep their patterns.
 */

export type UsesPattern =
  | { kind: 'any'; text: string }
  | { kind: 'owner'; text: string; owner: string }
  | { kind: 'repo-any-path'; text: string; owner: string; repo: string }
  | { kind: 'repo'; text: string; owner: string; repo: string }
  | { kind: 'path'; text: string; owner: string; repo: string; path: string }
  | { kind: 'ref'; text: string; owner: string; repo: string; path: string; ref: string };

/** What a pattern is matched against: a repository `uses:` split as src/workflows/uses.ts splits it. */
export interface UsesTarget {
  owner: string;
  repo: string;
  /** '' for the repository's root. */
  path: string;
  ref: string;
}

const OWNER = /^[A-Za-z0-9_-]+$/;
const REPO = /^[A-Za-z0-9_.-]+$/;
/** Printable, no space, no `@`, no `*` (zizmor's subpath class). */
const SUBPATH = /^[!-)+-?A-~]+$/;
/** Printable, no space, no `*`. */
const REF = /^[!-)+-~]+$/;

/** A pattern, or the reason it is not one (for the config's error message). */
export function parseUsesPattern(input: string): UsesPattern | { error: string } {
  const text = input.trim();
  if (text === '*') return { kind: 'any', text };
  if (text === '') return { error: 'an empty pattern' };
  if (text.length > 512) return { error: 'longer than 512 characters' };
  const at = text.indexOf('@');
  const target = at < 0 ? text : text.slice(0, at);
  const ref = at < 0 ? undefined : text.slice(at + 1);
  const [owner = '', repo = '', ...rest] = target.split('/');
  const path = rest.join('/');
  if (!OWNER.test(owner)) return { error: `"${owner}" is not an owner name (letters, digits, - and _; no wildcard)` };
  if (repo === '') return { error: 'it names no repository: write owner/repo, owner/* or *' };
  if (repo !== '*' && (!REPO.test(repo) || repo === '.' || repo === '..')) return { error: `"${repo}" is not a repository name or *` };
  if (rest.length > 0 && (path === '' || (path !== '*' && !SUBPATH.test(path)))) return { error: `"${path}" is not a subpath (no spaces, @ or *) or *` };
  if (ref !== undefined && (ref === '' || !REF.test(ref))) return { error: `"${ref}" is not a ref (no spaces or *)` };
  if (repo === '*') {
    if (rest.length > 0 || ref !== undefined) return { error: 'owner/* takes no subpath or ref' };
    return { kind: 'owner', text, owner };
  }
  if (ref !== undefined) {
    if (path === '*') return { error: 'owner/repo/* takes no ref' };
    return { kind: 'ref', text, owner, repo, path, ref };
  }
  if (path === '*') return { kind: 'repo-any-path', text, owner, repo };
  if (path !== '') return { kind: 'path', text, owner, repo, path };
  return { kind: 'repo', text, owner, repo };
}

export function matchesUsesPattern(pattern: UsesPattern, target: UsesTarget): boolean {
  if (pattern.kind === 'any') return true;
  if (pattern.owner.toLowerCase() !== target.owner.toLowerCase()) return false;
  if (pattern.kind === 'owner') return true;
  if (pattern.repo.toLowerCase() !== target.repo.toLowerCase()) return false;
  switch (pattern.kind) {
    case 'repo-any-path':
      return true;
    case 'repo':
      return target.path === '';
    case 'path':
      return target.path === pattern.path;
    case 'ref':
      return target.path === pattern.path && target.ref === pattern.ref;
  }
}
