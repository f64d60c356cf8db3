/**
 * The online checks of SHA pins and the fixes that read GithubFacts: unpinned-uses (its fix names the
 * commit a ref points at), ref-version-mismatch and impostor-commit. Pure functions of the workflow
 * files, the settings and the facts: the rules call them on head and base.
 */
import { makeFinding, type Finding, type Severity } from '../findings.js';
import type { WorkflowFile } from '../workflows/model.js';
import { BRANCH_LIKE_REFS, matchesRepoPattern, occurrenceSubjects, usesSites, usesTarget, type UsesSite } from '../workflows/uses.js';
import { githubFactKey } from './keys.js';
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

function allowRefPinPatterns(settings: unknown): string[] {
  const patterns = (settings as { config?: { workflows?: { allowRefPin?: unknown } } } | undefined)?.config?.workflows?.allowRefPin;
  return Array.isArray(patterns) ? patterns.filter((p): p is string => typeof p === 'string') : [];
}

function lookupRef(facts: GithubFacts | null, owner: string, repo: string, ref: string): RefLookup | undefined {
  return facts?.refs.get(githubFactKey(owner, repo, ref));
}

const OFFLINE_HINT = (owner: string, repo: string, ref: string): string =>
  `gh api repos/${owner}/${repo}/commits/${ref} --jq .sha   (or: git ls-remote https://github.com/${owner}/${repo} ${ref})`;

/** unpinned-uses: every repository `uses:` whose ref is not a full commit SHA (and any unparseable one). */
export function checkUnpinnedUses(
  workflows: readonly WorkflowFile[],
  settings: unknown,
  facts: GithubFacts | null,
  severity: Severity = 'error',
): Finding[] {
  const patterns = allowRefPinPatterns(settings);
  const findings: Finding[] = [];
  for (const wf of workflows) {
    const sites = usesSites(wf).filter((site) => site.uses.kind === 'repository' || site.uses.kind === 'invalid');
    const flagged: { site: UsesSite; message: string; fix?: string }[] = [];
    for (const site of sites) {
      const uses = site.uses;
      const what = site.where === 'job' ? 'reusable workflow' : 'action';
      if (uses.kind === 'invalid') {
        flagged.push({
          site,
          message: `This uses: value is not a valid owner/repo@ref (${uses.reason}), so it is not pinned to a commit SHA either.`,
          fix: 'Write owner/repo@<40-hex commit sha> # <tag>, or ./path for an action in this repository.',
        });
        continue;
      }
      if (uses.kind !== 'repository' || uses.pinned) continue;
      const lookup = lookupRef(facts, uses.owner, uses.repo, uses.ref);
      const allowed = patterns.some((pattern) => matchesRepoPattern(pattern, uses.owner, uses.repo, uses.path));
      if (allowed) {
        // allow-ref-pin trusts the owner's tags; a branch moves with every push, so it is never accepted.
        const isBranch = lookup?.status === 'found' ? lookup.kind === 'branch' : BRANCH_LIKE_REFS.has(uses.ref.toLowerCase());
        if (!isBranch) continue;
      }
      const target = usesTarget(uses);
      const shortSha = /^[0-9a-fA-F]{7,39}$/.test(uses.ref);
      const refWords = shortSha ? `a short SHA (${uses.ref})` : lookup?.status === 'found' && lookup.kind === 'branch' ? `the branch ${uses.ref}` : `${uses.ref}`;
      let message = `The ${what} ${target} is pinned to ${refWords}, not a full commit SHA: whoever controls ${uses.owner}/${uses.repo} can change the code this workflow runs.`;
      if (allowed) message += ` allow-ref-pin covers ${uses.owner}/${uses.repo}, but only for tags, and ${uses.ref} is a branch.`;
      let fix: string;
      if (lookup?.status === 'found') {
        const tag = bestTagFor(tagsAt(facts, uses.owner, uses.repo, lookup.sha), uses.ref, lookup.kind);
        fix = `${target}@${lookup.sha}${tag ? ` # ${tag}` : ''}`;
      } else if (lookup?.status === 'missing') {
        message += ` GitHub has no ref ${uses.ref} in ${uses.owner}/${uses.repo}.`;
        fix = `Pin an existing release: ${target}@<sha> # <tag>; list them with: gh api repos/${uses.owner}/${uses.repo}/tags --jq '.[] | .name + " " + .commit.sha'`;
      } else {
        fix = `${target}@<sha> # ${uses.ref}, with the sha from: ${OFFLINE_HINT(uses.owner, uses.repo, uses.ref)}`;
      }
      flagged.push({ site, message, fix });
    }
    const subjects = occurrenceSubjects(flagged, (f) => f.site.value.trim());
    flagged.forEach((f, i) => {
      findings.push(
        makeFinding({
          rule: 'unpinned-uses',
          severity,
          file: wf.file,
          line: f.site.pos.line,
          column: f.site.pos.column,
          message: f.message,
          fix: f.fix,
          subject: subjects[i],
        }),
      );
    });
  }
  return findings;
}

