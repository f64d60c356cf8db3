/**
 * Policy turns raw rule findings into what is reported: severity overrides, inline ignores,
 * config ignores and exemptions (with expiry), the confidence and persona filters, and only-new.
 * Nothing is dropped silently: every waived finding goes to `waived` with why, an expired ignore
 * is itself reported, a filtered finding is counted in `filtered` (by reason and rule), and with
 * only-new a finding that existed before the change goes to `preexisting` (shown, not gating).
 */
import { configGlobMatcher } from '../core/glob.js';
import { normalizeName } from '../core/text.js';
import {
  confidenceOf,
  confidenceRank,
  makeFinding,
  personaOf,
  personaRank,
  severityRank,
  type Confidence,
  type FilteredCounts,
  type Finding,
  type Persona,
  type Severity,
  type WaivedFinding,
} from '../findings.js';
import type { IgnoreEntry, LockgateConfig } from '../settings/types.js';
import { ZizmorIgnores } from './zizmor.js';

export interface PolicyInput {
  findings: (Finding | WaivedFinding)[];
  config: LockgateConfig;
  configFile: string;
  /** Text of the head files, for inline `# lockgate: ignore[rule]` (and `# zizmor: ignore[audit]`) comments. */
  texts: ReadonlyMap<string, string>;
  now: Date;
  onlyNew: boolean;
  /** Each rule's default severity: a config override replaces it, and caps the rule's other levels. */
  defaults: ReadonlyMap<string, Severity>;
  /** Findings below this confidence are left out (counted in `filtered`). Default `low`: all shown. */
  minConfidence?: Confidence;
  /** Findings of a persona beyond this one are left out (counted in `filtered`). Default `regular`. */
  persona?: Persona;
}

export interface PolicyResult {
  findings: Finding[];
  waived: WaivedFinding[];
  /** With only-new: findings the change did not introduce (and nothing waived). Empty otherwise. */
  preexisting: Finding[];
  /** What the confidence and persona filters left out: counted, not listed, and never gating. */
  filtered: FilteredCounts;
}

/**
 * Why a finding is left out by the filters, or null when it is shown. The persona comes first: a
 * pedantic finding of low confidence is out because of its persona, whatever the threshold.
 */
export function filterReason(finding: Finding, minConfidence: Confidence, persona: Persona): 'persona' | 'confidence' | null {
  if (personaRank(personaOf(finding)) > personaRank(persona)) return 'persona';
  if (confidenceRank(confidenceOf(finding)) < confidenceRank(minConfidence)) return 'confidence';
  return null;
}

/**
 * The metadata of the policy's own findings (an ignore or a cooldown exemption that expired), stated
 * once as a rule states its own: they are filed under the rule they waived, at this level whatever
 * that rule's default, because they ask for config housekeeping; what the ignore waived is reported
 * at its own level.
 */
const POLICY_NOTICES = { defaultSeverity: 'notice' } as const satisfies { defaultSeverity: Severity };

const INLINE_RE = /#\s*lockgate:\s*ignore\[([^\]\n]*)\]/gi;

/** Rule ids named by inline ignores on a given line (1-based) of a text; cached per file. */
class InlineIgnores {
  // Per file: line -> [ids, whether the line holds only the comment (then it also covers the next line)].
  private cache = new Map<string, Map<number, { ids: Set<string>; standalone: boolean }>>();
  constructor(private texts: ReadonlyMap<string, string>) {}

  private forFile(file: string): Map<number, { ids: Set<string>; standalone: boolean }> {
    let byLine = this.cache.get(file);
    if (byLine) return byLine;
    byLine = new Map();
    const text = this.texts.get(file);
    if (text !== undefined && text.includes('lockgate')) {
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        for (const match of line.matchAll(INLINE_RE)) {
          const ids = match[1]
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean);
          const entry = byLine!.get(i + 1) ?? { ids: new Set<string>(), standalone: line.trimStart().startsWith('#') };
          ids.forEach((id) => entry.ids.add(id));
          byLine!.set(i + 1, entry);
        }
      });
    }
    this.cache.set(file, byLine);
    return byLine;
  }

  /** An ignore at the end of the finding's line, or alone on the line above it. */
  covers(finding: Finding): boolean {
    if (finding.line === undefined) return false;
    const byLine = this.forFile(finding.file);
    const names = (entry: { ids: Set<string> } | undefined) => entry !== undefined && entry.ids.has(finding.rule);
    const above = byLine.get(finding.line - 1);
    return names(byLine.get(finding.line)) || (above?.standalone === true && names(above));
  }
}

function ignoreMatches(entry: IgnoreEntry, finding: Finding): boolean {
  if (entry.rule !== finding.rule) return false;
  if (entry.path !== undefined && !configGlobMatcher(entry.path)(finding.file)) return false;
  if (entry.package !== undefined && finding.package?.name !== normalizeName(entry.package)) return false;
  return true;
}

