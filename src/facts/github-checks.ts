/**
 * What GithubFacts say about a `uses:` pin, for the rules that read them: unpinned-uses (its fix names
 * the commit a ref points at), ref-version-mismatch and impostor-commit. Facts only: the rules in
 * src/rules/ decide what to report.
 */
import type { WorkflowFile } from '../workflows/model.js';
import { usesSites, type UsesSite } from '../workflows/uses.js';
import { githubFactKey, githubRepoKey } from './keys.js';
import type { GithubFacts, RefLookup } from './types.js';

/** The tags GitHub listed at a commit (empty when none or unknown). */
export function tagsAt(facts: GithubFacts | null, owner: string, repo: string, sha: string): string[] {
  const tags = facts?.tagsAtCommit.get(githubFactKey(owner, repo, sha));
  return Array.isArray(tags) ? tags : [];
}

/**
 * The tag to write in the `# vX` comment for a commit reached through `ref`: the most specific tag at
 * that commit that `ref` is a prefix of (`v4` → `v4.2.2`), else the longest tag at the commit, else
 * `ref` itself when it is a tag.
 */
export function bestTagFor(tags: string[], ref: string, refKind: 'tag' | 'branch' | 'commit'): string | undefined {
  const longest = (list: string[]): string | undefined => [...list].sort((a, b) => b.length - a.length || a.localeCompare(b))[0];
  const refined = tags.filter((tag) => tag === ref || tag.startsWith(`${ref}.`) || tag.startsWith(`${ref}-`));
  return longest(refined) ?? longest(tags) ?? (refKind === 'tag' ? ref : undefined);
}

/** The config's workflows.allow-ref-pin patterns (owner/repo globs whose tags are trusted). */
export function allowRefPinPatterns(settings: unknown): string[] {
  const patterns = (settings as { config?: { workflows?: { allowRefPin?: unknown } } } | undefined)?.config?.workflows?.allowRefPin;
  return Array.isArray(patterns) ? patterns.filter((p): p is string => typeof p === 'string') : [];
}

/** What GitHub said a ref of a repository points at (undefined when not asked or offline). */
export function lookupRef(facts: GithubFacts | null, owner: string, repo: string, ref: string): RefLookup | undefined {
  return facts?.refs.get(githubFactKey(owner, repo, ref));
}

/** A repository `uses:` site pinned to a full SHA. */
export type PinnedSite = UsesSite & { uses: Extract<UsesSite['uses'], { kind: 'repository' }> };

/** Pinned repository uses with a version comment (`@<sha> # v4.2.2`). */
export function pinnedWithVersion(wf: WorkflowFile): PinnedSite[] {
  return usesSites(wf).filter((site): site is PinnedSite => site.uses.kind === 'repository' && site.uses.pinned && site.commentVersion !== undefined);
}

/** The tag listing GitHub gave for a commit: the tags, or undefined when it was not available. */
export function tagListing(facts: GithubFacts, owner: string, repo: string, sha: string): string[] | { error: string } | undefined {
  return facts.tagsAtCommit.get(githubFactKey(owner, repo, sha));
}

/** The pinned repository uses GitHub says are on none of the repository's branches or tags. */
export function unreachablePins(wf: WorkflowFile, facts: GithubFacts): PinnedSite[] {
  return usesSites(wf).filter((site): site is PinnedSite => {
    if (site.uses.kind !== 'repository' || !site.uses.pinned) return false;
    return facts.reachable.get(githubFactKey(site.uses.owner, site.uses.repo, site.uses.ref)) === false;
  });
}

/** Repository `uses:` sites whose symbolic ref GitHub has both as a branch and as a tag (ref-confusion). */
export function confusableRefs(wf: WorkflowFile, facts: GithubFacts): UsesSite[] {
  return usesSites(wf).filter((site) => {
    if (site.uses.kind !== 'repository' || site.uses.pinned) return false;
    return facts.branchAndTag?.get(githubFactKey(site.uses.owner, site.uses.repo, site.uses.ref)) === true;
  });
}

/**
 * Step `uses:` pinned to a full SHA that no tag points at, as far as GitHub's complete tag listing
 * shows (stale-action-ref). A SHA that is an annotated tag's own object counts as tagged. Unknown
 * (listing cut short or failed) is not reported.
 */
export function untaggedPins(wf: WorkflowFile, facts: GithubFacts): PinnedSite[] {
  const tagObjects = new Set<string>();
  for (const [key, lookup] of facts.refs)
    if (lookup.status === 'found' && lookup.tagObject) tagObjects.add(`${key.slice(0, key.indexOf('@'))}@${lookup.tagObject}`);
  return usesSites(wf).filter((site): site is PinnedSite => {
    if (site.where !== 'step' || site.uses.kind !== 'repository' || !site.uses.pinned) return false;
    const { owner, repo, ref } = site.uses;
    if (facts.tagListComplete?.get(githubRepoKey(owner, repo)) !== true) return false;
    const key = githubFactKey(owner, repo, ref);
    if (tagObjects.has(key)) return false;
    const tags = facts.tagsAtCommit.get(key);
    return Array.isArray(tags) && tags.length === 0;
  });
}

/**
 * The version an advisory look-up names for a repository `uses:` (zizmor's mapping): a SHA pin → the
 * longest tag at that commit (preferring one its `# vX` comment is a prefix of); a symbolic ref → the
 * most specific tag at the commit it resolves to (`v4` → `v4.2.2`), else the ref itself when it is a
 * tag (a branch with no tag at its tip names no version). Undefined when nothing names a version (an untagged commit, an unresolved ref).
 */
export function actionVersion(facts: GithubFacts, site: UsesSite): string | undefined {
  if (site.uses.kind !== 'repository') return undefined;
  const { owner, repo, ref, pinned } = site.uses;
  if (pinned) return bestTagFor(tagsAt(facts, owner, repo, ref.toLowerCase()), site.commentVersion ?? ref, 'commit');
  const lookup = lookupRef(facts, owner, repo, ref);
  if (!lookup || lookup.status !== 'found') return undefined;
  return bestTagFor(tagsAt(facts, owner, repo, lookup.sha), ref, lookup.kind);
}
