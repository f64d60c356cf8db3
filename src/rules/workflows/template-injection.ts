/**
 * Template injection: `${{ }}` expansions inside code. GitHub substitutes expressions into a `run:`
 * script, an `actions/github-script` `script:` or another action input that is code (sinks.ts) as
 * plain text before the interpreter reads it, so an expression whose value an attacker writes
 * becomes code. Attacker-controlled text is an error; text that is only not known to be safe is a
 * warning. Workflow jobs and composite actions' `runs.steps` alike.
 */
import type { Node } from 'yaml';
import type { Confidence } from '../../findings.js';
import { attackerOrigin, classifyContext, DEFAULT_ENV_FOR_CONTEXT, type ContextScope, type ContextTrust } from '../../workflows/contexts.js';
import { dataflowContexts, findExpressions, normalizePath, soleContextPath, type ExpressionSpan } from '../../workflows/expressions.js';
import type { Pos, WorkflowFile } from '../../workflows/model.js';
import { envKeyOf, stepContextScope, stepKey, stepsInContext, type StepInContext } from '../../workflows/steps.js';
import { inputTypesOf } from '../../workflows/triggers.js';
import { actionSinkOf } from '../../workflows/sinks.js';
import { entries, get, posOf, str } from '../../workflows/walk.js';
import { defineRule } from '../define.js';

export const rule = defineRule({
  meta: {
    id: 'template-injection',
    defaultSeverity: 'error',
    summary: 'A `${{ }}` expansion of attacker-controlled text lands in a script.',
    on: 'workflows',
  },
  check(ctx, report) {
    for (const wf of ctx.workflows) {
      const inputTypes = wf.kind === 'workflow' ? inputTypesOf(wf) : new Map<string, string[]>();
      for (const s of stepsInContext(wf)) {
        const sinks = sinksOf(s);
        if (sinks.length === 0) continue;
        const scope = stepContextScope(s, inputTypes);
        for (const sink of sinks) {
          const spans = findExpressions(sink.value);
          if (spans.length === 0) continue;
          const positions = expressionPositions(wf, sink.node, spans);
          const seen = new Map<string, number>();
          const whereOf = (): string =>
            sink.kind === 'run' ? 'this run script' : sink.kind === 'github-script' ? 'this github-script script' : `the ${sink.input} input of ${sink.action}`;
          const subjectOf = (body: string, occurrence: number): string =>
            `${s.jobId}\0${stepKey(s)}\0${sink.kind === 'action-input' ? `with.${sink.input}` : sink.kind}\0${body}\0${occurrence}`;
          let k = 0;
          const codeSmell = (body: string): void => {
            const occurrence = (seen.get(body) ?? 0) + 1;
            seen.set(body, occurrence);
            report({
              file: wf.file,
              line: positions[k].line,
              column: positions[k].column,
              message:
                `\${{ ${shorten(body)} }} is pasted into ${whereOf()} before it runs. Nothing in it is untrusted today, ` +
                'but text expanded into code becomes an injection as soon as the value can carry outside text; an environment variable never does.',
              fix: fixFor(s, sink, body, dataflowContexts(body)[0] ?? body),
              // Its own subject: when the value later becomes untrusted, that finding is new, not this one.
              subject: `smell\0${subjectOf(body, occurrence)}`,
              level: 'notice',
              persona: 'pedantic',
            });
          };
          spans.forEach((span, index) => {
            k = index;
            const body = span.body.trim();
            const graded = dataflowContexts(body).map((path) => ({ path, trust: classifyContext(path, scope) }));
            const flagged = graded.filter((g) => g.trust !== 'safe');
            if (flagged.length === 0) {
              // zizmor's "code smell": every value is safe today (a secret, a literal env, a typed
              // input), but an expansion in code turns into an injection when the value changes.
              // zizmor never flags secrets and job or step results, not even as a smell.
              if (graded.some((g) => !NEVER_A_SMELL.test(g.path))) codeSmell(body);
              return;
            }
            flagged.sort((a, b) => TRUST_RANK[b.trust] - TRUST_RANK[a.trust]);
            const worst = flagged[0];
            const occurrence = (seen.get(body) ?? 0) + 1;
            seen.set(body, occurrence);
            const shown = `\${{ ${shorten(body)} }}`;
            const where = whereOf();
            const language = sink.kind === 'run' ? 'shell code' : sink.kind === 'github-script' ? 'JavaScript' : sink.language;
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
            report({
              file: wf.file,
              line: positions[k].line,
              column: positions[k].column,
              message,
              fix: fixFor(s, sink, body, worst.path),
              subject: subjectOf(body, occurrence),
              // Text outsiders write is the error; text only not known to be safe, a warning.
              level: worst.trust === 'attacker' ? 'error' : 'warning',
              confidence: worst.trust === 'attacker' ? 'high' : maxConfidence(flagged.map((f) => untrustedConfidence(f.path, scope))),
            });
          });
        }
      }
    }
  },
});

