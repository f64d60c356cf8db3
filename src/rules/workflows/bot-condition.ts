/**
 * A spoofable bot check in a `pull_request_target` workflow: `github.actor == 'dependabot[bot]'`.
 * `github.actor` is whoever caused the latest event, not who wrote the pull request, so an attacker
 * who gets the bot to act on their pull request (a rebase, a recreate, a comment) passes the check,
 * with the privileged token and secrets of `pull_request_target`. zizmor's bot-conditions audit:
 * High severity; High confidence when the check alone decides the condition (`a || bot`), Medium
 * when it is one term of an `&&`.
 */
import { childrenOf, exprText, parseExpression, type Expr } from '../../workflows/expressions.js';
import { conditionBody, conditionSites } from '../../workflows/expression-sites.js';
import { triggersOf } from '../../workflows/triggers.js';
import { defineRule } from '../define.js';
import { shorten, stepLabel, stepSubject } from './expression-wording.js';

/** Actor names a user can make equal a bot's by getting the bot to act (zizmor's list). */
const ACTOR_NAME_CONTEXTS = new Set(['github.actor', 'github.triggering_actor', 'github.event.pull_request.sender.login']);
const ACTOR_ID_CONTEXTS = new Set(['github.actor_id', 'github.event.pull_request.sender.id']);
/**
 * Bot ids with no `[bot]` suffix to recognise them by: dependabot[bot] (and its integration id, which
 * is often confused with it), dependabot-preview[bot], renovate[bot].
 */
const BOT_IDS = new Set(['29110', '49699333', '27856297', '29139614']);

export const rule = defineRule({
  meta: {
    id: 'bot-condition',
    defaultSeverity: 'error',
    summary: 'A `pull_request_target` job or step trusts `github.actor` to be a bot, which an attacker can arrange.',
    on: 'workflows',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      if (!triggersOf(wf).some((t) => t.name === 'pull_request_target')) continue;
      for (const site of conditionSites(wf)) {
        const body = conditionBody(site);
        const parsed = body === null ? null : parseExpression(body.trim());
        if (!parsed) continue;
        const checks = botChecks(parsed, true, true);
        if (checks.length === 0) continue;
        const dominating = checks.some((c) => c.dominating);
        const shown = checks.find((c) => c.dominating) ?? checks[0];
        const who = site.holder === 'job' ? `job ${shorten(site.jobId, 60)}` : stepLabel(site);
        const context = shown.context.path.join('.').toLowerCase();
        report({
          file: wf.file,
          line: site.pos.line,
          column: site.pos.column,
          message:
            `The if: of ${who} trusts ${shorten(exprText(shown.check), 120)} in a pull_request_target workflow; ${shown.contextText} names whoever caused the latest event, ` +
            `not who opened the pull request, so an attacker who gets the bot to act on their pull request (a rebase or recreate, for instance) passes the check ` +
            `and runs with this workflow's write token and secrets` +
            (dominating ? '.' : ' (the check is one term of the condition, so other terms may still stop it).'),
          fix:
            context.endsWith('.id') || context.endsWith('_id')
              ? 'Check who opened the pull request instead: github.event.pull_request.user.id (and, for Dependabot, run its automation on pull_request, where a fork gets no secrets).'
              : `Check who opened the pull request instead: github.event.pull_request.user.login == '${shorten(shown.bot, 60).replace(/'/g, "''")}' (and, for Dependabot, run its automation on pull_request, where a fork gets no secrets).`,
          subject: `${site.jobId}\0${site.holder === 'step' ? stepSubject(site) : ''}\0${exprText(shown.check)}`,
          level: dominating ? 'error' : 'warning',
          confidence: dominating ? 'high' : 'medium',
        });
      }
    }
  },
});

interface BotCheck {
  check: Expr;
  context: Extract<Expr, { kind: 'context' }>;
  contextText: string;
  /** The bot's name or id as written. */
  bot: string;
  /** The check alone makes the whole condition true. */
  dominating: boolean;
}

/**
 * Bot checks that grant: `actor == '<x>[bot]'` (or a bot id) under an even number of `!`, or
 * `actor != …` under an odd number. `dominating` follows zizmor: a check decides the condition when
 * it is reached through `||` only (through `&&` only, under a `!`, by De Morgan); under a function
 * call or a comparison it does not.
 */
function botChecks(expr: Expr, positive: boolean, dominating: boolean): BotCheck[] {
  switch (expr.kind) {
    case 'compare': {
      if (expr.op === '==' || expr.op === '!=') {
        const grants = (expr.op === '==') === positive;
        const check = grants ? botCheckOf(expr, expr.left, expr.right, dominating) : null;
        if (check) return [check];
        if (botCheckOf(expr, expr.left, expr.right, dominating)) return []; // a check that denies the bot
      }
      return [...botChecks(expr.left, true, false), ...botChecks(expr.right, true, false)];
    }
    case 'or':
    case 'and': {
      // `a || b` with positive polarity, or `!(a && b)` (= `!a || !b`), keeps each side deciding.
      const keeps = (expr.kind === 'or') === positive;
      return [...botChecks(expr.left, positive, dominating && keeps), ...botChecks(expr.right, positive, dominating && keeps)];
    }
    case 'not':
      return botChecks(expr.operand, !positive, dominating);
    default:
      return childrenOf(expr).flatMap((child) => botChecks(child, true, false));
  }
}

function botCheckOf(check: Expr, left: Expr, right: Expr, dominating: boolean): BotCheck | null {
  const pairs: [Expr, Expr][] = [
    [left, right],
    [right, left],
  ];
  for (const [context, literal] of pairs) {
    if (context.kind !== 'context' || literal.kind !== 'literal' || literal.value === null || typeof literal.value === 'boolean') continue;
    const path = context.path.join('.').toLowerCase();
    const value = String(literal.value);
    // GitHub compares strings case-insensitively, so `Dependabot[BOT]` is the same check.
    if ((ACTOR_NAME_CONTEXTS.has(path) && value.toLowerCase().endsWith('[bot]')) || (ACTOR_ID_CONTEXTS.has(path) && BOT_IDS.has(value.trim()))) {
      return { check, context, contextText: exprText(context), bot: value, dominating };
    }
  }
  return null;
}
