/**
 * zizmor's unpinned-tools: setup actions that download a tool at its newest release unless told a
 * version: aquasecurity/setup-trivy and 1password/load-secrets-action. A compromised release of the
 * tool then runs in the job the moment it is published.
 */
import { hasExpression } from '../../workflows/expressions.js';
import { stepKey, stepsInContext, usesAction } from '../../workflows/steps.js';
import { get, getPair, posOf, str } from '../../workflows/walk.js';
import { defineRule } from '../define.js';

/** Action -> the tool it installs. Both read the tool version from a `version` input that defaults to `latest`. */
const TOOL_ACTIONS: Readonly<Record<string, string>> = {
  'aquasecurity/setup-trivy': 'Trivy',
  '1password/load-secrets-action': 'the 1Password CLI',
};

export const rule = defineRule({
  meta: {
    id: 'unpinned-tool',
    defaultSeverity: 'warning',
    summary: 'A setup action installs the latest release of its tool instead of a pinned version.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      for (const s of stepsInContext(wf)) {
        const usesNode = get(s.step, 'uses');
        const uses = str(usesNode);
        const action = Object.keys(TOOL_ACTIONS).find((repo) => usesAction(uses, repo));
        if (!action) continue;
        const tool = TOOL_ACTIONS[action];
        const pair = getPair(get(s.step, 'with'), 'version');
        const version = str(pair?.value)?.trim() ?? '';
        const expression = hasExpression(version);
        if (pair && version !== '' && version.toLowerCase() !== 'latest' && !expression) continue;
        const pos = posOf(wf, pair ? pair.key : usesNode);
        const what =
          !pair || version === '' ? 'without a version input' : expression ? `with version: ${version}, which may be latest` : 'with version: latest';
        report({
          file: wf.file,
          line: pos.line,
          column: pos.column,
          message: `${action} is used ${what}, so it installs whatever release of ${tool} is newest when the job runs; a compromised release runs here the moment it is published.`,
          fix: `Set with: version: to an exact release of ${tool} (and update it in reviewed pull requests).`,
          subject: `${s.jobId}:${stepKey(s)}`,
          ...(expression ? { confidence: 'low' as const } : {}),
        });
      }
    }
  },
});
