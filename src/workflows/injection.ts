/**
 * Template injection: `${{ }}` expansions inside code. GitHub substitutes expressions into a `run:`
 * script or an `actions/github-script` `script:` as plain text before the interpreter reads it, so
 * an expression whose value an attacker writes becomes code.
 */
import { isMap, isScalar, type Node } from 'yaml';
import { makeFinding, type Finding, type Severity } from '../findings.js';
import { attackerOrigin, classifyContext, DEFAULT_ENV_FOR_CONTEXT, type ContextScope, type ContextTrust } from './contexts.js';
import { dataflowContexts, findExpressions, hasExpression, normalizePath, soleContextPath, type ExpressionSpan } from './expressions.js';
import type { Pos, WorkflowFile } from './model.js';
import { inputTypesOf } from './triggers.js';
import { entries, get, items, jobsOf, posOf, str } from './walk.js';

export const TEMPLATE_INJECTION = 'template-injection';

/** A step together with what surrounds it (job, workflow), for env, matrix and shell lookups. */
export interface StepInContext {
  wf: WorkflowFile;
  /** Job id, '' for a composite action. */
  jobId: string;
  jobNode: Node | undefined;
  step: Node;
  index: number;
}

/** Every step of a workflow (all jobs) or of a composite action, with its job. */
export function stepsInContext(wf: WorkflowFile): StepInContext[] {
  if (wf.kind === 'action') {
    return items(get(get(wf.doc.contents, 'runs'), 'steps'))
      .filter((step) => isMap(step))
      .map((step, index) => ({ wf, jobId: '', jobNode: undefined, step, index }));
  }
  if (wf.kind !== 'workflow') return [];
  return jobsOf(wf).flatMap((job) =>
    items(get(job.node, 'steps'))
      .map((step, index) => ({ wf, jobId: job.id, jobNode: job.node, step, index }))
      .filter((s) => isMap(s.step)),
  );
}

/** True when the `uses:` is exactly `owner/repo@…` (no subpath) for the given repo. */
export function usesAction(uses: string | undefined, repo: string): boolean {
  if (!uses) return false;
  const value = uses.trim();
  const at = value.lastIndexOf('@');
  return at > 0 && value.slice(0, at).toLowerCase() === repo;
}

/** A stable name for a step within its job: its id, else its name, else its position. */
export function stepKey(s: StepInContext): string {
  return str(get(s.step, 'id')) ?? str(get(s.step, 'name')) ?? `#${s.index + 1}`;
}

type SinkKind = 'run' | 'github-script';

interface Sink {
  kind: SinkKind;
  node: Node;
  value: string;
}

function sinksOf(s: StepInContext): Sink[] {
  const sinks: Sink[] = [];
  const run = get(s.step, 'run');
  const runText = str(run);
  if (run && runText !== undefined) sinks.push({ kind: 'run', node: run, value: runText });
  if (usesAction(str(get(s.step, 'uses')), 'actions/github-script')) {
    const script = get(get(s.step, 'with'), 'script');
    const scriptText = str(script);
    if (script && scriptText !== undefined) sinks.push({ kind: 'github-script', node: script, value: scriptText });
  }
  return sinks;
}

/**
 * Where each expression of a scalar's value starts in the file. The k-th expression of the value is
 * the k-th expression of the scalar's source text whenever both have the same count (block, plain
 * and simply quoted scalars); otherwise (escapes that hide or fake a `${{`) the scalar's start.
 */
function expressionPositions(wf: WorkflowFile, node: Node, spans: ExpressionSpan[]): Pos[] {
  const range = (node as { range?: [number, number, number] }).range;
  if (range) {
    const raw = wf.text.slice(range[0], range[1]);
    const rawSpans = findExpressions(raw);
    if (rawSpans.length === spans.length) return rawSpans.map((span) => wf.posAt(range[0] + span.start));
  }
  const start = posOf(wf, node);
  return spans.map(() => start);
}

function envHolder(node: Node | undefined | null): Node | undefined {
  return get(node, 'env');
}

