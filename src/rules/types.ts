import type { Confidence, Finding, Persona, Severity } from '../findings.js';
import type { Settings } from '../settings/types.js';
import type { UvLoadProblem } from '../uv/load.js';
import type { ProjectPair } from '../uv/model.js';
import type { WorkflowProblem } from '../workflows/load.js';
import type { WorkflowFile } from '../workflows/model.js';
import type { IndexFacts, GithubFacts } from '../facts/types.js';
import type { AdvisoryFacts } from '../facts/advisories.js';

/** Everything a rule may look at. Built once per run; rules never do I/O. */
export interface RuleContext {
  settings: Settings;
  now: Date;
  /** Committer time of the head commit (now for the working tree); relative exclude-newer spans count from it. */
  headTime: Date;
  projects: ProjectPair[];
  /** Workflow, action and dependabot files at head. */
  workflows: WorkflowFile[];
  /** The same at base (null for a full audit); rules use it to say what a change introduced. */
  baseWorkflows: WorkflowFile[] | null;
  /** Files that could not be read or parsed, already turned into findings by the parse step. */
  invalidFiles: Finding[];
  /** uv files (or parts of them) at head that could not be read, parsed or applied (the invalid-file rule reports them). */
  uvLoadProblems?: UvLoadProblem[];
  /** Workflow, action and dependabot files at head that could not be read or parsed (the invalid-file rule reports them). */
  workflowProblems?: WorkflowProblem[];
  /** The same two lists at base (null or absent for a full audit): a file that was already unusable at base introduces nothing. */
  baseLoadProblems?: { uv: UvLoadProblem[]; workflows: WorkflowProblem[] } | null;
  /** Repo-relative paths of every file at head (for discovery-style rules). */
  headFiles: string[];
  /** Network facts; null when offline. */
  index: IndexFacts | null;
  github: GithubFacts | null;
  /** OSV advisories of the introduced PyPI versions; null offline, absent when not gathered. */
  advisories?: AdvisoryFacts | null;
  /** Shared by the contexts of one run so workflow checks are not repeated (see RuleMemo); absent: one per check. */
  ruleMemo?: RuleMemo;
}

/**
 * Findings of the pure workflow checks (`on: 'workflows'`) already computed in this run, by rule id:
 * the workflow files they ran on (the parsed objects), every context field they read with the value
 * it had, and what they found. The same files and the same values give the same findings, so
 * define.ts reuses them (base identical to head; the only-new baseline, which audits base again).
 */
export type RuleMemo = Map<string, { workflows: readonly WorkflowFile[]; read: readonly (readonly [PropertyKey, unknown])[]; findings: Finding[] }[]>;

export interface Rule {
  id: string;
  defaultSeverity: Severity;
  /** One line: what the rule reports. */
  summary: string;
  /** Whether the rule needs the network (it then finds nothing offline). */
  online?: boolean;
  /** How sure its findings usually are (SARIF `precision`); a finding can say otherwise. Absent: high. */
  defaultConfidence?: Confidence;
  /** The persona its findings usually belong to; a finding can say otherwise. Absent: regular. */
  persona?: Persona;
  check(context: RuleContext): Finding[];
}
