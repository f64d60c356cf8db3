/**
 * Workflow text written so that it reads as something other than what runs: a `uses:` path with
 * empty, `.` or `..` components (`actions/checkout/./@v4`, which pattern matching and review miss),
 * an expression whose value is fixed by its text (`${{ format('{0}', 'x') }}`, `'a' == 'a'`), a
 * computed index (`secrets[format(…)]`, pedantic), a `fromJSON(toJSON(x))` round trip (named in zizmor's
 * documentation), and a step whose whole `with:` is one expression.
 * zizmor's obfuscation audit: Low / High, computed indices pedantic, `with: ${{ }}` Informational.
 */
import { isScalar } from 'yaml';
import {
  computedIndices,
  constantReducibleParts,
  jsonRoundTrips,
  evaluateConstant,
  exprText,
  isConstantReducible,
  parseExpression,
  type ConstantValue,
  type Expr,
} from '../../workflows/expressions.js';
import { conditionSites, expressionSites, routeText } from '../../workflows/expression-sites.js';
import type { WorkflowFile } from '../../workflows/model.js';
import { usesSites } from '../../workflows/uses.js';
import { get, posOf } from '../../workflows/walk.js';
import { defineRule } from '../define.js';
import type { Report } from '../define.js';
import { shorten, stepLabel, stepSubject } from './expression-wording.js';

export const rule = defineRule({
  meta: {
    id: 'obfuscation',
    defaultSeverity: 'notice',
    summary: 'A `uses:` path or an expression is written so that it reads as something other than what runs.',
    on: 'workflows',
    scope: 'file',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      checkUses(wf, report);
      checkExpressions(wf, report);
      checkConditions(wf, report);
      checkWithExpressions(wf, report);
    }
  },
});

function checkUses(wf: WorkflowFile, report: Report): void {
  for (const site of usesSites(wf)) {
    if (site.uses.kind !== 'repository') continue;
    const text = site.value.trim();
    const target = text.slice(0, text.lastIndexOf('@'));
    const components = target.split('/').slice(2);
    if (components.length === 0) continue;
    const odd = [...new Set(components.filter((c) => c === '' || c === '.' || c === '..'))];
    if (odd.length === 0) continue;
    const normal = normalizedUses(site.uses.owner, site.uses.repo, components, site.uses.ref);
    const what = odd.map((c) => (c === '' ? 'an empty component (//, or / before @)' : `a '${c}' component`)).join(' and ');
    report({
      file: wf.file,
      line: site.pos.line,
      column: site.pos.column,
      message:
        `uses: ${shorten(text, 160)} has ${what} in its path; GitHub resolves it, but reviewers, allow-lists and pinning checks that match action names ` +
        'see a different action from the one that runs.',
      fix: normal ? `Write the plain path: uses: ${normal}` : 'Write the path of the action plainly, without empty, . or .. components.',
      subject: `uses\0${site.job}\0${site.value}`,
    });
  }
}

/** zizmor's normalisation: drop empty and `.` components, let `..` remove the one before; none when `..` climbs out of the repository. */
function normalizedUses(owner: string, repo: string, components: string[], ref: string): string | undefined {
  const kept: string[] = [];
  for (const component of components) {
    if (component === '' || component === '.') continue;
    if (component === '..') {
      if (kept.length === 0) return undefined;
      kept.pop();
    } else kept.push(component);
  }
  return [owner, repo, ...kept].join('/') + `@${ref}`;
}

/**
 * How a finding names its expression: built only for an expression that is reported (a route's text
 * and the subject cost more than the checks themselves, over the thousands of expressions that are fine).
 */
type Naming = () => { shown: string; where: string; subject: string };

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

function checkExpressions(wf: WorkflowFile, report: Report): void {
  for (const site of expressionSites(wf)) {
    const parsed = site.parsed;
    if (!parsed) continue;
    const naming: Naming = once(() => ({
      where: routeText(site.route),
      shown: `\${{ ${shorten(site.body, 120)} }}`,
      subject: `${site.stableRoute}\0${site.body}\0${site.occurrence}`,
    }));
    const constant = isConstantReducible(parsed);
    // `${{ '${{' }}` is GitHub's documented way to write a literal `${{`: the escape, not an obfuscation.
    const braceEscape = parsed.kind === 'literal' && typeof parsed.value === 'string' && parsed.value.includes('${{');
    if (constant && !braceEscape) {
      const value = evaluateConstant(parsed);
      const { shown, where, subject } = naming();
      report({
        file: wf.file,
        line: site.pos.line,
        column: site.pos.column,
        message: `${shown} in ${where} always evaluates to ${valueText(value)}: an expression whose value is fixed by its text only hides what the workflow does.`,
        fix: value === undefined ? 'Replace the expression with the value it evaluates to.' : `Replace ${shown} with ${shorten(inlineValue(value), 120)}.`,
        subject: `${subject}\0constant`,
      });
    } else if (!constant) {
      reportParts(wf, report, parsed, site.pos, naming);
    }
    reportRoundTrips(wf, report, parsed, site.pos, naming);
    reportComputed(wf, report, parsed, site.pos, naming);
  }
}

