/**
 * Confidence and personas (issue 16 item 3, docs/confidence.md): the filters in the policy step
 * (`--min-confidence`, `--persona`, the action inputs, the config's `findings:`), what every format
 * shows of a finding's confidence and persona, the count of what was left out, and that `--fail-on`
 * never sees a finding the user asked not to see.
 */
import { describe, expect, it } from '@jest/globals';
import { toAnnotation, checkSummary } from '../src/action/checks.js';
import { makeFinding, type Finding } from '../src/findings.js';
import { applyPolicy, filterReason } from '../src/policy/policy.js';
import { exitCodeFor, renderGithub, workflowCommand } from '../src/report/github.js';
import { jsonFinding, renderJson } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { findingsOutput } from '../src/report/outputs.js';
import { sarifLog } from '../src/report/sarif.js';
import { renderText } from '../src/report/text.js';
import { RULES } from '../src/rules/index.js';
import { defaultConfig, parseConfig } from '../src/settings/config.js';
import { effectiveFilters, settingsFromAction, settingsFromArgv } from '../src/settings/resolve.js';
import { SettingsError } from '../src/settings/types.js';
import { pipelineSettings, runPipeline, sourceFiles } from './support/pipeline.js';

const now = new Date('2026-11-26T12:00:00Z');
const KNOWN = new Set(RULES.map((rule) => rule.id));

const finding = (rule: string, line: number, extra: Partial<Pick<Finding, 'confidence' | 'persona' | 'severity'>> = {}): Finding =>
  makeFinding({
    rule,
    severity: extra.severity ?? 'error',
    file: '.github/workflows/ci.yml',
    line,
    message: `${rule} at ${line}`,
    subject: `${line}`,
    ...extra,
  });

function policy(
  findings: Finding[],
  filters: { minConfidence?: 'high' | 'medium' | 'low'; persona?: 'regular' | 'pedantic' | 'auditor' } = {},
  onlyNew = false,
) {
  return applyPolicy({
    findings,
    config: defaultConfig(),
    configFile: '.github/lockgate.yml',
    texts: new Map(),
    now,
    onlyNew,
    defaults: new Map(RULES.map((r) => [r.id, r.defaultSeverity])),
    ...filters,
  });
}

const MIXED = [
  finding('template-injection', 1, { confidence: 'high' }),
  finding('template-injection', 2, { confidence: 'medium', severity: 'warning' }),
  finding('template-injection', 3, { confidence: 'low', severity: 'warning' }),
  finding('template-injection', 4, { persona: 'pedantic', severity: 'notice' }),
  finding('artipacked', 5, { persona: 'auditor', confidence: 'low', severity: 'warning' }),
  // A finding made outside a rule (the policy's own notices): high and regular.
  makeFinding({ rule: 'cooldown', severity: 'notice', file: '.github/lockgate.yml', message: 'x', subject: 'x' }),
];

describe('the filters in the policy step', () => {
  it('defaults to everything of the regular persona: low confidence shown, pedantic and auditor left out and counted', () => {
    const result = policy(MIXED);
    expect(result.findings.map((f) => f.line ?? 0)).toEqual([1, 2, 3, 0]);
    expect(result.filtered).toEqual({
      minConfidence: 'low',
      persona: 'regular',
      total: 2,
      byPersona: 2,
      byConfidence: 0,
      rules: { artipacked: 1, 'template-injection': 1 },
    });
  });

  it.each<['high' | 'medium' | 'low', 'regular' | 'pedantic' | 'auditor', number[], number, number]>([
    ['medium', 'regular', [1, 2, 0], 2, 1],
    ['high', 'regular', [1, 0], 2, 2],
    ['low', 'pedantic', [1, 2, 3, 4, 0], 1, 0],
    ['low', 'auditor', [1, 2, 3, 4, 5, 0], 0, 0],
    // The persona comes first: the auditor's low-confidence finding is out by its confidence only once its persona is shown.
    ['medium', 'auditor', [1, 2, 4, 0], 0, 2],
  ])('min-confidence %s, persona %s', (minConfidence, persona, lines, byPersona, byConfidence) => {
    const result = policy(MIXED, { minConfidence, persona });
    expect(result.findings.map((f) => f.line ?? 0)).toEqual(lines);
    expect(result.filtered).toMatchObject({ minConfidence, persona, byPersona, byConfidence, total: byPersona + byConfidence });
  });

  it('says why one finding is out, persona first', () => {
    expect(filterReason(MIXED[4]!, 'high', 'regular')).toBe('persona');
    expect(filterReason(MIXED[4]!, 'high', 'auditor')).toBe('confidence');
    expect(filterReason(MIXED[0]!, 'high', 'regular')).toBeNull();
  });

  it('waivers hold first (a waived finding is listed as waived, whatever the filters), and only-new never sees a filtered finding', () => {
    const old = { ...finding('template-injection', 9, { persona: 'pedantic' }), introduced: false };
    const result = policy([{ ...MIXED[3]!, waiver: { by: 'inline', reason: 'r' } } as Finding, old], {}, true);
    expect(result.waived).toHaveLength(1);
    expect(result.preexisting).toEqual([]);
    expect(result.filtered.total).toBe(1);
  });
});

