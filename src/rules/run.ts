/**
 * Runs the rules over one context. A rule that throws neither crashes the gate nor passes silently:
 * its findings are replaced by `internal-error` findings (error severity, so the gate fails closed)
 * that name the rule and the file it failed on.
 */
import type { Finding, WaivedFinding } from '../findings.js';
import { RULES } from './index.js';
import { internalErrorFinding, projectFile } from './internal-error.js';
import type { Rule, RuleContext } from './types.js';

export function runRules(context: RuleContext, rules: readonly Rule[] = RULES): (Finding | WaivedFinding)[] {
  const findings: (Finding | WaivedFinding)[] = [];
  for (const rule of rules) {
    if (context.settings.config.rules[rule.id] === 'off') continue;
    try {
      findings.push(...rule.check(context));
    } catch (error) {
      findings.push(...failedRule(rule, context, error));
    }
  }
  return findings;
}

type Outcome = { threw: false } | { threw: true; error: unknown };

function attempt(rule: Rule, context: RuleContext): Outcome {
  try {
    rule.check(context);
    return { threw: false };
  } catch (error) {
    return { threw: true, error };
  }
}

/**
 * The `internal-error` findings of a rule that threw on the whole context. To name the file, the rule
 * is run again on each project and each workflow file alone (only on this failure path); the files
 * on which it throws again get a finding each. When no single file reproduces it, one finding names
 * the rule and the repository ('.'). What the rule found on the files that passed alone is not kept:
 * some rules read several files together, so a partial run could report what a full one would not.
 */
export function failedRule(rule: Rule, context: RuleContext, error: unknown): Finding[] {
  const failed: Finding[] = [];
  for (const pair of context.projects) {
    const outcome = attempt(rule, { ...context, projects: [pair], workflows: [], baseWorkflows: context.baseWorkflows && [] });
    if (outcome.threw) failed.push(internalErrorFinding(rule.id, projectFile(pair), outcome.error));
  }
  for (const workflow of context.workflows) {
    const baseWorkflows = context.baseWorkflows && context.baseWorkflows.filter((base) => base.file === workflow.file);
    const outcome = attempt(rule, { ...context, projects: [], workflows: [workflow], baseWorkflows });
    if (outcome.threw) failed.push(internalErrorFinding(rule.id, workflow.file, outcome.error));
  }
  return failed.length > 0 ? failed : [internalErrorFinding(rule.id, '.', error)];
}
