/**
 * The loop the online pin rules share: the `uses:` sites a GitHub fact flags in each workflow file,
 * one finding a site, the site's value as subject (`#n` after the first repeat, so two identical
 * steps keep distinct fingerprints). Each rule supplies which sites, and what to say about one.
 */
import type { GithubFacts } from '../../facts/types.js';
import type { WorkflowFile } from '../../workflows/model.js';
import type { UsesSite } from '../../workflows/uses.js';
import { occurrenceSubjects } from '../../findings.js';
import type { Report } from '../define.js';
import type { RuleContext } from '../types.js';

export function reportFlaggedSites<S extends UsesSite>(
  ctx: RuleContext,
  report: Report,
  flag: (wf: WorkflowFile, facts: GithubFacts) => S[],
  describe: (site: S) => { message: string; fix: string } | undefined,
): void {
  const facts = ctx.github ?? null;
  if (!facts) return;
  for (const wf of ctx.workflows) {
    const flagged = flag(wf, facts);
    const subjects = occurrenceSubjects(flagged, (site) => site.value.trim());
    flagged.forEach((site, i) => {
      const said = describe(site);
      if (said) report({ file: wf.file, line: site.pos.line, column: site.pos.column, ...said, subject: subjects[i]! });
    });
  }
}