describe('--fail-on never sees a filtered finding', () => {
  // A one-job workflow: template-injection of an issue title (error), and a workflow-level write
  // scope that only the pedantic persona reports (a warning), plus a pedantic code smell (a notice).
  const WORKFLOW = [
    'on: issues',
    'permissions:',
    '  issues: write',
    'jobs:',
    '  triage:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo "${{ github.sha }}"',
    '      - run: echo "${{ steps.x.outputs.y }}"',
    '',
  ].join('\n');
  const head = sourceFiles({ '.github/workflows/triage.yml': WORKFLOW });
  const run = (...args: string[]) => runPipeline(head, null, pipelineSettings(args)).result.report;

  it('the default run: the warning only, the pedantic findings counted as not shown; fail-on notice does not fail on them', () => {
    const report = run();
    expect(report.findings.map((f) => [f.rule, f.severity, f.confidence, f.persona ?? 'regular'])).toEqual([
      ['template-injection', 'warning', 'low', 'regular'],
    ]);
    expect(report.filtered).toMatchObject({ total: 2, byPersona: 2, rules: { 'excessive-permissions': 1, 'template-injection': 1 } });
    expect(report.counts).toEqual({ error: 0, warning: 1, notice: 0 });
    expect(exitCodeFor(report, 'warning')).toBe(1);
    // Only a notice is left out: fail-on notice fails on the warning, not on anything hidden.
    expect(exitCodeFor(run('--min-confidence', 'medium'), 'notice')).toBe(0);
  });

  it('--persona pedantic shows them, and then they gate', () => {
    const report = run('--persona', 'pedantic');
    expect(report.findings.map((f) => [f.rule, f.severity, f.persona ?? 'regular'])).toEqual([
      ['excessive-permissions', 'warning', 'pedantic'],
      ['template-injection', 'warning', 'regular'],
      ['template-injection', 'notice', 'pedantic'],
    ]);
    expect(report.filtered?.total).toBe(0);
    expect(report.counts).toEqual({ error: 0, warning: 2, notice: 1 });
    expect(exitCodeFor(report, 'notice')).toBe(1);
  });

  it('--min-confidence medium leaves out the low-confidence warning: nothing gates, and the count says so', () => {
    const report = run('--min-confidence', 'medium');
    expect(report.findings).toEqual([]);
    expect(report.counts).toEqual({ error: 0, warning: 0, notice: 0 });
    expect(report.filtered).toMatchObject({ total: 3, byPersona: 2, byConfidence: 1 });
    expect(exitCodeFor(report, 'notice')).toBe(0);
  });

  it('every format says what was left out', () => {
    const { outputs } = runPipeline(head, null, pipelineSettings(['--min-confidence', 'medium']));
    const line = '3 findings not shown (2 beyond the regular persona, 1 below medium confidence; not gating)';
    expect(outputs.text).toContain(`${line}: --persona auditor and --min-confidence low shows them.`);
    expect(outputs.text).toContain('0 errors, 0 warnings, 0 notices, 3 not shown');
    expect(outputs.github).toContain(`lockgate: ${line}`);
    expect(outputs.markdown).toContain(`${line}: persona: auditor and min-confidence: low shows them.`);
    expect(JSON.parse(outputs.json).filtered).toEqual({
      minConfidence: 'medium',
      persona: 'regular',
      total: 3,
      byPersona: 2,
      byConfidence: 1,
      rules: { 'excessive-permissions': 1, 'template-injection': 2 },
    });
  });
});

