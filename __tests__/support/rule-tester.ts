/**
 * One rule tester for uv and workflow rules alike, as ESLint's RuleTester has it:
 *
 *   ruleTester(rule).run({
 *     valid: [{ name: 'pinned', files: { '.github/workflows/ci.yml': '...' } }, { fixture: 'fixtures/workflows/rules/x/clean' }],
 *     invalid: [{ fixture: 'fixtures/uv/cases/downgrade', expected: [{ file: 'uv.lock', line: 63, severity: 'notice' }] }],
 *   });
 *
 * A case is inline texts (`files`, and `base` for a change) or a fixture folder (`fixture`: a tree
 * with `head/` and optionally `base/` for a change, or the tree itself as head of a full audit).
 * A valid case must give no finding. An invalid case gives exactly its `expected` rows, or, without
 * `expected`, exactly the lines its head files mark with `# expect[<rule>:<severity>]`
 * (`*N` for N findings, `# expect-next[...]` for the line below). The context comes from the
 * engine's own `buildContext`, offline, so a case sees what a run would.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContext } from '../../src/engine.js';
import type { Finding } from '../../src/findings.js';
import type { GithubFacts, IndexFacts } from '../../src/facts/types.js';
import type { Rule, RuleContext } from '../../src/rules/types.js';
import type { Settings } from '../../src/settings/types.js';
import type { SourceFiles } from '../../src/source/types.js';
import { sourceFromDir, sourceFromTexts } from '../uv-helpers.js';
import { markerRows, testSettings } from './workflows.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CaseOptions {
  /** The test's title; defaults to the fixture path or the first file name. */
  name?: string;
  settings?: Settings;
  index?: IndexFacts | null;
  github?: GithubFacts | null;
}

export interface InlineCase extends CaseOptions {
  /** The head revision's files, path -> text. */
  files: Record<string, string>;
  /** The base revision's files; absent or null for a full audit. */
  base?: Record<string, string> | null;
}

export interface FixtureCase extends CaseOptions {
  /** A folder, relative to the repository root or absolute: `head/` (+ `base/`), or the head tree itself. */
  fixture: string;
}

export type Case = InlineCase | FixtureCase;

/** One expected finding; `rule` defaults to the rule under test. */
export interface ExpectedFinding {
  rule?: string;
  file: string;
  line?: number;
  severity: string;
}

export type InvalidCase = Case & { expected?: ExpectedFinding[] };

interface Row {
  rule: string;
  file: string;
  line: number | null;
  severity: string;
}

function sides(testCase: Case): { head: SourceFiles; base: SourceFiles | null } {
  if ('files' in testCase) return { head: sourceFromTexts(testCase.files), base: testCase.base ? sourceFromTexts(testCase.base) : null };
  const dir = isAbsolute(testCase.fixture) ? testCase.fixture : join(ROOT, testCase.fixture);
  if (!existsSync(dir)) throw new Error(`no fixture folder ${testCase.fixture}`);
  if (!existsSync(join(dir, 'head'))) return { head: sourceFromDir(dir), base: null };
  return { head: sourceFromDir(join(dir, 'head')), base: existsSync(join(dir, 'base')) ? sourceFromDir(join(dir, 'base')) : null };
}

/** The engine's context for a case (offline test settings unless the case gives its own). */
export function caseContext(testCase: Case): { context: RuleContext; head: SourceFiles } {
  const { head, base } = sides(testCase);
  const settings = testCase.settings ?? testSettings();
  const context = { ...buildContext(settings, head, base), headTime: settings.now };
  if (testCase.index !== undefined) context.index = testCase.index;
  if (testCase.github !== undefined) context.github = testCase.github;
  return { context, head };
}

function rowOf(finding: { rule?: string; file: string; line?: number; severity: string }, ruleId: string): Row {
  return { rule: finding.rule ?? ruleId, file: finding.file, line: finding.line ?? null, severity: finding.severity };
}

function sorted(rows: Row[]): Row[] {
  return [...rows].sort(
    (a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || a.rule.localeCompare(b.rule) || a.severity.localeCompare(b.severity),
  );
}

function titleOf(testCase: Case): string {
  return testCase.name ?? ('fixture' in testCase ? testCase.fixture : (Object.keys(testCase.files)[0] ?? '(no files)'));
}

export interface RuleTester {
  /** The findings of the rule on one case, for the assertions a table cannot make (messages, fixes). */
  findings(testCase: Case): Finding[];
  /** Throws unless the case gives no finding (and marks none). */
  verifyValid(testCase: Case): void;
  /** Throws unless the case gives exactly its expected rows (or its marked lines). */
  verifyInvalid(testCase: InvalidCase): void;
  /** Declares one jest test per case, under `describe(<rule id>)`. */
  run(cases: { valid?: Case[]; invalid?: InvalidCase[] }): void;
}

export function ruleTester(rule: Rule): RuleTester {
  const findings = (testCase: Case): Finding[] => {
    const found = rule.check(caseContext(testCase).context);
    // A rule returns only its own findings; an internal-error is a crash the test must show.
    for (const finding of found) if (finding.rule !== rule.id) throw new Error(`${rule.id} gave a ${finding.rule} finding: ${finding.message}`);
    return found;
  };
  const verifyValid = (testCase: Case): void => {
    const marked = markerRows(caseContext(testCase).head).filter((row) => row.rule === rule.id);
    if (marked.length > 0) throw new Error(`valid case ${titleOf(testCase)} marks ${marked.length} expected ${rule.id} findings`);
    expect(findings(testCase).map((f) => rowOf(f, rule.id))).toEqual([]);
  };
  const verifyInvalid = (testCase: InvalidCase): void => {
    const { context, head } = caseContext(testCase);
    let expected: Row[];
    if (testCase.expected) expected = testCase.expected.map((row) => rowOf(row, rule.id));
    else {
      expected = markerRows(head)
        .filter((row) => row.rule === rule.id)
        .map((row) => rowOf(row, rule.id));
      if (expected.length === 0) throw new Error(`invalid case ${titleOf(testCase)} has neither expected rows nor # expect[${rule.id}:...] markers`);
    }
    expect(sorted(rule.check(context).map((f) => rowOf(f, rule.id)))).toEqual(sorted(expected));
  };
  return {
    findings,
    verifyValid,
    verifyInvalid,
    run({ valid = [], invalid = [] }) {
      describe(rule.id, () => {
        for (const testCase of valid) it(`valid: ${titleOf(testCase)}`, () => verifyValid(testCase));
        for (const testCase of invalid) it(`invalid: ${titleOf(testCase)}`, () => verifyInvalid(testCase));
      });
    },
  };
}