function buildScope(s: StepInContext, inputTypes: Map<string, string[]>): ContextScope {
  const envScopes = [envHolder(s.step), envHolder(s.jobNode), s.wf.kind === 'workflow' ? envHolder(s.wf.doc.contents as Node) : undefined];
  const matrix = get(get(s.jobNode, 'strategy'), 'matrix');
  return {
    inputTypes,
    envSource(name: string) {
      for (const env of envScopes) {
        if (!isMap(env)) continue;
        for (const [key, , value] of entries(env)) {
          if (key.toLowerCase() !== name) continue;
          // The nearest scope that sets the variable decides, as at run time.
          if (!isScalar(value)) return undefined;
          const text = String(value.value ?? '');
          if (!hasExpression(text)) return { kind: 'literal' as const };
          return { kind: 'expression' as const, contexts: findExpressions(text).flatMap((span) => dataflowContexts(span.body)) };
        }
      }
      return undefined;
    },
    isStaticMatrix(name: string | null): boolean {
      if (!isMap(matrix)) return false;
      if (name === null) return !containsExpression(matrix);
      for (const [key, , value] of entries(matrix)) {
        const lower = key.toLowerCase();
        if (lower === 'include') {
          if (!isStaticCollection(value)) return false;
        } else if (lower === name && !isStaticCollection(value)) return false;
      }
      return true;
    },
  };
}

/** A matrix axis (or `include`) is static when it is written out as a list with no expression anywhere. */
function isStaticCollection(node: Node | undefined): boolean {
  if (node === undefined) return true;
  if (isScalar(node)) return false; // `${{ fromJSON(…) }}` or a bare value GitHub would reject
  return !containsExpression(node);
}

function containsExpression(node: unknown, depth = 0): boolean {
  if (depth > 50) return true;
  if (isScalar(node)) return hasExpression(String(node.value ?? ''));
  if (isMap(node)) return entries(node).some(([key, , value]) => hasExpression(key) || containsExpression(value, depth + 1));
  const list = items(node);
  return list.some((item) => containsExpression(item, depth + 1));
}

function shellOf(s: StepInContext): string {
  const explicit =
    str(get(s.step, 'shell')) ??
    str(get(get(get(s.jobNode, 'defaults'), 'run'), 'shell')) ??
    (s.wf.kind === 'workflow' ? str(get(get(get(s.wf.doc.contents, 'defaults'), 'run'), 'shell')) : undefined);
  if (explicit) return explicit.trim().split(/\s+/)[0].toLowerCase();
  const runsOn = JSON.stringify(get(s.jobNode, 'runs-on')?.toJSON?.() ?? '');
  return /windows/i.test(runsOn) ? 'pwsh' : 'bash';
}

/** How a script reads an environment variable, by interpreter. */
function envReference(sink: SinkKind, shell: string, name: string): string {
  if (sink === 'github-script') return `process.env.${name}`;
  if (shell === 'pwsh' || shell === 'powershell') return `$env:${name}`;
  if (shell === 'cmd') return `%${name}%`;
  if (shell === 'python') return `os.environ["${name}"]`;
  return `"$${name}"`;
}

/** An environment variable name for a context path: `github.event.pull_request.title` → PR_TITLE. */
export function envNameFor(path: string): string {
  let segments = path.split('.').filter((segment) => segment !== '*');
  const root = segments[0]?.toLowerCase();
  if (root === 'github') {
    if (segments[1]?.toLowerCase() !== 'event') segments = ['gh', ...segments.slice(1)];
    else segments = segments.length > 2 ? segments.slice(2) : ['event'];
  } else if (root === 'inputs') segments = ['input', ...segments.slice(1)];
  else if (root === 'steps' || root === 'needs') segments = segments.filter((segment, i) => i !== 0 && !(i === 2 && segment.toLowerCase() === 'outputs'));
  else if (root === 'env') segments = segments.slice(1);
  segments = segments.map((segment) => (segment.toLowerCase() === 'pull_request' ? 'pr' : segment));
  let name = segments
    .join('_')
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  if (name === '') name = 'VALUE';
  if (/^[0-9]/.test(name)) name = `V_${name}`;
  if (/^(GITHUB|RUNNER)_/.test(name)) name = `X_${name}`; // the runner ignores step env that overrides these
  return name;
}

const TRUST_RANK: Record<ContextTrust, number> = { safe: 0, untrusted: 1, attacker: 2 };

