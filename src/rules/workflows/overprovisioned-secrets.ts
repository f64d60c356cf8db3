/**
 * The whole `secrets` context handed to a job: `toJSON(secrets)`, or a secret picked by a computed
 * name (`secrets[format('TOKEN_{0}', matrix.env)]`), which makes GitHub send every secret to the
 * runner because it cannot tell which one the job reads. zizmor's overprovisioned-secrets audit
 * (Medium / High): every `${{ }}` of workflows and composite actions.
 */
import { childrenOf, exprText, type Expr } from '../../workflows/expressions.js';
import { expressionSites, routeText } from '../../workflows/expression-sites.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'overprovisioned-secrets',
    defaultSeverity: 'warning',
    summary: 'An expression hands the job every secret (`toJSON(secrets)`, or a secret picked by a computed name).',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      for (const site of expressionSites(wf)) {
        // Both shapes name the secrets context, which is only ever written out: no "secrets", nothing to find.
        if (!SECRETS_WORD.test(site.body)) continue;
        const uses = site.parsed ? wholeSecretsUses(site.parsed) : unparsedWholeSecrets(site.body);
        if (uses.length === 0) continue;
        const first = uses[0];
        const shown =
          first.kind === 'tojson'
            ? first.text
            : first.kind === 'star'
              ? `${first.text} (every secret's value)`
              : `${first.text} (a secret chosen by a computed name)`;
        report({
          file: wf.file,
          line: site.pos.line,
          column: site.pos.column,
          message:
            `${shown} in ${routeText(site.route)} gives this job every secret the repository and its organisation share with it, not just the ones it uses; ` +
            'anything in the job that reads or logs the value (a step, an action, a crash dump) gets them all.',
          fix:
            first.kind !== 'computed'
              ? 'Pass each secret the step needs by name instead: `${{ secrets.NAME }}`, one env: or with: entry per secret.'
              : 'Name each secret literally (`${{ secrets.PROD_TOKEN }}`), for example one job or matrix entry per environment, or use an environment (`environment:`) whose secrets share one name.',
          subject: `${site.stableRoute}\0${site.body}\0${site.occurrence}`,
        });
      }
    }
  },
});

interface WholeSecretsUse {
  kind: 'tojson' | 'computed' | 'star';
  text: string;
}

/** `toJSON(secrets)` and `secrets[<not a string literal>]` (also `secrets.*`), anywhere in the expression. */
function wholeSecretsUses(expr: Expr): WholeSecretsUse[] {
  if (expr.kind === 'call' && expr.name === 'tojson' && expr.args.some((arg) => arg.kind === 'context' && arg.path.length === 1 && isSecrets(arg.path[0]))) {
    return [{ kind: 'tojson', text: exprText(expr) }];
  }
  if (expr.kind === 'context' && isSecrets(expr.path[0]) && expr.path.length > 1) {
    const index = expr.indices[1];
    if (index === null || (index !== undefined && !(index.kind === 'literal' && typeof index.value === 'string'))) {
      return [{ kind: index === null ? 'star' : 'computed', text: exprText(expr) }, ...childrenOf(expr).flatMap(wholeSecretsUses)];
    }
  }
  return childrenOf(expr).flatMap(wholeSecretsUses);
}

const isSecrets = (segment: string | undefined): boolean => segment?.toLowerCase() === 'secrets';
const SECRETS_WORD = /secrets/i;

/** For a body that does not parse: the same two shapes by text, outside string literals (never a silent pass). */
function unparsedWholeSecrets(body: string): WholeSecretsUse[] {
  const unquoted = body.replace(/'(?:[^']|'')*'?/g, "''");
  const out: WholeSecretsUse[] = [];
  for (const match of unquoted.matchAll(/(?<![A-Za-z0-9_.-])tojson\s*\(\s*secrets\s*\)/gi)) out.push({ kind: 'tojson', text: match[0] });
  for (const match of unquoted.matchAll(/(?<![A-Za-z0-9_.-])secrets\s*(?:\[\s*(?!''\s*\])[^\]]*\]|\.\s*\*)/gi)) out.push({ kind: 'computed', text: match[0] });
  return out;
}
