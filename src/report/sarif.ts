/**
 * SARIF 2.1.0 as GitHub code scanning accepts it: every rule with help text, results with a
 * location (line 1 when a finding has none), partial fingerprints that survive line moves, and the
 * run's category in `automationDetails.id`, so that two lockgate jobs do not replace each other's
 * alerts. The rule list comes from the report (`Report.rules`), never from the registry.
 */
import type { Location, Log, Region, ReportingDescriptor, Result } from 'sarif';
import { confidenceOf, personaOf, type Confidence, type Finding, type Severity } from '../findings.js';
import { DOCS_BASE_URL, TOOL_NAME, VERSION } from '../version.js';
import { inertJson } from './json.js';
import type { Report, RuleMeta } from './types.js';

export interface SarifOptions {
  /**
   * The code-scanning category (`automationDetails.id` up to its last `/`). The action passes
   * `lockgate/<workflow>/<job>` or the `sarif-category` input, the CLI `--sarif-category`.
   * Default: `lockgate`.
   */
  category?: string | null;
}

export const DEFAULT_SARIF_CATEGORY = TOOL_NAME;

const LEVEL = { error: 'error', warning: 'warning', notice: 'note' } as const satisfies Record<Severity, Result.level>;
/** GitHub's scale: 9.0+ critical, 7.0+ high, 4.0+ medium, above 0 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', notice: '2.0' };
/**
 * A rule's `precision` (GitHub: "how often the results indicated by this rule are true"; code
 * scanning orders alerts by it): the rule's usual confidence, one to one. GitHub's `very-high` is
 * not used: lockgate's scale has three steps.
 */
const PRECISION: Record<Confidence, string> = { high: 'high', medium: 'medium', low: 'low' };

/**
 * `automationDetails.id`: the category with one trailing `/`, so that GitHub reads all of it as the
 * category (everything after the last `/` would be a run id) and the same category always gives
 * the same id.
 */
export function automationId(category: string | null | undefined): string {
  const trimmed = (category ?? '').trim().replace(/\/+$/, '');
  return `${trimmed === '' ? DEFAULT_SARIF_CATEGORY : trimmed}/`;
}

/**
 * A message's text. In SARIF, `[text](n)` is an embedded link to related location n (GitHub shows
 * it as one): a `](` that came from the checked files is escaped so it cannot pose as one.
 */
function messageText(text: string): string {
  return text.replace(/\]\(/g, '\\](');
}

/** The text of an embedded link: one line, no bracket or backslash (it cannot close the link early). */
function linkText(text: string): string {
  const plain = text
    .replace(/[[\]\\]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...plain];
  return (chars.length > 80 ? `${chars.slice(0, 79).join('')}…` : plain) || 'related location';
}

function regionOf(line: number | undefined, column?: number, endLine?: number): Region {
  const region: Region = { startLine: Math.max(1, line ?? 1) };
  if (column !== undefined) region.startColumn = Math.max(1, column);
  if (endLine !== undefined && endLine >= region.startLine!) region.endLine = endLine;
  return region;
}

function resultOf(finding: Finding, ruleIndex: number | undefined): Result {
  const related: Location[] = (finding.related ?? []).map((place, i) => ({
    id: i + 1,
    physicalLocation: { artifactLocation: { uri: place.file, uriBaseId: '%SRCROOT%' }, region: regionOf(place.line, place.column) },
    message: { text: messageText(place.message) },
  }));
  let text = messageText(finding.fix ? `${finding.message}\nFix: ${finding.fix}` : finding.message);
  // GitHub shows a related location only where the message links to it.
  if (related.length > 0) text += `\nSee also: ${related.map((place, i) => `[${linkText(finding.related![i]!.message)}](${place.id})`).join(', ')}.`;
  const result: Result = {
    ruleId: finding.rule,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: LEVEL[finding.severity],
    message: { text },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: finding.file, uriBaseId: '%SRCROOT%' }, region: regionOf(finding.line, finding.column, finding.endLine) },
      },
    ],
    partialFingerprints: { 'lockgateFingerprint/v1': finding.fingerprint },
    properties: {
      introduced: finding.introduced,
      ...(finding.package ? { package: finding.package } : {}),
      // The finding's own level: a rule can report below its default, and a config can change it.
      'security-severity': SECURITY_SEVERITY[finding.severity],
      // The finding's own confidence and persona (a rule can report below its usual ones).
      confidence: confidenceOf(finding),
      persona: personaOf(finding),
    },
  };
  if (related.length > 0) result.relatedLocations = related;
  return result;
}

function descriptorOf(rule: RuleMeta): ReportingDescriptor {
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.summary },
    help: { text: rule.help, markdown: rule.help },
    helpUri: rule.helpUri,
    defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
    properties: {
      tags: ['security', 'supply-chain'],
      'security-severity': SECURITY_SEVERITY[rule.defaultSeverity],
      precision: PRECISION[rule.defaultConfidence ?? 'high'],
      persona: rule.persona ?? 'regular',
    },
  };
}

export function sarifLog(report: Report, options: SarifOptions = {}): Log {
  const index = new Map(report.rules.map((rule, i) => [rule.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: DOCS_BASE_URL.replace(/\/blob\/.*$/, ''),
            rules: report.rules.map(descriptorOf),
          },
        },
        automationDetails: { id: automationId(options.category) },
        results: report.findings.map((f) => resultOf(f, index.get(f.rule))),
      },
    ],
  };
}

export function renderSarif(report: Report, options: SarifOptions = {}): string {
  return `${inertJson(sarifLog(report, options))}\n`;
}
