/**
 * The rule shape of ESLint and zizmor: a rule states its id and default severity once, in `meta`,
 * and its `check(ctx, report)` calls `report()` for each problem; `report()` fills in the rule id and
 * the default severity. Another level must be asked for explicitly (`level: 'notice'`).
 *
 *   export const rule = defineRule({
 *     meta: { id: 'secrets-inherit', defaultSeverity: 'warning', summary: '…', on: 'workflows' },
 *     check(ctx, report) {
 *       for (const wf of ctx.workflows) … report({ file: wf.file, line, column, message, fix, subject });
 *     },
 *   });
 *
 * With `on: 'workflows'` the framework runs `check` once on the head workflows and once on the base
 * workflows (each time as `ctx.workflows`, with `ctx.baseWorkflows` null), and sets `introduced` on
 * the head findings by fingerprint (src/rules/introduced.ts). The returned object keeps the
 * outward shape of `Rule` (`id`, `defaultSeverity`, `summary`, `online`, `check(context)` returning
 * findings) for the engine, the policy and the tests.
 */
import { makeFinding, type Confidence, type Finding, type FindingInput, type Persona, type Severity } from '../findings.js';
import { markIntroduced } from './introduced.js';
import { speedupEnabled } from '../core/speedups.js';
import type { Rule, RuleContext, RuleMemo } from './types.js';

export interface RuleMeta {
  id: string;
  defaultSeverity: Severity;
  /** How sure the rule is, unless a report says otherwise; `high` when absent. */
  defaultConfidence?: Confidence;
  /** The persona its findings belong to, unless a report says otherwise; `regular` when absent. */
  persona?: Persona;
  /** One line: what the rule reports. */
  summary: string;
  /** Whether the rule needs the network (it then finds nothing offline). */
  online?: boolean;
  /**
   * What the rule reads. `workflows`: a pure check of one revision's workflow files, run on head and
   * on base so that `introduced` is computed by the framework. Absent: `check` runs once on the whole
   * context and says `introduced` itself when it needs to.
   */
  on?: 'workflows';
  /** `lockgate fix` can fix its findings (src/fix/plan.ts; docs/fix.md says what each fix writes). */
  fixable?: boolean;
}

/** What a rule reports: a finding without its rule id and severity, plus an explicit other level. */
export interface ReportInput extends Omit<FindingInput, 'rule' | 'severity'> {
  /** A level other than the rule's default severity, asked for explicitly. */
  level?: Severity;
}

export type Report = (input: ReportInput) => void;

export interface RuleDefinition {
  meta: RuleMeta;
  check(ctx: RuleContext, report: Report): void;
}

/** A rule built by defineRule: the Rule the engine runs, with its metadata. */
export interface DefinedRule extends Rule {
  readonly meta: Readonly<RuleMeta>;
}

export function defineRule(definition: RuleDefinition): DefinedRule {
  const { meta } = definition;
  const collect = (ctx: RuleContext): Finding[] => {
    const findings: Finding[] = [];
    definition.check(ctx, ({ level, ...input }) => {
      // rule and severity first: a finding's keys keep the contract's order (docs/design.md) in the JSON report.
      findings.push(
        makeFinding({
          rule: meta.id,
          severity: level ?? meta.defaultSeverity,
          ...input,
          confidence: input.confidence ?? meta.defaultConfidence ?? 'high',
          persona: input.persona ?? meta.persona,
        }),
      );
    });
    return findings;
  };
  const check =
    meta.on === 'workflows'
      ? (context: RuleContext): Finding[] => {
          const memo: RuleMemo = context.ruleMemo ?? new Map();
          const revision = (workflows: RuleContext['workflows']): Finding[] => {
            const revisionContext: RuleContext = { ...context, workflows, baseWorkflows: null };
            return speedupEnabled('rule-reuse') ? reused(memo, meta.id, revisionContext, collect) : collect(revisionContext);
          };
          const head = revision(context.workflows ?? []);
          const base = context.baseWorkflows ? revision(context.baseWorkflows) : null;
          return markIntroduced(head, base);
        }
      : collect;
  const rule: DefinedRule = {
    meta,
    id: meta.id,
    defaultSeverity: meta.defaultSeverity,
    summary: meta.summary,
    check,
  };
  if (meta.online !== undefined) rule.online = meta.online;
  if (meta.defaultConfidence !== undefined) rule.defaultConfidence = meta.defaultConfidence;
  if (meta.persona !== undefined) rule.persona = meta.persona;
  return rule;
}

/** Stands for "the context's own keys" among the recorded reads (a check that lists them). */
const OWN_KEYS = Symbol('own keys');

function sameFiles(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((file, i) => file === b[i]);
}

/**
 * `collect(context)`, or the findings of an earlier call of the same rule on the same workflow files
 * (the same parsed objects) that read only context fields holding the same values now. The fields a
 * check reads are recorded through a proxy (a spread of the context reads them all), so a check
 * that looks at anything that differs runs again.
 */
function reused(memo: RuleMemo, id: string, context: RuleContext, collect: (context: RuleContext) => Finding[]): Finding[] {
  const entries = memo.get(id) ?? [];
  const fields = context as unknown as Record<PropertyKey, unknown>;
  const currentValue = (key: PropertyKey): unknown => (key === OWN_KEYS ? Reflect.ownKeys(context).map(String).join('\0') : fields[key as string]);
  for (const entry of entries) {
    if (sameFiles(entry.workflows, context.workflows) && entry.read.every(([key, value]) => currentValue(key) === value)) return entry.findings;
  }
  const read = new Map<PropertyKey, unknown>();
  const tracked = new Proxy(context, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      read.set(key, value);
      return value;
    },
    has(target, key) {
      read.set(key, Reflect.get(target, key));
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      const keys = Reflect.ownKeys(target);
      read.set(OWN_KEYS, keys.map(String).join('\0'));
      return keys;
    },
  });
  const findings = collect(tracked);
  read.delete('workflows'); // compared file by file above
  entries.push({ workflows: context.workflows, read: [...read], findings });
  memo.set(id, entries);
  return findings;
}
