/**
 * SARIF 2.1.0 as GitHub code scanning accepts it: every rule with help text, results with a
 * location (line 1 when a finding has none), and partial fingerprints that survive line moves.
 */
import type { Finding } from '../findings.js';
import { RULES } from '../rules/index.js';
import { RULE_DOCS } from '../rules/docs.generated.js';
import { DOCS_BASE_URL, TOOL_NAME, VERSION } from '../version.js';
import { inertJson } from './json.js';
import type { Report } from './types.js';

const LEVEL = { error: 'error', warning: 'warning', notice: 'note' } as const;
const SECURITY_SEVERITY = { error: '8.0', warning: '5.0', notice: '2.0' } as const;

function resultOf(finding: Finding, ruleIndex: number) {
  const region: Record<string, number> = { startLine: Math.max(1, finding.line ?? 1) };
  if (finding.column !== undefined) region.startColumn = Math.max(1, finding.column);
  if (finding.endLine !== undefined && finding.endLine >= region.startLine) region.endLine = finding.endLine;
  return {
    ruleId: finding.rule,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: finding.fix ? `${finding.message}\nFix: ${finding.fix}` : finding.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: finding.file, uriBaseId: '%SRCROOT%' }, region } }],
    partialFingerprints: { 'lockgateFingerprint/v1': finding.fingerprint },
    properties: { introduced: finding.introduced, ...(finding.package ? { package: finding.package } : {}) },
  };
}

export function renderSarif(report: Report): string {
  const index = new Map(RULES.map((rule, i) => [rule.id, i]));
  const sarif = {
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
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: rule.summary },
              fullDescription: { text: rule.summary },
              help: { text: RULE_DOCS[rule.id] ?? rule.summary, markdown: RULE_DOCS[rule.id] ?? rule.summary },
              helpUri: `${DOCS_BASE_URL}${rule.id}.md`,
              defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
              properties: { tags: ['security', 'supply-chain'], 'security-severity': SECURITY_SEVERITY[rule.defaultSeverity] },
            })),
          },
        },
        automationDetails: { id: 'lockgate/' },
        results: report.findings.map((f) => resultOf(f, index.get(f.rule) ?? -1)),
      },
    ],
  };
  return `${inertJson(sarif)}\n`;
}