describe('what each format shows of a finding', () => {
  const low = makeFinding({
    rule: 'unpinned-image',
    severity: 'warning',
    file: '.github/workflows/ci.yml',
    line: 7,
    column: 5,
    message: 'The image may be unpinned.',
    fix: 'Pin it.',
    confidence: 'low',
    subject: 'x',
  });
  const pedantic = { ...low, line: 8, confidence: 'high' as const, persona: 'pedantic' as const, fingerprint: 'p' };
  const plain = { ...low, line: 9, confidence: undefined, fingerprint: 'q' };
  delete (plain as Partial<Finding>).confidence;
  const report = {
    tool: 'lockgate' as const,
    version: '0.0.0',
    base: null,
    head: 'WORKTREE',
    now: now.toISOString(),
    projects: [],
    findings: [low, pedantic, plain],
    waived: [],
    filtered: { minConfidence: 'low' as const, persona: 'pedantic' as const, total: 0, byPersona: 0, byConfidence: 0, rules: {} },
    counts: { error: 0, warning: 3, notice: 0 },
    rules: [{ id: 'unpinned-image', name: 'UnpinnedImage', summary: 's', defaultSeverity: 'error' as const, help: 'h', helpUri: 'u' }],
  };

  it('text: next to the rule id, only when not high and regular', () => {
    const text = renderText(report, { color: false });
    expect(text).toContain('[unpinned-image, low confidence]');
    expect(text).toContain('[unpinned-image, pedantic]');
    expect(text).toContain('[unpinned-image]');
    expect(text).not.toContain('not shown');
  });

  it('annotations and the check run: in the title', () => {
    expect(workflowCommand(low)).toContain('title=lockgate unpinned-image (low confidence)::');
    expect(workflowCommand(plain)).toContain('title=lockgate unpinned-image::');
    expect(toAnnotation(pedantic)?.title).toBe('unpinned-image (pedantic)');
    expect(renderGithub(report)).not.toContain('not shown');
    expect(checkSummary({ ...report, filtered: { ...report.filtered, total: 1, byConfidence: 1 } }, 'error', 'success', 0)).toContain('1 finding not shown');
  });

  it('markdown: after the rule id in the details, and findings of different confidence are not merged', () => {
    const markdown = renderMarkdown(report, { maxBytes: 100_000 });
    expect(markdown).toContain('<code>unpinned-image</code> _(low confidence)_');
    expect(markdown).toContain('<code>unpinned-image</code> _(pedantic)_');
    expect(markdown).not.toContain('not shown');
  });

  it("JSON: confidence and persona on every finding, after package and before related, in the contract's order", () => {
    const parsed = JSON.parse(renderJson(report));
    expect(parsed.findings.map((f: Finding) => [f.confidence, f.persona])).toEqual([
      ['low', 'regular'],
      ['high', 'pedantic'],
      ['high', 'regular'],
    ]);
    const withAll = jsonFinding({ ...low, package: { name: 'p' }, related: [{ file: 'a', line: 1, message: 'm' }], endLine: 8 });
    expect(Object.keys(withAll)).toEqual([
      'rule',
      'severity',
      'file',
      'line',
      'endLine',
      'column',
      'message',
      'fix',
      'package',
      'confidence',
      'persona',
      'related',
      'introduced',
      'fingerprint',
    ]);
    // `filtered` sits just before `counts`, an addition to the design doc's schema like waived and preexisting.
    expect(Object.keys(parsed).slice(-2)).toEqual(['filtered', 'counts']);
    expect(JSON.parse(findingsOutput(report)).findings[0]).toMatchObject({ confidence: 'low', persona: 'regular' });
  });

  it('SARIF: result properties, and the rule precision code scanning orders alerts by', () => {
    const run = sarifLog({ ...report, rules: [{ ...report.rules[0]!, defaultConfidence: 'medium', persona: 'regular' }] }).runs[0]!;
    expect(run.results!.map((r) => [r.properties?.confidence, r.properties?.persona])).toEqual([
      ['low', 'regular'],
      ['high', 'pedantic'],
      ['high', 'regular'],
    ]);
    expect(run.tool.driver.rules![0]!.properties).toMatchObject({ precision: 'medium', persona: 'regular' });
    expect(sarifLog(report).runs[0]!.tool.driver.rules![0]!.properties).toMatchObject({ precision: 'high' });
  });

  it("every rule's metadata carries its confidence and persona (the engine's rule list)", async () => {
    const { ruleMetas } = await import('../src/engine.js');
    for (const meta of ruleMetas()) {
      expect(['high', 'medium', 'low']).toContain(meta.defaultConfidence);
      expect(['regular', 'pedantic', 'auditor']).toContain(meta.persona);
    }
  });
});

