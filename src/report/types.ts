import type { Finding, Severity, WaivedFinding } from '../findings.js';
import type { Settings } from '../settings/types.js';
import type { PackageChange, ProjectPair } from '../uv/model.js';

/** The JSON report of the design doc (`--format json`); every other reporter renders from it. */
export interface Report {
  tool: 'lockgate';
  version: string;
  base: string | null;
  head: string;
  now: string;
  projects: { path: string; lock: string; changes: PackageChange[] }[];
  findings: Finding[];
  /** Findings set aside by an ignore or exemption, with why (an addition to the design doc's schema). */
  waived: WaivedFinding[];
  /**
   * With only-new (the action's default on pull requests): findings that existed before the change.
   * Reported, not gating, not counted in `counts`; empty without only-new (an addition to the
   * design doc's schema).
   */
  preexisting?: Finding[];
  counts: Record<Severity, number>;
}

/** A run's result: the report plus what reporters need beyond it (not serialized). */
export interface RunResult {
  report: Report;
  pairs: ProjectPair[];
  /** Human-readable lines about how the run went (which source was used, network notes). */
  log: string[];
  /** The settings the run used, with the config file applied. */
  settings: Settings;
}
