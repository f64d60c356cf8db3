/**
 * Where expressions are written in a workflow or action: every `${{ … }}` in every scalar value, with
 * its route from the document root and its position in the file, and every `if:` condition of a
 * job or step with the form GitHub reads it in (expressions.ts `conditionForm`). Facts for the
 * expression rules (overprovisioned-secrets, unredacted-secret, obfuscation, bot-condition,
 * unsound-contains, unsound-condition); a YAML comment is never an expression.
 */
import { isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { conditionForm, findExpressions, parseExpression, type ConditionForm, type Expr, type ExpressionSpan } from './expressions.js';
import type { Pos, WorkflowFile } from './model.js';
import { get, items, jobsOf, posOf, str } from './walk.js';

/** One `${{ … }}` written in a scalar value. */
export interface ExpressionSite {
  wf: WorkflowFile;
  /** The scalar that holds it. */
  node: Scalar;
  /** Keys and sequence indices from the document root to the scalar: `['jobs', 'build', 'steps', 2, 'run']`. */
  route: (string | number)[];
  /** Offsets inside the scalar's value. */
  span: ExpressionSpan;
  /** The text between the braces, trimmed. */
  body: string;
  /** The parsed body, or null when it is not valid syntax. */
  parsed: Expr | null;
  /** Where the `${{` is in the file (the scalar's start when escapes make that unknowable). */
  pos: Pos;
  /** Which occurrence of this body at this route it is (1 for the first), for stable subjects. */
  occurrence: number;
  /**
   * The route with each sequence item named by its `id:` or `name:` when it has one (`#3` otherwise),
   * so that a fingerprint survives steps being added above it.
   */
  stableRoute: string;
}

/** Nodes deeper than this are not walked (the parser already refuses absurd nesting). */
const MAX_DEPTH = 200;

const sitesCache = new WeakMap<WorkflowFile, ExpressionSite[]>();

/** Every `${{ }}` in the scalar values of a workflow or action file, in document order. Keys are not read: GitHub never evaluates them. */
export function expressionSites(wf: WorkflowFile): ExpressionSite[] {
  const cached = sitesCache.get(wf);
  if (cached) return cached;
  const sites: ExpressionSite[] = [];
  // An aliased node is shared; its text is written once, so its expressions are reported once.
  const seen = new Set<Node>();
  // The route is kept as a stack and copied only for a scalar that holds an expression (most hold
  // none); a sequence item's label (its id or name) is looked up only then, once per item.
  const route: (string | number)[] = [];
  const seqItems: (Node | undefined)[] = [];
  const labels = new Map<Node, string>();
  const stableRouteNow = (): string => {
    let out = '';
    route.forEach((segment, d) => {
      if (typeof segment === 'string') {
        out += `.${segment}`;
        return;
      }
      const item = seqItems[d] as Node;
      let label = labels.get(item);
      if (label === undefined) {
        label = itemLabel(item, segment);
        labels.set(item, label);
      }
      out += `[${label}]`;
    });
    return out;
  };
  const visit = (node: unknown, depth: number): void => {
    if (depth > MAX_DEPTH || node === null || node === undefined) return;
    if (isScalar(node)) {
      if (typeof node.value !== 'string' || !node.value.includes('${{') || seen.has(node)) return;
      seen.add(node);
      const spans = findExpressions(node.value);
      const positions = expressionPositions(wf, node, spans);
      const counts = new Map<string, number>();
      const at = [...route];
      const stableRoute = stableRouteNow();
      spans.forEach((span, k) => {
        const body = span.body.trim();
        const occurrence = (counts.get(body) ?? 0) + 1;
        counts.set(body, occurrence);
        sites.push({ wf, node, route: at, span, body, parsed: parseExpression(body), pos: positions[k], occurrence, stableRoute });
      });
      return;
    }
    if (seen.has(node as Node)) return;
    seen.add(node as Node);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        route.push(String(pair.key.value));
        seqItems.push(undefined);
        visit(pair.value ?? undefined, depth + 1);
        route.pop();
        seqItems.pop();
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        route.push(i);
        seqItems.push(item as Node);
        visit(item, depth + 1);
        route.pop();
        seqItems.pop();
      });
    }
  };
  visit(wf.doc.contents, 0);
  sitesCache.set(wf, sites);
  return sites;
}

