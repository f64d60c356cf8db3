/**
 * Workflow commands (`::error file=…::message`). Values are escaped as the runner unescapes them
 * (actions/toolkit's command.ts), so no file name or message can end the command early or start
 * a second one: `%`, CR and LF in data; additionally `:` and `,` in properties.
 */
import { compareFindings, severityRank, type Finding } from '../findings.js';
import type { FailOn } from '../settings/types.js';
import { filteredLine, qualifierSuffix } from './qualifiers.js';
import type { Report } from './types.js';

export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', notice: 'notice' };

export function workflowCommand(finding: Finding): string {
  const props: string[] = [`file=${escapeProperty(finding.file)}`];
  if (finding.line !== undefined) props.push(`line=${finding.line}`);
  if (finding.endLine !== undefined) props.push(`endLine=${finding.endLine}`);
  if (finding.column !== undefined) props.push(`col=${finding.column}`);
  // The title GitHub shows in bold: the rule, and its confidence and persona when not high and regular.
  props.push(`title=${escapeProperty(`lockgate ${finding.rule}${qualifierSuffix(finding)}`)}`);
  const text = finding.fix ? `${finding.message}\nFix: ${finding.fix}` : finding.message;
  return `::${COMMAND[finding.severity]} ${props.join(',')}::${escapeData(text)}`;
}

export interface GithubOptions {
  /** At most this many findings become commands (config `limits.max-rendered-findings`). */
  maxFindings?: number;
}

/**
 * `--format github`: one command per finding, most severe first, and a closing total. Over
 * `maxFindings`, the rest are counted in one notice that names the limit (JSON and SARIF carry all).
 */
export function renderGithub(report: Report, options: GithubOptions = {}): string {
  const sorted = [...report.findings].sort(compareFindings);
  const max = options.maxFindings ?? Infinity;
  const lines = sorted.slice(0, max).map(workflowCommand);
  if (sorted.length > max) {
    const more = sorted.length - max;
    lines.push(
      `::notice title=${escapeProperty('lockgate limits')}::${escapeData(
        `${more} more ${more === 1 ? 'finding is' : 'findings are'} not annotated: limits.max-rendered-findings is ${max}. Every finding is in the JSON and SARIF reports (--format json, --format sarif); to annotate more, set limits: max-rendered-findings in the lockgate config.`,
      )}`,
    );
  }
  const { error, warning, notice } = report.counts;
  lines.push(`lockgate: ${error} errors, ${warning} warnings, ${notice} notices`);
  const filtered = filteredLine(report.filtered, 'flags');
  if (filtered) lines.push(`lockgate: ${filtered}`);
  return `${lines.join('\n')}\n`;
}

/** 0: nothing at or above fail-on; 1: something is. */
export function exitCodeFor(report: Report, failOn: FailOn): 0 | 1 {
  if (failOn === 'never') return 0;
  const threshold = severityRank(failOn);
  return report.findings.some((f) => severityRank(f.severity) >= threshold) ? 1 : 0;
}

/** The one-line reason for a failed check, e.g. "3 errors at or above fail-on: error". */
export function failureReason(report: Report, failOn: FailOn): string {
  const threshold = failOn === 'never' ? 4 : severityRank(failOn);
  const n = report.findings.filter((f) => severityRank(f.severity) >= threshold).length;
  return `lockgate: ${n} finding${n === 1 ? '' : 's'} at or above fail-on: ${failOn}`;
}
