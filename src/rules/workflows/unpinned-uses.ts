import { allowRefPinPatterns, bestTagFor, lookupRef, tagsAt } from '../../facts/github-checks.js';
import { BRANCH_LIKE_REFS, matchesRepoPattern, usesSites, usesTarget, type UsesSite } from '../../workflows/uses.js';
import { occurrenceSubjects } from '../../findings.js';
import { defineRule } from '../define.js';

const OFFLINE_HINT = (owner: string, repo: string, ref: string): string =>
  `gh api repos/${owner}/${repo}/commits/${ref} --jq .sha   (or: git ls-remote https://github.com/${owner}/${repo} ${ref})`;

/** Every repository `uses:` whose ref is not a full commit SHA (and any unparseable one). */
export const rule = defineRule({
  meta: {
    id: 'unpinned-uses',
    defaultSeverity: 'error',
    summary: 'An action or reusable workflow is not pinned to a full commit SHA.',
    on: 'workflows',
    scope: 'file',
    fixable: true,
  },
  check(ctx, report) {
    const facts = ctx.github ?? null;
    const patterns = allowRefPinPatterns(ctx.settings);
    for (const wf of ctx.workflows) {
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
        const refWords = shortSha
          ? `a short SHA (${uses.ref})`
          : lookup?.status === 'found' && lookup.kind === 'branch'
            ? `the branch ${uses.ref}`
            : `${uses.ref}`;
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
        report({ file: wf.file, line: f.site.pos.line, column: f.site.pos.column, message: f.message, fix: f.fix, subject: subjects[i] });
      });
    }
  },
});
