/** Test helpers for the typosquat and sdist-only rules: contexts from fixture trees, lines from the raw lock text. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../src/findings.js';
import type { IndexFacts } from '../src/facts/types.js';
import type { RuleContext } from '../src/rules/types.js';
import { defaultConfig } from '../src/settings/config.js';
import type { LockgateConfig, Settings } from '../src/settings/types.js';
import { pairProjects } from '../src/uv/diff.js';
import { loadUvProjects } from '../src/uv/load.js';
import { LIMITS, sourceFromDir } from './uv-helpers.js';
import { baseTestSettings } from './support/settings.js';

export const TYPOSQUAT_FIXTURES = fileURLToPath(new URL('../fixtures/typosquat/', import.meta.url));
export const NOW = new Date('2026-11-20T12:00:00Z');

/** The fixtures were written against the 5,000 most downloaded names (pystyte imitates one below). */
export const FIXTURE_TOP = 5000;

export function settingsWith(typosquat: Partial<LockgateConfig['typosquat']> = {}, extra: Partial<LockgateConfig> = {}): Settings {
  const config = defaultConfig();
  return baseTestSettings({ now: NOW, config: { ...extra, typosquat: { ...config.typosquat, top: FIXTURE_TOP, ...typosquat } } });
}

/**
 * The context of fixtures/typosquat/<name>: `base/` → `head/`, or a full audit of `head/` when
 * `audit` is set.
 */
export function fixtureContext(name: string, options: { audit?: boolean; settings?: Settings; index?: IndexFacts | null } = {}): RuleContext {
  const dir = join(TYPOSQUAT_FIXTURES, name);
  const head = loadUvProjects(sourceFromDir(join(dir, 'head')), LIMITS);
  if (head.problems.length > 0) throw new Error(`fixture ${name}/head does not load: ${head.problems.map((p) => p.message).join('; ')}`);
  const base = options.audit ? null : loadUvProjects(sourceFromDir(join(dir, 'base')), LIMITS).projects;
  const settings = options.settings ?? settingsWith();
  return {
    settings,
    now: settings.now,
    headTime: settings.now,
    projects: pairProjects(base, head.projects),
    workflows: [],
    baseWorkflows: null,
    invalidFiles: [],
    headFiles: [],
    index: options.index ?? null,
    github: null,
  };
}

/** The `[[package]]` line of a package in a fixture lock, read from the raw text (not through lockgate's parser). */
export function packageLine(fixture: string, side: 'base' | 'head', name: string): number {
  const lines = readFileSync(join(TYPOSQUAT_FIXTURES, fixture, side, 'uv.lock'), 'utf8').split('\n');
  const at = lines.findIndex((line, i) => line === `name = "${name}"` && lines[i - 1] === '[[package]]');
  if (at < 0) throw new Error(`no [[package]] ${name} in ${fixture}/${side}/uv.lock`);
  return at; // the [[package]] line is the one before, and lines are 1-based
}

export type Row = { rule: string; file: string; line?: number; severity: string; package?: string; introduced: boolean };

export function rowsOf(findings: Finding[]): Row[] {
  return findings
    .map((f) => ({
      rule: f.rule,
      file: f.file,
      ...(f.line !== undefined ? { line: f.line } : {}),
      severity: f.severity,
      ...(f.package ? { package: f.package.name } : {}),
      introduced: f.introduced,
    }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