function itemLabel(item: Node, index: number): string {
  const label = str(get(item, 'id')) ?? str(get(item, 'name'));
  return label !== undefined ? JSON.stringify(label) : `#${index + 1}`;
}

/**
 * Where each expression of a scalar's value starts in the file. The k-th expression of the value is
 * the k-th expression of the scalar's source text whenever both have the same count (block, plain
 * and simply quoted scalars); otherwise (escapes that hide or fake a `${{`) the scalar's start.
 */
export function expressionPositions(wf: WorkflowFile, node: Node, spans: ExpressionSpan[]): Pos[] {
  const range = (node as { range?: [number, number, number] }).range;
  if (range) {
    const rawSpans = findExpressions(wf.text.slice(range[0], range[1]));
    if (rawSpans.length === spans.length) return rawSpans.map((span) => wf.posAt(range[0] + span.start));
  }
  const start = posOf(wf, node);
  return spans.map(() => start);
}

/** One `if:` of a job or a step. */
export interface ConditionSite {
  wf: WorkflowFile;
  /** A job's own `if:`, or a step's. */
  holder: 'job' | 'step';
  /** The job id ('' in an action). */
  jobId: string;
  /** The job is a reusable-workflow call (`jobs.<id>.uses`). */
  reusableJob: boolean;
  /** The step's index in its job or action (steps only). */
  stepIndex?: number;
  /** The step node (steps only), for its name. */
  step?: Node;
  /** The `if:` value node. */
  node: Scalar;
  /** The value as GitHub receives it (after YAML: a `|` block keeps its final newline). */
  value: string;
  /** How GitHub reads it. */
  form: ConditionForm;
  /** The YAML style of the value (`BLOCK_LITERAL` for `|`, `BLOCK_FOLDED` for `>`, `PLAIN`, …). */
  style: string | undefined;
  pos: Pos;
}

const conditionsCache = new WeakMap<WorkflowFile, ConditionSite[]>();

/** Every scalar `if:` of a workflow's jobs and steps, or of a composite action's steps, in document order. */
export function conditionSites(wf: WorkflowFile): ConditionSite[] {
  const cached = conditionsCache.get(wf);
  if (cached) return cached;
  const out: ConditionSite[] = [];
  const add = (holder: Node | undefined, base: Omit<ConditionSite, 'node' | 'value' | 'form' | 'style' | 'pos' | 'wf'>): void => {
    const node = get(holder, 'if');
    if (!isScalar(node) || node.value === null || node.value === undefined || typeof node.value === 'object') return;
    const value = String(node.value);
    out.push({ wf, ...base, node, value, form: conditionForm(value), style: node.type, pos: posOf(wf, node) });
  };
  if (wf.kind === 'workflow') {
    for (const job of jobsOf(wf)) {
      const reusableJob = get(job.node, 'uses') !== undefined;
      add(job.node, { holder: 'job', jobId: job.id, reusableJob });
      items(get(job.node, 'steps')).forEach((step, index) => {
        if (isMap(step)) add(step, { holder: 'step', jobId: job.id, reusableJob, stepIndex: index, step });
      });
    }
  } else if (wf.kind === 'action') {
    items(get(get(wf.doc.contents, 'runs'), 'steps')).forEach((step, index) => {
      if (isMap(step)) add(step, { holder: 'step', jobId: '', reusableJob: false, stepIndex: index, step });
    });
  }
  conditionsCache.set(wf, out);
  return out;
}

/** The expression an `if:` evaluates: the bare text or the one fenced body; null for a string template. */
export function conditionBody(site: ConditionSite): string | null {
  return site.form.form === 'template' ? null : site.form.body;
}

/** A route written the way a reader finds it in the file: `jobs.build.steps[2].env.TOKEN` (odd keys quoted and cut short). */
export function routeText(route: (string | number)[]): string {
  return route
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      if (/^[A-Za-z0-9_-]{1,80}$/.test(part)) return i === 0 ? part : `.${part}`;
      return `[${JSON.stringify(part.length > 60 ? `${part.slice(0, 59)}…` : part)}]`;
    })
    .join('');
}
