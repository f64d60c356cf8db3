import { bestTagFor, lookupRef, pinnedWithVersion, tagListing, tagsAt } from '../../facts/github-checks.js';
import { usesTarget, type UsesSite } from '../../workflows/uses.js';
import { occurrenceSubjects } from '../../findings.js';
import { defineRule } from '../define.js';

/**
 * The `# vX` comment after a SHA pin names a tag that points at another commit (or does not exist).
 * A comment naming a moving major tag (`# v4`) is accepted when the pinned commit carries a release
 * of that series (`v4.1.0`): the comment is then true, only less precise.
 */
export const rule = defineRule({
  meta: {
    id: 'ref-version-mismatch',
    defaultSeverity: 'warning',
    summary: "A pinned SHA's version comment names a tag that points elsewhere.",
    online: true,
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    const facts = ctx.github ?? null;
    if (!facts) return;
    for (const wf of ctx.workflows) {
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
        const listing = tagListing(facts, owner, repo, pinned);
        const actualWords = actual
          ? `is ${actual}`
          : Array.isArray(listing)
            ? 'carries no tag GitHub listed'
            : 'could not be matched to a tag (the tag listing was not available)';
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
        report({ file: wf.file, line: f.site.pos.line, column: f.site.pos.column, message: f.message, fix: f.fix, subject: subjects[i] }),
      );
    }
  },
});
