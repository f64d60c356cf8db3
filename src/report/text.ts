/**
 * The terminal report: findings grouped by file, the lock changes per project, a one-line total.
 * Colours only on a TTY (and never with NO_COLOR); every untrusted value is made terminal-safe.
 */
import { compareFindings, type Finding } from '../findings.js';
import { filteredLine, qualifiersOf } from './qualifiers.js';
import { terminalSafe } from './terminal.js';
import type { Report } from './types.js';

export interface TextOptions {
  color: boolean;
}

const CODES = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1, green: 32 } as const;

export function renderText(report: Report, options: TextOptions): string {
  const paint = (code: keyof typeof CODES, s: string) => (options.color ? `\u001b[${CODES[code]}m${s}\u001b[0m` : s);
  const label = (f: Finding) =>
    f.severity === 'error' ? paint('red', 'error  ') : f.severity === 'warning' ? paint('yellow', 'warning') : paint('cyan', 'notice ');
  const out: string[] = [];
  const range = report.base
    ? `${report.base.slice(0, 12)}..${report.head === 'WORKTREE' ? 'working tree' : report.head.slice(0, 12)}`
    : `full audit of ${report.head === 'WORKTREE' ? 'the working tree' : report.head.slice(0, 12)}`;
  out.push(paint('bold', `lockgate ${report.version}: ${range}`));

  for (const project of report.projects) {
    if (project.changes.length === 0) continue;
    out.push('', paint('bold', `${terminalSafe(project.lock)}: ${project.changes.length} change${project.changes.length === 1 ? '' : 's'}`));
    for (const change of project.changes) {
      const versions = change.from && change.to && change.from !== change.to ? `${change.from} -> ${change.to}` : (change.to ?? change.from ?? '');
      const sources = change.kind === 'source-changed' && change.fromSource && change.toSource ? ` (${change.fromSource} -> ${change.toSource})` : '';
      out.push(`  ${change.kind.padEnd(14)} ${terminalSafe(change.name)} ${terminalSafe(versions)}${terminalSafe(sources)}`);
    }
  }

  const byFile = new Map<string, Finding[]>();
  for (const finding of [...report.findings].sort((a, b) => a.file.localeCompare(b.file) || compareFindings(a, b))) {
    const list = byFile.get(finding.file) ?? [];
    list.push(finding);
    byFile.set(finding.file, list);
  }
  for (const [file, findings] of byFile) {
    out.push('', paint('bold', terminalSafe(file)));
    for (const f of findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || compareFindings(a, b))) {
      const where = f.line !== undefined ? `${f.line}:${f.column ?? 1}` : '-';
      // Confidence and persona only when not the usual high and regular (src/report/qualifiers.ts).
      const tag = [f.rule, ...qualifiersOf(f)].join(', ');
      out.push(`  ${paint('dim', where.padEnd(8))} ${label(f)} ${terminalSafe(f.message).replace(/\n/g, '\n           ')} ${paint('dim', `[${tag}]`)}`);
      if (f.fix) out.push(`           ${paint('green', 'fix:')} ${terminalSafe(f.fix).replace(/\n/g, '\n                ')}`);
    }
  }
  if (report.waived.length > 0) {
    out.push('', paint('bold', `waived (${report.waived.length})`));
    for (const w of report.waived) {
      const until = w.waiver.until ? ` until ${w.waiver.until}` : '';
      out.push(
        `  ${terminalSafe(w.file)}${w.line ? `:${w.line}` : ''} [${[w.rule, ...qualifiersOf(w)].join(', ')}] ${terminalSafe(w.message)} ${paint('dim', `(${w.waiver.by}${until}: ${terminalSafe(w.waiver.reason ?? '')})`)}`,
      );
    }
  }
  const preexisting = report.preexisting ?? [];
  if (preexisting.length > 0) {
    // only-new: shown so nothing is hidden, one line each, and kept apart from what gates.
    out.push('', paint('bold', `existed before this change, not gating (${preexisting.length})`));
    for (const f of [...preexisting].sort(compareFindings)) {
      out.push(
        `  ${terminalSafe(f.file)}${f.line ? `:${f.line}` : ''} ${f.severity} [${[f.rule, ...qualifiersOf(f)].join(', ')}] ${terminalSafe(f.message.split('\n')[0] ?? '')}`,
      );
    }
  }
  const { error, warning, notice } = report.counts;
  const filtered = filteredLine(report.filtered, 'flags');
  out.push(
    '',
    `${paint(error ? 'red' : 'green', `${error} error${error === 1 ? '' : 's'}`)}, ${warning} warning${warning === 1 ? '' : 's'}, ${notice} notice${notice === 1 ? '' : 's'}${report.waived.length ? `, ${report.waived.length} waived` : ''}${preexisting.length ? `, ${preexisting.length} existed before` : ''}${report.filtered?.total ? `, ${report.filtered.total} not shown` : ''}`,
  );
  if (filtered) out.push(paint('dim', filtered));
  return `${out.join('\n')}\n`;
}