/** `fromJSON(toJSON(x))`, the no-op zizmor's documentation names (its code does not look for it yet). */
function reportRoundTrips(wf: WorkflowFile, report: Report, parsed: Expr, pos: { line: number; column: number }, naming: Naming): void {
  const trips = jsonRoundTrips(parsed);
  if (trips.length === 0) return;
  const { shown, where, subject } = naming();
  const first = trips[0];
  const inner = first.args[0].kind === 'call' ? first.args[0].args[0] : first.args[0];
  report({
    file: wf.file,
    line: pos.line,
    column: pos.column,
    message: `${shown} in ${where} converts a value to JSON and straight back (${shorten(exprText(first), 80)}): the round trip does nothing but hide what is read.`,
    fix: `Write ${shorten(exprText(inner), 80)} in place of ${shorten(exprText(first), 80)}.`,
    subject: `${subject}\0round-trip`,
  });
}

/** Bare `if:` conditions are expressions too; a literal one (`if: false`) is already its own value. */
function checkConditions(wf: WorkflowFile, report: Report): void {
  for (const site of conditionSites(wf)) {
    if (site.form.form !== 'bare') continue;
    const parsed = parseExpression(site.value.trim());
    if (!parsed) continue;
    const naming: Naming = once(() => ({
      shown: shorten(site.value, 120),
      where: `the if: of ${site.holder === 'job' ? `job ${shorten(site.jobId, 60)}` : stepLabel(site)}`,
      subject: `if\0${site.jobId}\0${site.holder === 'step' ? stepSubject(site) : ''}\0${site.value}`,
    }));
    reportParts(wf, report, parsed, site.pos, naming);
    reportRoundTrips(wf, report, parsed, site.pos, naming);
    reportComputed(wf, report, parsed, site.pos, naming);
  }
}

function reportParts(wf: WorkflowFile, report: Report, parsed: Expr, pos: { line: number; column: number }, naming: Naming): void {
  const parts = constantReducibleParts(parsed);
  if (parts.length === 0) return;
  const { shown, where, subject } = naming();
  const described = parts.slice(0, 3).map((part) => {
    const value = evaluateConstant(part);
    return `${shorten(exprText(part), 80)} (always ${valueText(value)})`;
  });
  const more = parts.length > 3 ? ` and ${parts.length - 3} more` : '';
  report({
    file: wf.file,
    line: pos.line,
    column: pos.column,
    message: `${shown} in ${where} contains ${described.join(', ')}${more}: parts whose value is fixed by their text only hide what the condition or value really is.`,
    fix: 'Replace each fixed part with its value (and simplify what is left).',
    subject: `${subject}\0parts`,
  });
}

function reportComputed(wf: WorkflowFile, report: Report, parsed: Expr, pos: { line: number; column: number }, naming: Naming): void {
  const computed = computedIndices(parsed);
  if (computed.length === 0) return;
  const { shown, where, subject } = naming();
  report({
    file: wf.file,
    line: pos.line,
    column: pos.column,
    message:
      `${shown} in ${where} indexes by a computed value (${shorten(exprText(computed[0].index), 80)}${computed.length > 1 ? ` and ${computed.length - 1} more` : ''}): ` +
      'what it reads is only known at run time, so neither a reviewer nor a checker can tell which context or secret it reaches.',
    fix: 'Name what is read literally (`secrets.PROD_TOKEN`, `needs.build.result`), for example with one step or matrix entry per case.',
    subject: `${subject}\0computed-index`,
    persona: 'pedantic',
  });
}

function checkWithExpressions(wf: WorkflowFile, report: Report): void {
  for (const site of usesSites(wf)) {
    if (site.where !== 'step' || !site.step) continue;
    const withNode = get(site.step, 'with');
    if (!isScalar(withNode) || typeof withNode.value !== 'string' || !withNode.value.includes('${{')) continue;
    const pos = posOf(wf, withNode);
    const label = stepLabel({ jobId: site.job, step: site.step, stepIndex: site.stepIndex });
    report({
      file: wf.file,
      line: pos.line,
      column: pos.column,
      message: `The with: of ${label} is one expression (${shorten(withNode.value, 80)}), so which inputs ${shorten(site.value.trim(), 80)} gets is only known at run time and cannot be reviewed or checked.`,
      fix: 'Write the inputs out as a with: map, one expression per input where a value must be computed.',
      subject: `with\0${site.job}\0${stepSubject({ step: site.step, stepIndex: site.stepIndex })}`,
    });
  }
}

function valueText(value: ConstantValue | undefined): string {
  if (value === undefined) return 'the same value';
  if (typeof value === 'string') return JSON.stringify(shorten(value, 80));
  return String(value);
}

/** How the value is written in place of the whole `${{ }}`. */
function inlineValue(value: ConstantValue): string {
  if (value === null) return "'' (nothing)";
  return typeof value === 'string' ? (value === '' ? "''" : value) : String(value);
}
