/**
 * zizmor's github-app: `actions/create-github-app-token` used so that the token is broader or lives
 * longer than it needs: `skip-token-revoke: true` (the token stays valid for its full hour after the
 * job), `owner:` without `repositories:` (every repository the app is installed on), and no
 * `permission-*` input (every permission the app was granted).
 */
import type { Node } from 'yaml';
import { hasExpression } from '../../workflows/expressions.js';
import { stepKey, stepsInContext, usesAction } from '../../workflows/steps.js';
import { entries, get, getPair, posOf, str } from '../../workflows/walk.js';
import { defineRule } from '../define.js';

const ACTION = 'actions/create-github-app-token';

export const rule = defineRule({
  meta: {
    id: 'github-app',
    defaultSeverity: 'warning',
    summary: 'actions/create-github-app-token makes a token broader or longer-lived than needed.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      for (const s of stepsInContext(wf)) {
        const usesNode = get(s.step, 'uses');
        if (!usesAction(str(usesNode), ACTION)) continue;
        const withNode = get(s.step, 'with');
        const key = `${s.jobId}:${stepKey(s)}`;
        const at = (node: Node | undefined) => posOf(wf, node ?? usesNode);

        const skip = getPair(withNode, 'skip-token-revoke');
        const skipValue = str(skip?.value)?.trim() ?? '';
        if (skip && (skipValue.toLowerCase() === 'true' || hasExpression(skipValue))) {
          const pos = at(skip.key);
          const literal = !hasExpression(skipValue);
          report({
            file: wf.file,
            line: pos.line,
            column: pos.column,
            message: `${ACTION} ${literal ? 'keeps' : 'may keep'} its token valid after the job (skip-token-revoke): a token leaked by any step stays usable for up to an hour.`,
            fix: 'Delete skip-token-revoke so the action revokes the token when the job ends.',
            subject: `${key}:skip-token-revoke`,
            ...(literal ? { level: 'error' as const } : { confidence: 'low' as const }),
          });
        }

        const owner = getPair(withNode, 'owner');
        // An empty repositories: is no list: the action reads it as absent and scopes the token to the whole owner.
        const repositories = getPair(withNode, 'repositories');
        const listed = repositories !== undefined && (str(repositories.value) ?? '').trim() !== '';
        if (owner && (str(owner.value) ?? '').trim() !== '' && !listed) {
          const pos = at(owner.key);
          report({
            file: wf.file,
            line: pos.line,
            column: pos.column,
            message: `${ACTION} is given owner: without repositories:, so its token reaches every repository of that owner the app is installed on, not only the ones this job needs.`,
            fix: 'Add repositories: with the repositories the job works on (one per line).',
            subject: `${key}:owner`,
          });
        }

        if (!entries(withNode).some(([name]) => name.startsWith('permission-'))) {
          const pos = at(usesNode);
          report({
            file: wf.file,
            line: pos.line,
            column: pos.column,
            message: `${ACTION} is given no permission-* input, so its token carries every permission the app was granted, not only what this job needs.`,
            fix: 'Add the permissions the job needs, e.g. permission-contents: write and permission-pull-requests: write.',
            subject: `${key}:permissions`,
          });
        }
      }
    }
  },
});
