/**
 * An `if:` that is always true because it is a string template, not an expression: `if: |` with a
 * `${{ … }}` keeps the block's final newline, and any text outside the braces (`${{ a }} && ${{ b }}`)
 * makes the value a non-empty string. zizmor's unsound-condition audit (High / High) for the
 * trailing-newline form; the other text outside the braces is the same mistake, caught the same way.
 */
import { exprText, parseExpression } from '../../workflows/expressions.js';
import { conditionSites, type ConditionSite } from '../../workflows/expression-sites.js';
import { shorten, stepLabel, stepSubject } from './expression-wording.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'unsound-condition',
    defaultSeverity: 'error',
    summary: 'An `if:` is always true: text or a newline outside its `${{ }}` makes it a non-empty string.',
    on: 'workflows',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      for (const site of conditionSites(wf)) {
        if (site.form.form !== 'template') continue;
        const spans = site.form.spans;
        const outside = outsideText(site.value, spans);
        const who = site.holder === 'job' ? `job ${shorten(site.jobId, 60)}` : stepLabel(site);
        const trailingOnly = spans.length === 1 && outside.trim() === '';
        const block = site.style === 'BLOCK_LITERAL' ? '|' : site.style === 'BLOCK_FOLDED' ? '>' : undefined;
        const why = trailingOnly
          ? block
            ? `the if: ${block} block keeps its final newline, so GitHub reads "\${{ … }}\\n" as a string template whose value (the result followed by a newline) is never empty`
            : 'the whitespace around ${{ … }} makes GitHub read it as a string template whose value is never empty'
          : `the text outside the \${{ }} (${JSON.stringify(shorten(outside, 60))}) makes GitHub read the whole value as a string template whose value is never empty`;
        report({
          file: wf.file,
          line: site.pos.line,
          column: site.pos.column,
          message: `The if: of ${who} is always true: ${why}, and a non-empty string is true. The ${site.holder} runs whatever the condition says.`,
          fix: fixFor(site, trailingOnly, block),
          subject: `${site.jobId}\0${site.holder === 'step' ? stepSubject(site) : ''}\0${site.value}`,
        });
      }
    }
  },
});

function outsideText(value: string, spans: { start: number; end: number }[]): string {
  let out = '';
  let from = 0;
  for (const span of spans) {
    out += value.slice(from, span.start);
    from = span.end;
  }
  return out + value.slice(from);
}

function fixFor(site: ConditionSite, trailingOnly: boolean, block: string | undefined): string {
  if (trailingOnly && block) return `Write if: ${block}- (which drops the final newline), or put the condition on the if: line itself without \${{ }}.`;
  if (site.form.form !== 'template') return '';
  // When the pieces are expressions joined by operators, the one expression they meant is their concatenation.
  const joined = joinedCondition(site.value, site.form.spans);
  if (joined) return `Write the whole condition as one expression, without \${{ }}:\nif: ${joined}`;
  return 'Write the whole condition as one expression, inside a single ${{ }} or (better) without ${{ }} at all.';
}

/**
 * `${{ a }} && ${{ b }}` → `a && b`: only when the text between the pieces is operators and
 * parentheses (other text is a message, not a condition) and the result parses.
 */
function joinedCondition(value: string, spans: { start: number; end: number; body: string }[]): string | undefined {
  if (!/^[\s()!&|=<>]*$/.test(outsideText(value, spans))) return undefined;
  let text = '';
  let from = 0;
  for (const span of spans) {
    text += `${value.slice(from, span.start)}(${span.body.trim()})`;
    from = span.end;
  }
  text += value.slice(from);
  const parsed = parseExpression(text.trim());
  if (!parsed) return undefined;
  const written = exprText(parsed);
  return written.length <= 300 && !written.includes('\n') ? written : undefined;
}
