/**
 * What every reporter reads: plain data built by the engine (src/engine.ts) from the models and the
 * rule registry, so that no reporter imports the uv model or the rules.
 */
import type { Confidence, FilteredCounts, Finding, Persona, Severity, WaivedFinding } from '../findings.js';

/** The JSON report's change kinds (docs/design.md "JSON report"). */
export type ChangeKind = 'added' | 'removed' | 'upgraded' | 'downgraded' | 'source-changed' | 'hash-changed';

/** One row of a project's lock diff. */
export interface ChangeRow {
  name: string;
  kind: ChangeKind;
  from?: string;
  to?: string;
  fromSource?: string;
  toSource?: string;
  /**
   * The newest upload time (RFC 3339) of the files locked at head for this version: the age a
   * cooldown checks, shown by the Markdown report. Absent for `removed` and when the lock has none.
   * Not in the JSON report.
   */
  uploadedAt?: string;
}

/** A uv project (workspace) and its lock diff. */
export interface ReportProject {
  /** Workspace root, repo-relative ('' for the repository root). */
  path: string;
  lock: string;
  changes: ChangeRow[];
}

/** What a reporter knows about a rule: SARIF's rule list (tool.driver.rules). */
export interface RuleMeta {
  id: string;
  /** PascalCase, distinct from the id even ignoring case (SARIF1001); GitHub code scanning shows it. */
  name: string;
  /** One line: what the rule reports. */
  summary: string;
  defaultSeverity: Severity;
  /** How sure its findings usually are: SARIF's `precision`. Absent: high. */
  defaultConfidence?: Confidence;
  /** The persona its findings usually belong to. Absent: regular. */
  persona?: Persona;
  /** The rule's documentation page, Markdown. */
  help: string;
  helpUri: string;
}

/** The report of a run; `--format json` writes the part of it the design doc's schema names (src/report/json.ts). */
export interface Report {
  tool: 'lockgate';
  version: string;
  base: string | null;
  head: string;
  now: string;
  projects: ReportProject[];
  findings: Finding[];
  /** Findings set aside by an ignore or exemption, with why (an addition to the design doc's schema). */
  waived: WaivedFinding[];
  /**
   * With only-new (the action's default on pull requests): findings that existed before the change.
   * Reported, not gating, not counted in `counts`; empty without only-new (an addition to the
   * design doc's schema).
   */
  preexisting?: Finding[];
  /**
   * Findings left out by `--min-confidence` / `--persona` (counted, not listed: the user asked not to
   * see them; they do not gate). An addition to the design doc's schema. Absent in reports built
   * before it existed: read as nothing filtered.
   */
  filtered?: FilteredCounts;
  counts: Record<Severity, number>;
  /** Every rule of the registry, in report order. Not in the JSON report. */
  rules: RuleMeta[];
}