/** Pinned repository uses with a version comment (`@<sha> # v4.2.2`). */
function pinnedWithVersion(wf: WorkflowFile): (UsesSite & { uses: Extract<UsesSite['uses'], { kind: 'repository' }> })[] {
  return usesSites(wf).filter(
    (site): site is UsesSite & { uses: Extract<UsesSite['uses'], { kind: 'repository' }> } =>
      site.uses.kind === 'repository' && site.uses.pinned && site.commentVersion !== undefined,
  );
}

/**
 * ref-version-mismatch: the `# vX` comment after a SHA pin names a tag that points at another commit
 * (or does not exist). A comment naming a moving major tag (`# v4`) is accepted when the pinned
 * commit carries a release of that series (`v4.1.0`): the comment is then true, only less precise.
 */
export function checkRefVersionMismatch(workflows: readonly WorkflowFile[], facts: GithubFacts | null, severity: Severity = 'warning'): Finding[] {
  if (!facts) return [];
  const findings: Finding[] = [];
  for (const wf of workflows) {
    const flagged: { site: UsesSite; message: string; fix: string }[] = [];
    for (const site of pinnedWithVersion(wf)) {
      const { owner, repo, ref: sha } = site.uses;
      const claimed = site.commentVersion as string;
      const lookup = lookupRef(facts, owner, repo, claimed);
      if (!lookup || lookup.status === 'error') continue;
      const pinned = sha.toLowerCase();
      const tagsHere = tagsAt(facts, owner, repo, pinned);
      if (lookup.status === 'found' && (lookup.sha.toLowerCase() === pinned || lookup.tagObject?.toLowerCase() === pinned)) continue;
      if (tagsHere.includes(claimed)) continue;
      if (tagsHere.some((tag) => tag.startsWith(`${claimed}.`))) continue;
      const target = usesTarget(site.uses);
      const actual = bestTagFor(tagsHere, claimed, 'commit');
      const listing = facts.tagsAtCommit.get(githubFactKey(owner, repo, pinned));
      const actualWords = actual ? `is ${actual}` : Array.isArray(listing) ? 'carries no tag GitHub listed' : 'could not be matched to a tag (the tag listing was not available)';
      const message =
        lookup.status === 'found'
          ? `The comment says ${claimed}, but ${claimed} of ${owner}/${repo} is commit ${lookup.sha.slice(0, 12)}; the pinned commit ${pinned.slice(0, 12)} ${actualWords}. The comment misleads reviewers about the code that runs.`
          : `The comment says ${claimed}, but ${owner}/${repo} has no tag ${claimed}; the pinned commit ${pinned.slice(0, 12)} ${actualWords}. The comment misleads reviewers about the code that runs.`;
      const fixes: string[] = [];
      if (actual) fixes.push(`${target}@${pinned} # ${actual}   (keep this commit)`);
      if (lookup.status === 'found') fixes.push(`${target}@${lookup.sha.toLowerCase()} # ${claimed}   (run ${claimed})`);
      if (fixes.length === 0) fixes.push(`${target}@${pinned}   (drop the comment, or pin the commit of the release you mean)`);
      flagged.push({ site, message, fix: fixes.join('\n') });
    }
    const subjects = occurrenceSubjects(flagged, (f) => `${f.site.value.trim()} # ${f.site.commentVersion}`);
    flagged.forEach((f, i) =>
      findings.push(
        makeFinding({ rule: 'ref-version-mismatch', severity, file: wf.file, line: f.site.pos.line, column: f.site.pos.column, message: f.message, fix: f.fix, subject: subjects[i] }),
      ),
    );
  }
  return findings;
}

/** impostor-commit: a SHA pin that GitHub says is on none of the repository's branches or tags. */
export function checkImpostorCommits(workflows: readonly WorkflowFile[], facts: GithubFacts | null, severity: Severity = 'error'): Finding[] {
  if (!facts) return [];
  const findings: Finding[] = [];
  for (const wf of workflows) {
    const flagged = usesSites(wf).filter((site) => {
      if (site.uses.kind !== 'repository' || !site.uses.pinned) return false;
      return facts.reachable.get(githubFactKey(site.uses.owner, site.uses.repo, site.uses.ref)) === false;
    });
    const subjects = occurrenceSubjects(flagged, (site) => site.value.trim());
    flagged.forEach((site, i) => {
      if (site.uses.kind !== 'repository') return;
      const { owner, repo, ref } = site.uses;
      findings.push(
        makeFinding({
          rule: 'impostor-commit',
          severity,
          file: wf.file,
          line: site.pos.line,
          column: site.pos.column,
          message: `Commit ${ref.slice(0, 12)} is on no branch or tag of ${owner}/${repo}: GitHub serves commits of any fork through the parent repository, so this pin can run code the owners never published.`,
          fix: `${usesTarget(site.uses)}@<sha of a release> # <tag>, from: gh api repos/${owner}/${repo}/tags --jq '.[] | .name + " " + .commit.sha'`,
          subject: subjects[i],
        }),
      );
    });
  }
  return findings;
}
