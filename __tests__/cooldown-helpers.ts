/** Test helpers for the cooldown, index and uv-settings rules: settings, contexts from fixture pairs. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding, WaivedFinding } from '../src/findings.js';
import type { IndexFacts } from '../src/facts/types.js';
import type { Rule, RuleContext } from '../src/rules/types.js';
import type { Settings } from '../src/settings/types.js';
import { pairProjects } from '../src/uv/diff.js';
import { loadUvProjects } from '../src/uv/load.js';
import type { ProjectPair } from '../src/uv/model.js';
import { LIMITS, sourceFromDir } from './uv-helpers.js';
import { baseTestSettings, type SettingsOverrides } from './support/settings.js';

export const COOLDOWN_FIXTURES = fileURLToPath(new URL('../fixtures/cooldown/', import.meta.url));
export const UV_SETTINGS_FIXTURES = fileURLToPath(new URL('../fixtures/uv-settings/', import.meta.url));

export function settingsFor(partial: SettingsOverrides = {}): Settings {
  return baseTestSettings(partial);
}

/** Project pairs of `<dir>/base` -> `<dir>/head` (or a full audit of `<dir>/head` when `base` is false). */
export function pairsOf(dir: string, base = true): ProjectPair[] {
  const head = loadUvProjects(sourceFromDir(join(dir, 'head')), LIMITS);
  const baseProjects = base ? loadUvProjects(sourceFromDir(join(dir, 'base')), LIMITS).projects : null;
  return pairProjects(baseProjects, head.projects);
}

export interface ContextOptions {
  settings?: Settings;
  now?: Date;
  headTime?: Date;
  index?: IndexFacts | null;
}

export function contextFor(projects: ProjectPair[], options: ContextOptions = {}): RuleContext {
  const settings = options.settings ?? settingsFor();
  const now = options.now ?? settings.now;
  return {
    settings: { ...settings, now },
    now,
    headTime: options.headTime ?? new Date('2026-08-31T12:00:00Z'),
    projects,
    workflows: [],
    baseWorkflows: null,
    invalidFiles: [],
    headFiles: [],
    index: options.index === undefined ? null : options.index,
    github: null,
  };
}

/** The fields a table row asserts: rule, file, line, severity, package, waived-by. */
export function summarize(
  findings: (Finding | WaivedFinding)[],
): { rule: string; file: string; line?: number; severity: string; package?: string; waivedBy?: string; introduced: boolean }[] {
  return findings.map((finding) => {
    const row: { rule: string; file: string; line?: number; severity: string; package?: string; waivedBy?: string; introduced: boolean } = {
      rule: finding.rule,
      file: finding.file,
      severity: finding.severity,
      introduced: finding.introduced,
    };
    if (finding.line !== undefined) row.line = finding.line;
    if (finding.package) row.package = finding.package.version ? `${finding.package.name}@${finding.package.version}` : finding.package.name;
    const waiver = (finding as WaivedFinding).waiver;
    if (waiver) row.waivedBy = waiver.by;
    return row;
  });
}

export function run(rule: Rule, context: RuleContext): (Finding | WaivedFinding)[] {
  return rule.check(context);
}

/** Findings of one rule on a fixture of fixtures/uv-settings (a base -> head pair when `base/` exists). */
export function settingsFindings(rule: Rule, name: string, settings?: Settings): (Finding | WaivedFinding)[] {
  const dir = join(UV_SETTINGS_FIXTURES, name);
  return rule.check(contextFor(pairsOf(dir, existsSync(join(dir, 'base'))), settings ? { settings } : {}));
}
