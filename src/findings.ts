import { createHash } from 'node:crypto';

/** The three levels GitHub annotations know; `--fail-on` compares against this order. */
export type Severity = 'error' | 'warning' | 'notice';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice'];

/**
 * How sure a rule is that a finding is a real problem (zizmor's confidence): `high` when the text
 * alone proves it, `medium` when it depends on how the repository is set up, `low` for heuristics.
 */
export type Confidence = 'high' | 'medium' | 'low';
export const CONFIDENCES: readonly Confidence[] = ['high', 'medium', 'low'];

/**
 * Who a finding is for (zizmor's personas): `regular` findings are shown by default, `pedantic` ones
 * are style and hygiene, `auditor` ones are for a reviewer reading everything.
 */
export type Persona = 'regular' | 'pedantic' | 'auditor';
export const PERSONAS: readonly Persona[] = ['regular', 'pedantic', 'auditor'];

/** 3 for high: a finding is shown at `--min-confidence X` when its rank is at least X's. */
export function confidenceRank(confidence: Confidence): number {
  return confidence === 'high' ? 3 : confidence === 'medium' ? 2 : 1;
}

/** 1 for regular: a finding is shown at `--persona X` when its rank is at most X's (auditor shows everything). */
export function personaRank(persona: Persona): number {
  return persona === 'regular' ? 1 : persona === 'pedantic' ? 2 : 3;
}

/** A finding's confidence, `high` when it carries none (a finding made outside a rule: the policy's own notices). */
export function confidenceOf(finding: { confidence?: Confidence }): Confidence {
  return finding.confidence ?? 'high';
}

/** A finding's persona, `regular` when it carries none. */
export function personaOf(finding: { persona?: Persona }): Persona {
  return finding.persona ?? 'regular';
}

export function severityRank(severity: Severity): number {
  return severity === 'error' ? 3 : severity === 'warning' ? 2 : 1;
}

/** The finding contract of the design doc: every reporter renders exactly this. */
export interface Finding {
  rule: string;
  severity: Severity;
  /** Repo-relative, forward slashes. */
  file: string;
  line?: number;
  endLine?: number;
  column?: number;
  message: string;
  fix?: string;
  package?: { name: string; version?: string };
  /** Set by defineRule from the rule's meta or the report; absent on findings made outside a rule. */
  confidence?: Confidence;
  /** The persona the finding is shown from; absent means `regular`. */
  persona?: Persona;
  /**
   * Other places the message talks about (the step that uploads the workspace, the line that
   * checks out the head): SARIF `relatedLocations`. Optional, an addition to the design doc's schema.
   */
  related?: RelatedLocation[];
  /** Not present at base (true for everything when there is no base). */
  introduced: boolean;
  /** Stable across runs: rule + file + subject, never the line number. */
  fingerprint: string;
}

/** A place in the same revision that a finding's message mentions. */
export interface RelatedLocation {
  /** Repo-relative, forward slashes. */
  file: string;
  line: number;
  column?: number;
  /** What is there, a few words ("the upload step"). */
  message: string;
}

/** What the confidence and persona filters left out, and with which settings. */
export interface FilteredCounts {
  /** The settings the run used. */
  minConfidence: Confidence;
  persona: Persona;
  /** Findings left out in all. */
  total: number;
  /** Left out because their persona is beyond `persona` (whatever their confidence). */
  byPersona: number;
  /** Left out because their confidence is below `minConfidence` (and their persona was shown). */
  byConfidence: number;
  /** Left out per rule id, in rule-id order. */
  rules: Record<string, number>;
}

/** A finding that policy set aside (config ignore, inline ignore, exemption); reported, never hidden. */
export interface WaivedFinding extends Finding {
  waiver: { by: 'inline' | 'config-ignore' | 'exemption' | 'exclude-newer-package'; reason?: string; until?: string };
}

export interface FindingInput {
  rule: string;
  severity: Severity;
  file: string;
  line?: number;
  endLine?: number;
  column?: number;
  message: string;
  fix?: string;
  package?: { name: string; version?: string };
  confidence?: Confidence;
  persona?: Persona;
  related?: RelatedLocation[];
  introduced?: boolean;
  /** What the finding is about (a package name, a `uses:` value, a key path); feeds the fingerprint. */
  subject: string;
}

export function fingerprintOf(rule: string, file: string, subject: string): string {
  return createHash('sha256').update(`${rule}\0${file}\0${subject}`).digest('hex').slice(0, 32);
}

/** Occurrence-stable subject for fingerprints: the value, plus `#n` for the n-th repeat in the file (or the lock). */
export function occurrenceSubjects<T>(items: T[], keyOf: (item: T) => string): string[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const key = keyOf(item);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return n === 0 ? key : `${key}#${n}`;
  });
}

export function makeFinding(input: FindingInput): Finding {
  const { subject, introduced, ...rest } = input;
  const finding: Finding = { ...rest, introduced: introduced ?? true, fingerprint: fingerprintOf(input.rule, input.file, subject) };
  for (const key of Object.keys(finding) as (keyof Finding)[]) {
    if (finding[key] === undefined) delete finding[key];
  }
  return finding;
}

/** Most severe first, then by file and line: the order annotations and reports use. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    a.file.localeCompare(b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}
