import type { Confidence, Persona, Severity } from '../findings.js';
import type { UsesPattern } from './uses-patterns.js';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'markdown' | 'github';
export type FailOn = Severity | 'never';
export type RuleLevel = Severity | 'off';
export type CommentMode = 'never' | 'on-findings' | 'always';

export interface CooldownExemption {
  package: string;
  until: string; // YYYY-MM-DD
  reason: string;
}

export interface IgnoreEntry {
  rule: string;
  /** Repo-relative path or glob (`*`, `**`); absent means every file. */
  path?: string;
  /** Package name the ignore is limited to. */
  package?: string;
  until?: string;
  reason: string;
}

/** An OSV advisory set aside: `advisories.ignore` in the config. Expired entries stop waiving and are reported. */
export interface AdvisoryIgnore {
  /** The advisory id (GHSA-…, PYSEC-…, CVE-…, MAL-…), or one of its aliases. */
  id: string;
  reason: string;
  until: string; // YYYY-MM-DD
}

export type AdvisorySeverityLevel = 'low' | 'medium' | 'high' | 'critical';

/** `advisories:` in the config: the OSV check of introduced packages. */
export interface AdvisoryConfig {
  ignore: AdvisoryIgnore[];
  /** vulnerable-package reports advisories at or above this (unknown severity counts as medium). */
  minSeverity: AdvisorySeverityLevel;
  /** OSV API base URL (a mirror); https://api.osv.dev by default. */
  url: string;
}

/**
 * `workflows.forbidden-uses`: the repository's own policy of which actions and reusable workflows
 * its workflows may use (zizmor's forbidden-uses). A `uses:` is forbidden when it matches a `deny`
 * pattern, or when `allow` is given and it matches none of its patterns.
 */
export interface ForbiddenUsesConfig {
  allow?: UsesPattern[];
  deny?: UsesPattern[];
}

/** `.github/lockgate.yml`, validated. Every field has its default filled in. */
export interface LockgateConfig {
  cooldown: { days?: number; exempt: CooldownExemption[] };
  rules: Record<string, RuleLevel>;
  ignore: IgnoreEntry[];
  /** `forbiddenUses` is absent unless the config sets `workflows.forbidden-uses` (the rule then does nothing). */
  workflows: { allowRefPin: string[]; forbiddenUses?: ForbiddenUsesConfig };
  typosquat: { allow: string[]; top: number };
  /** Which direct dependencies `unpinned-requirement` asks to pin with `==`. */
  requirements: { pin: 'none' | 'direct' | 'all' };
  limits: Limits;
  /** Path globs lockgate does not read at all (test fixtures, vendored examples). */
  exclude: string[];
  /** Optional in the type so configs built before it existed stay valid; defaultConfig fills it. */
  advisories?: AdvisoryConfig;
  /** `findings:` in the config: which findings are shown (a flag or action input given explicitly wins). */
  findings?: FindingFilters;
}

/** The confidence and persona filters (docs/confidence.md). Absent fields: `low` and `regular`, everything a regular user sees. */
export interface FindingFilters {
  minConfidence?: Confidence;
  persona?: Persona;
}

export interface Limits {
  /** Largest file read, in bytes; a larger file is an `invalid-file` finding. */
  maxFileBytes: number;
  /** Packages read per lock; more is an `invalid-file` notice and the rest is skipped. */
  maxPackagesPerLock: number;
  /** YAML alias expansions per document. */
  maxYamlAliases: number;
  /** Findings rendered as annotations / in the markdown summary (JSON and SARIF always carry all). */
  maxRenderedFindings: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxFileBytes: 64 * 1024 * 1024,
  maxPackagesPerLock: 50_000,
  maxYamlAliases: 1_000,
  maxRenderedFindings: 1_000,
};

/** One typed object for a run, from action inputs or CLI flags plus the config file. */
export interface Settings {
  /** Absolute path of the repository (or the working directory inside it). */
  dir: string;
  /** Base revision; null means a full audit (everything counts as introduced). */
  base: string | null;
  /** Head revision; null means the working tree. */
  head: string | null;
  format: OutputFormat;
  output: string | null;
  cooldownDays: number;
  now: Date;
  offline: boolean;
  indexUrl: string | null;
  failOn: FailOn;
  configFile: string;
  onlyNew: boolean;
  config: LockgateConfig;
  /** Network budget for the whole run, in milliseconds. */
  networkBudgetMs: number;
  /** GitHub REST base URL and token (the action; the CLI reads GITHUB_TOKEN when online). */
  githubApiUrl: string;
  githubToken: string | null;
  /** owner/repo of the repository under check, when known (for the GitHub client). */
  repository: string | null;
  /** Repo-relative folder to check ('' for the whole repository): the `working-directory` input. */
  scope: string;
  /**
   * The SARIF run's code-scanning category (`automationDetails.id`): `--sarif-category`, the
   * `sarif-category` input, or in the action `lockgate/<workflow>/<job>`; null means `lockgate`.
   */
  sarifCategory: string | null;
  /**
   * `--min-confidence` / the `min-confidence` input, and `--persona` / `persona`, when given; absent,
   * the config's `findings:` applies, else `low` and `regular` (see effectiveFilters).
   */
  minConfidence?: Confidence;
  persona?: Persona;
  /** Only for the action. */
  action?: { checkRun: boolean; comment: CommentMode; sarifFile: string | null; suggestions?: boolean };
}

export class SettingsError extends Error {}
