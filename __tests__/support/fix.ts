/**
 * Fix tests: a scan with the engine's own context, rules and policy over in-memory texts, the planner
 * with a deterministic fake GitHub/registry resolver, and the checks every fix must pass.
 */
import { createHash } from 'node:crypto';
import { buildContext, buildReport } from '../../src/engine.js';
import type { Finding } from '../../src/findings.js';
import { planFixes, type FixPlan } from '../../src/fix/plan.js';
import type { FixResolver, Release } from '../../src/fix/resolver.js';
import { runRules } from '../../src/rules/run.js';
import { pipelineSettings, sourceFiles } from './pipeline.js';

export const NOW = new Date('2026-11-26T12:00:00Z');

/** The commit SHA the fake GitHub gives a ref: derived from the name, so tests can compute it. */
export function fakeSha(owner: string, repo: string, ref: string): string {
  return createHash('sha1').update(`${owner}/${repo}@${ref}`).digest('hex');
}

export function fakeDigest(image: string): string {
  return `sha256:${createHash('sha256').update(image).digest('hex')}`;
}

export interface FakeResolverOptions {
  releases?: Record<string, Release[]>;
  missing?: string[];
}

export function fakeResolver(options: FakeResolverOptions = {}): FixResolver & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async resolveRef(owner, repo, ref) {
      calls.push(`ref ${owner}/${repo}@${ref}`);
      if (options.missing?.includes(`${owner}/${repo}@${ref}`)) return null;
      return { sha: fakeSha(owner, repo, ref), kind: 'tag' };
    },
    async releases(owner, repo) {
      calls.push(`releases ${owner}/${repo}`);
      return options.releases?.[`${owner}/${repo}`] ?? [];
    },
    async imageDigest(image) {
      calls.push(`image ${image}`);
      return fakeDigest(image);
    },
  };
}

/** The active findings of a full audit of these texts (offline, at the fixed time). */
export function scan(texts: Record<string, string>, extraArgs: string[] = []): Finding[] {
  const settings = pipelineSettings(extraArgs);
  const head = sourceFiles(texts);
  const context = buildContext(settings, head, null);
  return buildReport(context, runRules(context), head, null).findings;
}

export interface FixRun {
  before: Record<string, string>;
  after: Record<string, string>;
  plan: FixPlan;
  findings: Finding[];
}

/** Scan, plan, apply: what `lockgate fix` does, in memory. */
export async function fix(
  texts: Record<string, string>,
  resolver: FixResolver | null = fakeResolver(),
  options: { update?: { major: boolean }; cooldownDays?: number } = {},
): Promise<FixRun> {
  const extra = options.cooldownDays ? ['--cooldown', String(options.cooldownDays)] : [];
  const findings = scan(texts, extra);
  const plan = await planFixes(
    { findings, files: new Map(Object.entries(texts)), cooldownDays: options.cooldownDays ?? 7, now: NOW, update: options.update ?? null },
    resolver,
  );
  const after = { ...texts };
  for (const [file, text] of plan.results) after[file] = text;
  return { before: texts, after, plan, findings };
}

/**
 * The span of `before` that differs from `after`: the common prefix and the common suffix, each
 * measured on its own (so the span can be empty or inverted where an insertion repeats its
 * neighbours). Whatever the alignment, text before the first edit is in the prefix and text after
 * the last edit in the suffix.
 */
export function changedSpan(before: string, after: string): [number, number] | null {
  if (before === after) return null;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length && end < after.length && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return [start, before.length - end];
}
