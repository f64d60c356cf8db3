/**
 * `secrets: inherit` on a reusable workflow call hands over every secret the caller can see. The fix
 * names the secrets the callee reads when the callee is a file of this revision.
 */
import { isScalar } from 'yaml';
import type { WorkflowFile } from '../../workflows/model.js';
import { calleeSecrets, localCallee } from '../../workflows/secrets.js';
import { get, getPair, jobsOf, posOf, str } from '../../workflows/walk.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'secrets-inherit',
    defaultSeverity: 'warning',
    summary: 'A reusable workflow call passes every secret with `secrets: inherit`.',
    on: 'workflows',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      for (const job of jobsOf(wf)) {
        const uses = str(get(job.node, 'uses'));
        const pair = getPair(job.node, 'secrets');
        if (
          !uses ||
          !pair ||
          !isScalar(pair.value) ||
          String(pair.value.value ?? '')
            .trim()
            .toLowerCase() !== 'inherit'
        )
          continue;
        const pos = posOf(wf, pair.key);
        report({
          file: wf.file,
          line: pos.line,
          column: pos.column,
          message:
            `Job ${job.id} hands every secret this workflow can see to ${uses.trim()} (secrets: inherit), including ones it never uses; ` +
            'if that workflow or anything it runs is compromised, all of them leak.',
          // The callee is looked up among this revision's files (ctx.workflows is one revision).
          fix: secretsFixFor(localCallee(uses, ctx.workflows)),
          subject: job.id,
        });
      }
    }
  },
});

function secretsFixFor(callee: WorkflowFile | undefined): string {
  const read = calleeSecrets(callee);
  if (!read || !callee) {
    return (
      'Replace secrets: inherit with only the secrets the called workflow uses (declared under its on.workflow_call.secrets), each passed by name:\n' +
      'secrets:\n  NAME: ${{ secrets.NAME }}'
    );
  }
  const names = [...read.declared, ...read.undeclared];
  if (names.length === 0) return 'Delete secrets: inherit: the called workflow uses no secrets.';
  const block = `secrets:\n${names.map((name) => `  ${name}: \${{ secrets.${name} }}`).join('\n')}`;
  const declare =
    read.undeclared.length > 0
      ? `\nand declare ${read.undeclared.join(', ')} under on.workflow_call.secrets in ${callee.file} (it reads ${read.undeclared.length === 1 ? 'it' : 'them'} without declaring).`
      : '';
  return `Replace secrets: inherit with:\n${block}${declare}`;
}