/** An `until` date is valid through the end of that day (UTC). */
export function isExpired(until: string | undefined, now: Date): boolean {
  return until !== undefined && now.getTime() >= Date.parse(`${until}T00:00:00Z`) + 86_400_000;
}

/**
 * A severity override names the level of the rule's ordinary findings (those at its default); a
 * rule's other levels (a notice for "cannot decide", an error for the worst case) keep their
 * place below it: they are capped at the override, never raised by it.
 */
export function overriddenSeverity(severity: Severity, override: Severity, ruleDefault: Severity | undefined): Severity {
  if (severity === ruleDefault) return override;
  return severityRank(severity) > severityRank(override) ? override : severity;
}

export function applyPolicy(input: PolicyInput): PolicyResult {
  const { config, now } = input;
  const inline = new InlineIgnores(input.texts);
  const zizmor = new ZizmorIgnores(input.texts);
  const findings: Finding[] = [];
  const waived: WaivedFinding[] = [];
  const preexisting: Finding[] = [];
  const expiredNoted = new Set<IgnoreEntry>();
  const filtered: FilteredCounts = {
    minConfidence: input.minConfidence ?? 'low',
    persona: input.persona ?? 'regular',
    total: 0,
    byPersona: 0,
    byConfidence: 0,
    rules: {},
  };

  for (const raw of input.findings) {
    const level = config.rules[raw.rule];
    if (level === 'off') continue;
    let finding: Finding | WaivedFinding = level ? { ...raw, severity: overriddenSeverity(raw.severity, level, input.defaults.get(raw.rule)) } : raw;
    if ((finding as WaivedFinding).waiver) {
      waived.push(finding as WaivedFinding);
      continue;
    }
    if (inline.covers(finding)) {
      waived.push({ ...finding, waiver: { by: 'inline', reason: `# lockgate: ignore[${finding.rule}] in ${finding.file}` } });
      continue;
    }
    // A repository that reviewed the same thing for zizmor already said so (see zizmor.ts).
    const zizmorReason = zizmor.reasonFor(finding);
    if (zizmorReason !== null) {
      waived.push({ ...finding, waiver: { by: 'inline', reason: zizmorReason } });
      continue;
    }
    const entry = config.ignore.find((candidate) => ignoreMatches(candidate, finding));
    if (entry && !isExpired(entry.until, now)) {
      waived.push({ ...finding, waiver: { by: 'config-ignore', reason: entry.reason, until: entry.until } });
      continue;
    }
    if (entry) {
      expiredNoted.add(entry);
      finding = { ...finding, message: `${finding.message} (The ignore in ${input.configFile} expired on ${entry.until}: "${entry.reason}".)` };
    }
    // After the waivers (a waiver holds whatever the filters), before only-new: what the user asked
    // not to see is neither listed nor gating, new or not. The expired-ignore note above stays on a
    // finding that is then filtered; the ignore's own notice below is never filtered.
    const reason = filterReason(finding, filtered.minConfidence, filtered.persona);
    if (reason !== null) {
      filtered.total++;
      if (reason === 'persona') filtered.byPersona++;
      else filtered.byConfidence++;
      filtered.rules[finding.rule] = (filtered.rules[finding.rule] ?? 0) + 1;
      continue;
    }
    // Waivers come first: a waived finding is waived whether or not the change brought it.
    if (input.onlyNew && !finding.introduced) preexisting.push(finding);
    else findings.push(finding);
  }

  // Expired entries are reported even when nothing matches them any more, so they get cleaned up.
  for (const entry of config.ignore) {
    if (!isExpired(entry.until, now)) continue;
    findings.push(
      makeFinding({
        rule: entry.rule,
        severity: POLICY_NOTICES.defaultSeverity,
        file: input.configFile,
        message: `An ignore of ${entry.rule}${entry.path ? ` for ${entry.path}` : ''}${entry.package ? ` for ${entry.package}` : ''} expired on ${entry.until} ("${entry.reason}")${expiredNoted.has(entry) ? ' and no longer waives anything' : ''}.`,
        fix: `Fix what it waived, or renew it with a new until date and reason in ${input.configFile}.`,
        subject: `expired-ignore:${entry.rule}:${entry.path ?? ''}:${entry.package ?? ''}`,
        introduced: true,
      }),
    );
  }
  for (const exemption of config.cooldown.exempt) {
    if (!isExpired(exemption.until, now)) continue;
    findings.push(
      makeFinding({
        rule: 'cooldown',
        severity: POLICY_NOTICES.defaultSeverity,
        file: input.configFile,
        message: `The cooldown exemption for ${exemption.package} expired on ${exemption.until} ("${exemption.reason}").`,
        fix: `Remove it from cooldown.exempt in ${input.configFile}, or renew it with a new until date and reason.`,
        package: { name: exemption.package },
        subject: `expired-exemption:${exemption.package}`,
        introduced: true,
      }),
    );
  }
  filtered.rules = Object.fromEntries(Object.entries(filtered.rules).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { findings, waived, preexisting, filtered };
}
