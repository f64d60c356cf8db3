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
 * engine's own `buildContext`, offline, so a case sees what a run would; and as in a run, a finding
 * waived by an inline `# lockgate: ignore[<rule>]` (or `# zizmor: ignore[...]`) comment is not
 * reported (the policy's own reading, src/policy/policy.ts). Each `# lockgate: ignore[<rule>]`
 * comment of the rule under test must waive one of its findings, or the case fails: an ignore that
 * covers nothing proves nothing.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContext } from '../../src/engine.js';
import type { Finding } from '../../src/findings.js';
import { applyPolicy } from '../../src/policy/policy.js';
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
export function caseContext(testCase: Case): { context: RuleContext; head: SourceFiles; settings: Settings } {
  const { head, base } = sides(testCase);
  const settings = testCase.settings ?? testSettings();
  const context = { ...buildContext(settings, head, base), headTime: settings.now };
  if (testCase.index !== undefined) context.index = testCase.index;
  if (testCase.github !== undefined) context.github = testCase.github;
  return { context, head, settings };
}

const keyOf = (finding: Finding): string => `${finding.file}:${finding.line ?? ''}:${finding.column ?? ''}:${finding.fingerprint}:${finding.message}`;

/**
 * The findings a run still reports once the inline ignore comments of the head files are applied
 * (config ignores, severity overrides and the persona and confidence filters are left out: a case
 * tests the rule). Throws on a `# lockgate: ignore[<rule>]` comment that waives none of them.
 */
function afterInlineIgnores(rule: Rule, found: Finding[], head: SourceFiles, settings: Settings): Finding[] {
  const { waived } = applyPolicy({
    findings: found,
    config: { ...settings.config, ignore: [], rules: {} },
    configFile: settings.configFile,
    texts: head.texts,
    now: settings.now,
    onlyNew: false,
    defaults: new Map([[rule.id, rule.defaultSeverity]]),
    minConfidence: 'low',
    persona: 'auditor',
  });
  for (const [file, text] of head.texts) {
    text.split('\n').forEach((line, index) => {
      for (const match of line.matchAll(/#\s*lockgate:\s*ignore\[([^\]\n]*)\]/gi)) {
        if (!match[1].split(',').some((id) => id.trim() === rule.id)) continue;
        const standalone = line.trimStart().startsWith('#');
        const covered = waived.some((w) => w.file === file && (w.line === index + 1 || (standalone && w.line === index + 2)));
        if (!covered) throw new Error(`${file}:${index + 1}: # lockgate: ignore[${rule.id}] waives no ${rule.id} finding`);
      }
    });
  }
  const waivedKeys = new Set(waived.map(keyOf));
  return found.filter((finding) => !waivedKeys.has(keyOf(finding)));
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
  /** The findings of the rule on one case (before any ignore comment), for the assertions a table cannot make (messages, fixes). */
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
    const { head, settings } = caseContext(testCase);
    const marked = markerRows(head).filter((row) => row.rule === rule.id);
    if (marked.length > 0) throw new Error(`valid case ${titleOf(testCase)} marks ${marked.length} expected ${rule.id} findings`);
    expect(afterInlineIgnores(rule, findings(testCase), head, settings).map((f) => rowOf(f, rule.id))).toEqual([]);
  };
  const verifyInvalid = (testCase: InvalidCase): void => {
    const { context, head, settings } = caseContext(testCase);
    let expected: Row[];
    if (testCase.expected) expected = testCase.expected.map((row) => rowOf(row, rule.id));
    else {
      expected = markerRows(head)
        .filter((row) => row.rule === rule.id)
        .map((row) => rowOf(row, rule.id));
      if (expected.length === 0) throw new Error(`invalid case ${titleOf(testCase)} has neither expected rows nor # expect[${rule.id}:...] markers`);
    }
    expect(sorted(afterInlineIgnores(rule, rule.check(context), head, settings).map((f) => rowOf(f, rule.id)))).toEqual(sorted(expected));
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