function shorten(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The template-injection findings of one file (introduced is left true; see introduced.ts). */
export function templateInjectionFindings(wf: WorkflowFile): Finding[] {
  const findings: Finding[] = [];
  const inputTypes = wf.kind === 'workflow' ? inputTypesOf(wf) : new Map<string, string[]>();
  for (const s of stepsInContext(wf)) {
    const sinks = sinksOf(s);
    if (sinks.length === 0) continue;
    const scope = buildScope(s, inputTypes);
    for (const sink of sinks) {
      const spans = findExpressions(sink.value);
      if (spans.length === 0) continue;
      const positions = expressionPositions(wf, sink.node, spans);
      const seen = new Map<string, number>();
      spans.forEach((span, k) => {
        const body = span.body.trim();
        const graded = dataflowContexts(body).map((path) => ({ path, trust: classifyContext(path, scope) }));
        const flagged = graded.filter((g) => g.trust !== 'safe');
        if (flagged.length === 0) return;
        flagged.sort((a, b) => TRUST_RANK[b.trust] - TRUST_RANK[a.trust]);
        const worst = flagged[0];
        const severity: Severity = worst.trust === 'attacker' ? 'error' : 'warning';
        const occurrence = (seen.get(body) ?? 0) + 1;
        seen.set(body, occurrence);
        const shown = `\${{ ${shorten(body)} }}`;
        const where = sink.kind === 'run' ? 'this run script' : 'this github-script script';
        const language = sink.kind === 'run' ? 'shell code' : 'JavaScript';
        let message: string;
        if (worst.trust === 'attacker') {
          const origin = attackerOrigin(worst.path, scope);
          const source =
            origin && origin.path !== worst.path
              ? `${worst.path}, set from ${origin.path}, written by ${origin.who}`
              : `${worst.path}, written by ${origin?.who ?? 'outsiders'}`;
          message =
            `${shown} pastes attacker-controlled text (${source}) into ${where} before it runs; ` +
            `a crafted value executes as ${language} with this job's token and secrets.`;
        } else {
          message =
            `${shown} is pasted into ${where} before it runs, so any untrusted text in ${flagged.map((f) => f.path).join(', ')} ` +
            `would execute as ${language}; pass it through an environment variable instead.`;
        }
        findings.push(
          makeFinding({
            rule: TEMPLATE_INJECTION,
            severity,
            file: wf.file,
            line: positions[k].line,
            column: positions[k].column,
            message,
            fix: fixFor(s, sink, body, worst.path),
            subject: `${s.jobId}\0${stepKey(s)}\0${sink.kind}\0${body}\0${occurrence}`,
          }),
        );
      });
    }
  }
  return findings;
}

function fixFor(s: StepInContext, sink: Sink, body: string, worstPath: string): string {
  const shell = shellOf(s);
  const sole = soleContextPath(body);
  const expression = `\${{ ${body} }}`;
  const envMatch = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(body);
  if (envMatch) {
    // Variable names are case-sensitive in the process environment: use the case the env: key was written in.
    const name = str(findEnvKey(s, envMatch[1].toLowerCase())) ?? envMatch[1];
    return `Replace ${expression} with ${envReference(sink.kind, shell, name)}: the value is already in the step's environment.`;
  }
  const runnerVariable = sole ? DEFAULT_ENV_FOR_CONTEXT[normalizePath(sole)] : undefined;
  if (runnerVariable) {
    return `Replace ${expression} with ${envReference(sink.kind, shell, runnerVariable)}: the runner already sets that variable.`;
  }
  const name = envNameFor(sole ?? worstPath);
  const line = `${name}: ${expression}`;
  const add = get(s.step, 'env') !== undefined ? `Add the line ${line} under this step's env:` : `Add env: to this step with the line ${line}`;
  return `${add} and write ${envReference(sink.kind, shell, name)} in place of the expression.`;
}

/** The env key (as written, for its case) that an `env.<name>` context reads, if any scope sets it. */
function findEnvKey(s: StepInContext, lowerName: string): Node | undefined {
  for (const holder of [get(s.step, 'env'), get(s.jobNode, 'env'), s.wf.kind === 'workflow' ? get(s.wf.doc.contents, 'env') : undefined]) {
    for (const [key, keyNode] of entries(holder)) if (key.toLowerCase() === lowerName) return keyNode;
  }
  return undefined;
}
