/**
 * Issue 13 item 1: a rule states its id and severity once. A finding's severity literal
 * (`severity: 'error'`, `severity = 'warning'`, `severity: Severity = 'notice'`) may appear in src/
 * only in rule metadata (`defaultSeverity:`) and as the `level:` of a report call. The files that
 * still have one are listed below until they are converted to defineRule; the list can only shrink
 * (a listed file that no longer has one fails the test: delete its line).
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Not converted yet: each still builds findings with a severity literal (none left; the list only shrinks). */
const NOT_CONVERTED: string[] = [];

/**
 * `severity` (not `defaultSeverity`) given a literal level, directly or inside the expression it is
 * set from (`const severity: Severity = trusted ? 'warning' : 'error'`), not a type union of levels
 * and not a comparison (`severity === 'notice'`).
 */
const SEVERITY_LITERAL = /(?<![A-Za-z0-9_$])severity\s*(?::\s*Severity\s*)?(?::|=(?!=))(?:[^;,|]|\|\|)*?['"](?:error|warning|notice)['"](?!\s*\|)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.generated.ts') ? [path] : [];
  });
}

function filesWithLiterals(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .map((text, i) => ({ text, line: i + 1 }))
      .filter(({ text }) => !/^\s*(\/\/|\*)/.test(text) && SEVERITY_LITERAL.test(text));
    if (lines.length > 0)
      found.set(
        relative(ROOT, file).split('\\').join('/'),
        lines.map(({ line, text }) => `${line}: ${text.trim()}`),
      );
  }
  return found;
}

describe('rule shape: severity literals only in rule metadata', () => {
  const found = filesWithLiterals();

  it('no file outside the allow-list has a severity literal', () => {
    const unexpected = [...found].filter(([file]) => !NOT_CONVERTED.includes(file)).map(([file, lines]) => `${file}\n  ${lines.join('\n  ')}`);
    expect(unexpected).toEqual([]);
  });

  it('every allow-listed file still has one (the list only shrinks)', () => {
    expect(NOT_CONVERTED.filter((file) => !found.has(file))).toEqual([]);
  });

  it('the pattern tells a literal from metadata, a level and a type', () => {
    expect(SEVERITY_LITERAL.test("makeFinding({ rule: 'x', severity: 'warning', file })")).toBe(true);
    expect(SEVERITY_LITERAL.test("severity = 'error';")).toBe(true);
    expect(SEVERITY_LITERAL.test("export function f(severity: Severity = 'error') {")).toBe(true);
    expect(SEVERITY_LITERAL.test("const severity: Severity = 'error';")).toBe(true);
    expect(SEVERITY_LITERAL.test("const severity: Severity = worst.trust === 'attacker' ? 'error' : 'warning';")).toBe(true);
    expect(SEVERITY_LITERAL.test("severity = privileges.risk === 'none' ? 'notice' : 'warning';")).toBe(true);
    expect(SEVERITY_LITERAL.test("fix: severity === 'notice' ? quietFix : fix,")).toBe(false);
    expect(SEVERITY_LITERAL.test("if (finding.severity !== 'error') continue;")).toBe(false);
    expect(SEVERITY_LITERAL.test("severity: 'error' | 'warning' | 'notice';")).toBe(false);
    expect(SEVERITY_LITERAL.test("severity: Severity, level: 'notice' })")).toBe(false);
    expect(SEVERITY_LITERAL.test("meta: { id: 'x', defaultSeverity: 'error' }")).toBe(false);
    expect(SEVERITY_LITERAL.test("report({ file, message, subject, level: 'notice' })")).toBe(false);
    expect(SEVERITY_LITERAL.test("severity: 'error' | 'warning' | 'notice' | null;")).toBe(false);
  });
});