describe('settings: flags, action inputs and the config', () => {
  const cli = (...args: string[]) => {
    const command = settingsFromArgv(args, {}, '/');
    if (command.kind !== 'run') throw new Error('expected a run');
    return command.settings;
  };
  const inputs =
    (values: Record<string, string>) =>
    (name: string): string =>
      values[name] ?? '';

  it('--min-confidence and --persona take their values, and refuse others with a clear error', () => {
    expect(cli('--min-confidence', 'medium', '--persona', 'auditor')).toMatchObject({ minConfidence: 'medium', persona: 'auditor' });
    expect(() => cli('--min-confidence', 'certain')).toThrow(new SettingsError('--min-confidence must be one of high, medium, low, not "certain"'));
    expect(() => cli('--persona', 'Pedantic')).toThrow(new SettingsError('--persona must be one of regular, pedantic, auditor, not "Pedantic"'));
    expect(cli().minConfidence).toBeUndefined();
  });

  it('the action inputs min-confidence and persona, empty meaning the config, else the defaults', () => {
    const revisions = { base: null, head: null };
    expect(settingsFromAction(inputs({ 'min-confidence': 'high', persona: 'pedantic' }), {}, revisions)).toMatchObject({
      minConfidence: 'high',
      persona: 'pedantic',
    });
    const unset = settingsFromAction(inputs({}), {}, revisions);
    expect([unset.minConfidence, unset.persona]).toEqual([undefined, undefined]);
    expect(effectiveFilters(unset)).toEqual({ minConfidence: 'low', persona: 'regular' });
    expect(() => settingsFromAction(inputs({ 'min-confidence': 'hi' }), {}, revisions)).toThrow(
      new SettingsError('input min-confidence must be one of high, medium, low, not "hi"'),
    );
    expect(() => settingsFromAction(inputs({ persona: 'admin' }), {}, revisions)).toThrow(/input persona must be one of regular, pedantic, auditor/);
  });

  it('the config findings: section, with the flag winning when given', () => {
    const config = parseConfig('.github/lockgate.yml', 'findings:\n  min-confidence: medium\n  persona: pedantic\n', KNOWN);
    expect(config.findings).toEqual({ minConfidence: 'medium', persona: 'pedantic' });
    const fromConfig = { ...cli(), config };
    expect(effectiveFilters(fromConfig)).toEqual({ minConfidence: 'medium', persona: 'pedantic' });
    expect(effectiveFilters({ ...cli('--persona', 'regular'), config })).toEqual({ minConfidence: 'medium', persona: 'regular' });
  });

  it.each([
    ['findings:\n  persona: admin\n', '.github/lockgate.yml:2: findings.persona must be one of regular, pedantic, auditor, not "admin"'],
    ['findings:\n  min-confidence: certain\n', '.github/lockgate.yml:2: findings.min-confidence must be one of high, medium, low, not "certain"'],
    ['findings:\n  min-severity: high\n', '.github/lockgate.yml:2: unknown key findings.min-severity (expected min-confidence, persona)'],
    ['findings: pedantic\n', '.github/lockgate.yml:1: findings must be a mapping'],
  ])('refuses %j naming the file and line', (text, message) => {
    expect(() => parseConfig('.github/lockgate.yml', text, KNOWN)).toThrow(new SettingsError(message));
  });
});
