/**
 * `contains('refs/heads/main refs/heads/develop', github.ref)`: `contains()` on a string is a
 * substring test, so any value that is a piece of the literal passes (a branch named `m`, or
 * `main refs`). zizmor's unsound-contains audit: the `if:` of jobs and steps, High / High
 * when the context is one a user can shape (refs, actors, `env`, `inputs`), Informational otherwise;
 * composite actions' step conditions too.
 */
import { childrenOf, exprText, findExpressions, parseExpression, type Expr } from '../../workflows/expressions.js';
import { conditionSites } from '../../workflows/expression-sites.js';
import { defineRule } from '../define.js';
import { shorten, stepLabel, stepSubject } from './expression-wording.js';

/** Contexts whose value a user shapes by what they push, name or pass (zizmor's list): refs and actors. */
const USER_SHAPED_GITHUB = ['github.actor', 'github.base_ref', 'github.head_ref', 'github.ref', 'github.ref_name', 'github.sha', 'github.triggering_actor'];
/** Values the workflow itself may fix, or a caller passes: user-shaped only sometimes. */
const MAYBE_USER_SHAPED = ['env', 'inputs'];

export const rule = defineRule({
  meta: {
    id: 'unsound-contains',
    defaultSeverity: 'error',
    summary: '`contains()` tests a context against a string literal: any substring of the literal passes.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      for (const site of conditionSites(wf)) {
        if (site.reusableJob && site.holder === 'job') continue; // zizmor reads the conditions of jobs with steps
        const bodies = site.form.form === 'template' ? site.form.spans.map((span) => span.body) : [site.form.body];
        const hits = bodies.flatMap((body) => {
          const parsed = parseExpression(body.trim());
          return parsed ? unsoundContains(parsed) : [];
        });
        const who = site.holder === 'job' ? `job ${shorten(site.jobId, 60)}` : stepLabel(site);
        hits.forEach((hit, k) => {
          const path = hit.context.path.join('.').toLowerCase();
          const shaped = USER_SHAPED_GITHUB.some((p) => childOf(path, p));
          const maybe = !shaped && MAYBE_USER_SHAPED.some((p) => childOf(path, p));
          const context = shorten(exprText(hit.context), 80);
          const call = shorten(exprText(hit.call), 160);
          // Under a `!` a look-alike value does not run the job but skips it, which is still a way
          // past a check (a skipped required job counts as passing): same level, its own wording.
          const effect = hit.negated ? `skip ${who}` : 'make it pass';
          const consequence = shaped
            ? `whoever can choose ${context} (by naming a branch or tag, or acting as another user) can ${effect} with a piece of that text`
            : maybe
              ? `if ${context} can be set by a caller or an earlier step, a piece of that text can ${effect}`
              : `it happens to hold for ${context} today, but it is not the list membership test it looks like`;
          const matches = hit.negated ? 'counts as listed' : 'passes';
          report({
            file: wf.file,
            line: site.pos.line,
            column: site.pos.column,
            message:
              `The if: of ${who} tests ${call}: contains() on a string is a substring test, so any value that is part of ${shorten(exprText(hit.haystack), 80)} ${matches}, ` +
              `not only the whole entries; ${hit.negated ? 'the test is negated, so ' : ''}${consequence}.`,
            fix: fixFor(hit),
            subject: `${site.jobId}\0${site.holder === 'step' ? stepSubject(site) : ''}\0${exprText(hit.call)}\0${k}`,
            // zizmor: High when a user shapes the context, Informational otherwise; env and inputs are only sometimes user-set.
            level: shaped ? 'error' : maybe ? 'warning' : 'notice',
          });
        });
      }
    }
  },
});

interface UnsoundContains {
  call: Expr;
  haystack: Expr;
  context: Extract<Expr, { kind: 'context' }>;
  /** The call's truth makes the whole condition false: it sits under an odd number of `!`, reached through `&&` and `||` only. */
  negated: boolean;
}

type Polarity = 'positive' | 'negated' | 'unknown';
const FLIPPED: Readonly<Record<Polarity, Polarity>> = { positive: 'negated', negated: 'positive', unknown: 'unknown' };

/** Every `contains(<string literal>, <context>)` in the expression. */
function unsoundContains(expr: Expr, polarity: Polarity = 'positive'): UnsoundContains[] {
  if (expr.kind === 'call' && expr.name === 'contains' && expr.args.length === 2) {
    const [haystack, needle] = expr.args;
    if (haystack.kind === 'literal' && typeof haystack.value === 'string' && needle.kind === 'context') {
      return [{ call: expr, haystack, context: needle, negated: polarity === 'negated' }];
    }
  }
  // `&&` and `||` keep the polarity, `!` flips it; inside a comparison or a call it is unknown.
  const inner: Polarity = expr.kind === 'not' ? FLIPPED[polarity] : expr.kind === 'and' || expr.kind === 'or' ? polarity : 'unknown';
  return childrenOf(expr).flatMap((child) => unsoundContains(child, inner));
}

/** `github.ref` is a child of `github.ref` and of `github`; `github.refs` is not. */
function childOf(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`);
}

/** The membership test meant: the literal split on spaces, commas and bars into a fromJSON array. */
function fixFor(hit: UnsoundContains): string {
  const text = hit.haystack.kind === 'literal' ? String(hit.haystack.value) : '';
  const entries = text.split(/[\s,|;]+/).filter((entry) => entry !== '');
  const context = exprText(hit.context);
  if (entries.length === 0 || entries.length > 20 || text.length > 400 || findExpressions(text).length > 0) {
    return `Compare whole values: ${context} == '<value>' || ${context} == '<other>', or contains(fromJSON('["<value>", "<other>"]'), ${context}).`;
  }
  const json = JSON.stringify(entries).replace(/'/g, "''");
  return `Test membership in a list instead: contains(fromJSON('${json}'), ${context}) (or compare whole values with ==).`;
}
