/**
 * zizmor's dependabot-execution: a dependabot.yml `updates:` entry with
 * `insecure-external-code-execution: allow` lets Dependabot run code from the manifests it updates
 * (setup.py, gemspecs, Gradle scripts…) with the entry's registry credentials at hand.
 */
import { dependabotUpdates } from '../../workflows/dependabot.js';
import { getPair, posOf, str } from '../../workflows/walk.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'dependabot-execution',
    defaultSeverity: 'error',
    summary: 'A Dependabot ecosystem may run code from the dependencies it updates.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      for (const update of dependabotUpdates(wf)) {
        const pair = getPair(update.entry, 'insecure-external-code-execution');
        if (!pair || str(pair.value)?.trim().toLowerCase() !== 'allow') continue;
        const pos = posOf(wf, pair.key);
        report({
          file: wf.file,
          line: pos.line,
          column: pos.column,
          message:
            `Dependabot ${update.ecosystem} updates allow insecure external code execution: Dependabot then runs code from the manifests and ` +
            "packages it updates while resolving, with this entry's private registry credentials available to it; a compromised dependency gets them.",
          fix: 'Delete insecure-external-code-execution: allow (or set it to deny); if updates then fail, vendor or pre-build what needs code to resolve.',
          subject: update.subject,
        });
      }
    }
  },
});
