/**
 * zizmor's hardcoded-container-credentials: a job's `container:` or a `services:` entry whose
 * `credentials.password` is written in the workflow instead of read from a secret. The finding never
 * repeats the password.
 */
import { isMap, type Node } from 'yaml';
import { hasExpression } from '../../workflows/expressions.js';
import { entries, get, getPair, jobsOf, posOf, str } from '../../workflows/walk.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'hardcoded-container-credentials',
    defaultSeverity: 'error',
    summary: 'A container or service has its registry password written in the workflow.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      for (const job of jobsOf(wf)) {
        const sites: { where: string; node: Node | undefined }[] = [{ where: 'container', node: get(job.node, 'container') }];
        for (const [name, , node] of entries(get(job.node, 'services'))) sites.push({ where: `services.${name}`, node });
        for (const { where, node } of sites) {
          if (!isMap(node)) continue;
          const pair = getPair(get(node, 'credentials'), 'password');
          const password = str(pair?.value);
          // An expression (`${{ secrets.X }}`) is the fix; an empty value is no credential.
          if (!pair || password === undefined || password.trim() === '' || hasExpression(password)) continue;
          const pos = posOf(wf, pair.key);
          report({
            file: wf.file,
            line: pos.line,
            column: pos.column,
            message:
              `Job ${job.id} writes the registry password of its ${where} in the workflow file (credentials.password): ` +
              'anyone who can read the repository, its forks or its history can log in to that registry as this account.',
            fix: 'Revoke that password now (it is in the git history), store a new one as a secret and write password: ${{ secrets.REGISTRY_PASSWORD }}.',
            subject: `${job.id}:${where}`,
          });
        }
      }
    }
  },
});