type SinkKind = 'run' | 'github-script' | 'action-input';

/**
 * Where a step's text becomes code: its `run:` script, an `actions/github-script` `script:`, or
 * another action input that is code (sinks.ts: `mikefarah/yq` `cmd:`, `azure/cli` `inlineScript:` …).
 */
interface Sink {
  kind: SinkKind;
  node: Node;
  value: string;
  /** For an action input: the input as written, the action as written, what its text becomes. */
  input?: string;
  action?: string;
  language?: string;
}

function sinksOf(s: StepInContext): Sink[] {
  const sinks: Sink[] = [];
  const run = get(s.step, 'run');
  const runText = str(run);
  if (run && runText !== undefined) sinks.push({ kind: 'run', node: run, value: runText });
  const uses = str(get(s.step, 'uses'));
  const actionSink = actionSinkOf(uses);
  if (!actionSink) return sinks;
  const action = (uses ?? '').trim().replace(/@.*$/, '');
  for (const [key, , value] of entries(get(s.step, 'with'))) {
    const input = key.toLowerCase();
    if (!actionSink.inputs.includes(input)) continue;
    const text = str(value);
    if (!value || text === undefined) continue;
    if (actionSink.action === 'actions/github-script' && input === 'script') sinks.push({ kind: 'github-script', node: value, value: text });
    else sinks.push({ kind: 'action-input', node: value, value: text, input: key, action, language: actionSink.language });
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

/** The interpreter of a step's script, for the fix text: its shell, else pwsh on Windows runners, else bash. */
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

/** Contexts zizmor never flags in code: a secret (a leak, not an injection), a job's result, a step's outcome. */
const NEVER_A_SMELL = /^(secrets(\.|$)|github\.token$|needs\.[^.]+\.result$|steps\.[^.]+\.(outcome|conclusion)$)/i;

const CONFIDENCE_RANK: Record<Confidence, number> = { low: 1, medium: 2, high: 3 };

function maxConfidence(levels: Confidence[]): Confidence {
  return levels.reduce<Confidence>((best, level) => (CONFIDENCE_RANK[level] > CONFIDENCE_RANK[best] ? level : best), 'low');
}

/**
 * How likely an untrusted (not attacker-controlled) context is to carry injectable text, after
 * zizmor's grading: other `github.*` fields (its "structured" ones, and event fields not known to
 * be safe) medium; a matrix that is not all literals medium; an `env.X` what the expression that
 * set it carries, low when it is set at run time; inputs of unknown type, step and job outputs and
 * anything else low.
 */
function untrustedConfidence(path: string, scope: ContextScope, hops = 0): Confidence {
  const [root, name, third] = path.toLowerCase().split('.');
  // An input of a type not known to be safe, through either spelling: zizmor's Low / Low.
  if (root === 'github' && name === 'event' && third === 'inputs') return 'low';
  if (root === 'github' || root === 'matrix') return 'medium';
  if (root === 'env' && name && name !== '*' && hops < 4) {
    const source = scope.envSource(name);
    if (source?.kind !== 'expression') return 'low';
    const flagged = source.contexts.filter((context) => classifyContext(context, scope) !== 'safe');
    return maxConfidence(flagged.map((context) => (classifyContext(context, scope) === 'attacker' ? 'high' : untrustedConfidence(context, scope, hops + 1))));
  }
  return 'low';
}

function shorten(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function fixFor(s: StepInContext, sink: Sink, body: string, worstPath: string): string {
  if (sink.kind === 'action-input') {
    // What such an action can read instead differs per action: say what to stop doing and the usual way out.
    return (
      `Do not write \${{ ${body} }} into the ${sink.input} input: ${sink.action} runs that text as code. ` +
      'Pass the value as data instead: set it in env: on this step and read the variable from the code, or have an earlier step write it to a file the code reads.'
    );
  }
  const shell = shellOf(s);
  const sole = soleContextPath(body);
  const expression = `\${{ ${body} }}`;
  const envMatch = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(body);
  if (envMatch) {
    // Variable names are case-sensitive in the process environment: use the case the env: key was written in.
    const name = str(envKeyOf(s, envMatch[1].toLowerCase())) ?? envMatch[1];
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
