/**
 * `fromJSON(secrets.X)`: a secret decoded as JSON. GitHub masks a secret in logs by its exact
 * registered text; a field picked out of it (`fromJSON(secrets.CREDS).password`) or the decoded
 * value is different text, so it is printed in clear wherever it is echoed. zizmor's
 * unredacted-secrets audit (Medium / High): every `${{ }}` of workflows and composite actions.
 */
import { childrenOf, exprText, type Expr } from '../../workflows/expressions.js';
import { expressionSites, routeText } from '../../workflows/expression-sites.js';
import { defineRule } from '../define.js';
import { shorten } from './expression-wording.js';

export const rule = defineRule({
  meta: {
    id: 'unredacted-secret',
    defaultSeverity: 'warning',
    summary: 'A secret is decoded with `fromJSON()`, so the values taken out of it escape log masking.',
    on: 'workflows',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      for (const site of expressionSites(wf)) {
        const decoded = site.parsed ? decodedSecrets(site.parsed) : unparsedDecodedSecrets(site.body);
        if (decoded.length === 0) continue;
        const shown = site.parsed ? `\${{ ${shorten(exprText(site.parsed))} }}` : `\${{ ${shorten(site.body)} }}`;
        report({
          file: wf.file,
          line: site.pos.line,
          column: site.pos.column,
          message:
            `${shown} in ${routeText(site.route)} decodes ${shorten(decoded.join(', '), 80)} as JSON; GitHub masks a secret in logs only by its exact text, ` +
            'so the decoded value and any field taken from it are printed in clear wherever they are echoed.',
          fix: 'Store each value the workflow needs as a secret of its own and use it directly (`${{ secrets.DB_PASSWORD }}`), instead of one JSON secret taken apart with fromJSON().',
          subject: `${site.stableRoute}\0${site.body}\0${site.occurrence}`,
        });
      }
    }
  },
});

/** The secret references that `fromJSON()` decodes anywhere in the expression, as written. */
function decodedSecrets(expr: Expr): string[] {
  if (expr.kind === 'call' && expr.name === 'fromjson') {
    const secrets = expr.args.filter((arg) => arg.kind === 'context' && arg.path[0]?.toLowerCase() === 'secrets');
    if (secrets.length > 0) return secrets.map(exprText);
  }
  return childrenOf(expr).flatMap(decodedSecrets);
}

/** For a body that does not parse: `fromJSON(secrets…)` by text, outside string literals. */
function unparsedDecodedSecrets(body: string): string[] {
  const unquoted = body.replace(/'(?:[^']|'')*'?/g, "''");
  return [...unquoted.matchAll(/(?<![A-Za-z0-9_.-])fromjson\s*\(\s*(secrets\b[^),]*)/gi)].map((m) => m[1].trim());
}
