/**
 * SARIF as code scanning reads it: valid against the OASIS SARIF 2.1.0 schema (vendored in
 * fixtures/sarif/, source named there) on the demo and on a 120-finding pull request; what the SARIF
 * multitool's SARIF1001 asks of rule names; security-severity from each finding's own level; the
 * run's category; related locations linked from the message. Also the action's JSON outputs.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Log, Result } from 'sarif';
import { ruleMetas } from '../src/engine.js';
import { makeFinding, type Finding } from '../src/findings.js';
import { jsonFinding } from '../src/report/json.js';
import { changesOutput, findingsOutput } from '../src/report/outputs.js';
import { ruleName } from '../src/report/rule-meta.js';
import { automationId, renderSarif } from '../src/report/sarif.js';
import type { Report } from '../src/report/types.js';
import { actionSarifCategory, settingsFromAction, settingsFromArgv } from '../src/settings/resolve.js';
import { SettingsError } from '../src/settings/types.js';
import { manyPr, typicalPr } from './report-scenarios.js';
import { runPipeline, sourceFiles } from './support/pipeline.js';

const FIXTURES = join(new URL('.', import.meta.url).pathname, 'fixtures', 'sarif');

// ajv-formats is CommonJS: its default export arrives as the module object under ESM jest.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** The OASIS schema is draft-04; with `id` read as `$id` ajv's default dialect checks the same keywords. */
function sarifValidator() {
  const { $schema: _draft04, id, ...schema } = JSON.parse(readFileSync(join(FIXTURES, 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile({ $id: id as string, ...schema });
}

const validate = sarifValidator();

function schemaErrors(text: string): string[] {
  validate(JSON.parse(text));
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function report(findings: Finding[], extra: Partial<Report> = {}): Report {
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  return {
    tool: 'lockgate',
    version: '0.1.0',
    base: null,
    head: 'WORKTREE',
    now: '2026-11-26T00:00:00.000Z',
    projects: [],
    findings,
    waived: [],
    counts,
    rules: ruleMetas(),
    ...extra,
  };
}

function results(text: string): Result[] {
  return (JSON.parse(text) as Log).runs[0]!.results!;
}

describe('SARIF against the SARIF 2.1.0 schema', () => {
  it('the schema check can fail (a result without a message, a bad level)', () => {
    const sarif = JSON.parse(renderSarif(typicalPr().report)) as Log;
    const broken = sarif.runs[0]!.results![0] as unknown as Record<string, unknown>;
    delete broken.message;
    broken.level = 'fatal';
    expect(schemaErrors(JSON.stringify(sarif)).length).toBeGreaterThanOrEqual(2);
  });

  it('the demo pull request: 0 errors', () => {
    const { report: demo } = typicalPr();
    expect(demo.findings.length).toBeGreaterThan(3);
    expect(schemaErrors(renderSarif(demo))).toEqual([]);
    expect(schemaErrors(renderSarif(demo, { category: 'lockgate/ci/gate' }))).toEqual([]);
  });

  it('a pull request with 120 findings: 0 errors, one result each', () => {
    const { report: many } = manyPr();
    expect(many.findings.length).toBeGreaterThanOrEqual(120);
    const text = renderSarif(many);
    expect(schemaErrors(text)).toEqual([]);
    expect(results(text)).toHaveLength(many.findings.length);
  });

  it('findings with related locations, no line, odd columns: 0 errors', () => {
    const findings = [
      makeFinding({
        rule: 'artipacked',
        severity: 'warning',
        file: '.github/workflows/ci.yml',
        line: 8,
        column: 15,
        message: 'm',
        related: [{ file: '.github/workflows/ci.yml', line: 12, column: 9, message: 'the upload step' }],
        subject: 'a',
      }),
      makeFinding({ rule: 'lock-missing', severity: 'error', file: 'pyproject.toml', message: 'no lock', subject: 'b' }),
      makeFinding({ rule: 'cooldown', severity: 'error', file: 'uv.lock', line: 0, column: 0, endLine: 0, message: 'x', subject: 'c' }),
    ];
    expect(schemaErrors(renderSarif(report(findings)))).toEqual([]);
  });

  it('the real rules with related locations (artipacked, dangerous-trigger): 0 errors, each linked', () => {
    const workflow = [
      'on: pull_request_target',
      'permissions:',
      '  contents: read',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
      '        with:',
      '          ref: ${{ github.event.pull_request.head.sha }}',
      '      - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2',
      '        with:',
      '          path: .',
      '',
    ].join('\n');
    const { report: run } = runPipeline(sourceFiles({ '.github/workflows/ci.yml': workflow }), null).result;
    const text = renderSarif(run);
    expect(schemaErrors(text)).toEqual([]);
    const related = results(text).filter((r) => r.relatedLocations !== undefined);
    expect(related.map((r) => [r.ruleId, r.relatedLocations!.map((l) => l.physicalLocation!.region!.startLine)])).toEqual([
      ['dangerous-trigger', [10]],
      ['artipacked', [11]],
    ]);
    for (const r of related) expect(r.message.text).toMatch(/\nSee also: \[[^\]]+\]\(1\)\.$/);
  });
});

describe('SARIF for code scanning', () => {
  it('rule names: PascalCase, distinct, never the id whatever the case (SARIF1001)', () => {
    const metas = ruleMetas();
    const names = metas.map((rule) => rule.name);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of metas) {
      expect(rule.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(rule.name.toLowerCase()).not.toBe(rule.id.toLowerCase());
    }
    expect(ruleName('unpinned-uses')).toBe('UnpinnedUses');
    expect(ruleName('cooldown')).toBe('ReleaseInsideCooldown');
    // A one-word rule added without a name still gets one that is not its id.
    expect(ruleName('newrule')).toBe('NewruleRule');
    const driver = (JSON.parse(renderSarif(report([]))) as Log).runs[0]!.tool.driver;
    expect(driver.rules!.map((rule) => [rule.id, rule.name])).toEqual(metas.map((rule) => [rule.id, rule.name]));
    expect(driver.rules!.every((rule) => rule.help?.markdown?.startsWith(`# ${rule.id}`))).toBe(true);
  });

  it('security-severity follows the finding, not the rule default; the rule keeps its default', () => {
    // cooldown defaults to error; a config can make it a notice, and a rule can report below its default.
    const findings = [
      makeFinding({ rule: 'cooldown', severity: 'notice', file: 'uv.lock', line: 3, message: 'young', subject: 'a' }),
      makeFinding({ rule: 'cooldown', severity: 'error', file: 'uv.lock', line: 9, message: 'young', subject: 'b' }),
      makeFinding({ rule: 'downgrade', severity: 'warning', file: 'uv.lock', line: 5, message: 'down', subject: 'c' }),
    ];
    const sarif = JSON.parse(renderSarif(report(findings))) as Log;
    const byRule = new Map(sarif.runs[0]!.tool.driver.rules!.map((rule) => [rule.id, rule]));
    expect(sarif.runs[0]!.results!.map((r) => [r.ruleId, r.level, r.properties?.['security-severity']])).toEqual([
      ['cooldown', 'note', '2.0'],
      ['cooldown', 'error', '8.0'],
      ['downgrade', 'warning', '5.0'],
    ]);
    expect(byRule.get('cooldown')!.properties!['security-severity']).toBe('8.0');
    expect(byRule.get('downgrade')!.properties!['security-severity']).toBe('2.0');
    // ruleIndex points at the result's own rule.
    for (const result of sarif.runs[0]!.results!) expect(sarif.runs[0]!.tool.driver.rules![result.ruleIndex!]!.id).toBe(result.ruleId);
  });

  it('a finding of a rule the report does not list has no ruleIndex (never -1 or a wrong rule)', () => {
    const finding = makeFinding({ rule: 'no-such-rule', severity: 'error', file: 'x', line: 1, message: 'm', subject: 'x' });
    const [result] = results(renderSarif(report([finding])));
    expect(result!.ruleId).toBe('no-such-rule');
    expect(result!.ruleIndex).toBeUndefined();
  });

  it('the category: lockgate/ by default, else the one given, with one trailing slash', () => {
    const id = (category?: string | null) => (JSON.parse(renderSarif(report([]), { category })) as Log).runs[0]!.automationDetails!.id;
    expect(id()).toBe('lockgate/');
    expect(id(null)).toBe('lockgate/');
    expect(id('lockgate/CI/gate')).toBe('lockgate/CI/gate/');
    expect(id('my-scan//')).toBe('my-scan/');
    expect(automationId('  ')).toBe('lockgate/');
  });

  it('related locations: ids from 1, each linked from the message; a link cannot be forged from the checked files', () => {
    const finding = makeFinding({
      rule: 'artipacked',
      severity: 'warning',
      file: '.github/workflows/ci.yml',
      line: 8,
      column: 15,
      message: 'This checkout leaves the token; see [the step](1) and a [link](2) of the PR author',
      related: [{ file: '.github/workflows/ci.yml', line: 12, column: 9, message: 'the [upload](9) step\nline two' }],
      subject: 'a',
    });
    const [result] = results(renderSarif(report([finding])));
    expect(result!.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: { artifactLocation: { uri: '.github/workflows/ci.yml', uriBaseId: '%SRCROOT%' }, region: { startLine: 12, startColumn: 9 } },
        message: { text: 'the [upload\\](9) step\nline two' },
      },
    ]);
    const text = result!.message.text!;
    expect(text.endsWith('\nSee also: [the upload(9) step line two](1).')).toBe(true);
    // The one embedded link is ours: every other `](` is escaped.
    expect(text.match(/(?<!\\)\]\(\d+\)/g)).toEqual(['](1)']);
    // No related: no relatedLocations, no "See also".
    const [plain] = results(
      renderSarif(report([makeFinding({ rule: 'artipacked', severity: 'warning', file: 'a.yml', line: 1, message: 'm', subject: 'b' })])),
    );
    expect(plain!.relatedLocations).toBeUndefined();
    expect(plain!.message.text).toBe('m');
  });
});

describe('--sarif-category and the sarif-category input', () => {
  const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? '';

  it('the CLI flag sets the category; without it there is none (lockgate/)', () => {
    const run = settingsFromArgv(['--sarif-category', 'lockgate/nightly'], {}, '/tmp');
    expect(run.kind === 'run' && run.settings.sarifCategory).toBe('lockgate/nightly');
    const plain = settingsFromArgv([], { GITHUB_WORKFLOW: 'CI', GITHUB_JOB: 'gate' }, '/tmp');
    expect(plain.kind === 'run' && plain.settings.sarifCategory).toBeNull();
  });

  it('the action: workflow and job by default, the input over them', () => {
    const env = { GITHUB_WORKFLOW: 'Supply chain', GITHUB_JOB: 'lockgate', GITHUB_WORKSPACE: '/w' };
    expect(settingsFromAction(inputs({}), env, { base: null, head: null }).sarifCategory).toBe('lockgate/Supply chain/lockgate');
    expect(settingsFromAction(inputs({ 'sarif-category': ' lockgate/app ' }), env, { base: null, head: null }).sarifCategory).toBe('lockgate/app');
    expect(settingsFromAction(inputs({}), { GITHUB_WORKSPACE: '/w' }, { base: null, head: null }).sarifCategory).toBeNull();
    // A workflow name is free text: controls are cleaned, not refused.
    expect(actionSarifCategory({ GITHUB_WORKFLOW: 'a\nb\u202e', GITHUB_JOB: 'j' })).toBe('lockgate/a b/j');
  });

  it('a bad category is a usage error naming the input or flag', () => {
    for (const bad of ['/', '//', 'a\nb', 'x\u0000', 'x'.repeat(201), 'bidi\u202e']) {
      expect(() => settingsFromAction(inputs({ 'sarif-category': bad }), { GITHUB_WORKSPACE: '/w' }, { base: null, head: null })).toThrow(SettingsError);
    }
    expect(() => settingsFromArgv(['--sarif-category', 'a\nb'], {}, '/tmp')).toThrow(/--sarif-category must be one line/);
    expect(() => settingsFromAction(inputs({ 'sarif-category': '/' }), { GITHUB_WORKSPACE: '/w' }, { base: null, head: null })).toThrow(
      /input sarif-category must be one line/,
    );
  });
});

describe('the findings-json and changes-json outputs', () => {
  const findings = Array.from({ length: 50 }, (_, i) =>
    makeFinding({
      rule: 'typosquat',
      severity: i < 10 ? 'error' : 'warning',
      file: 'uv.lock',
      line: i + 1,
      message: `package p${i} ${'x'.repeat(100)}`,
      subject: `p${i}`,
    }),
  );

  it('compact JSON of the gating findings, as the JSON report has them, with total and truncated', () => {
    const text = findingsOutput(report(findings));
    expect(text).not.toContain('\n');
    expect(JSON.parse(text)).toEqual({ truncated: false, total: 50, findings: JSON.parse(JSON.stringify(findings.map(jsonFinding))) });
  });

  it('over the budget: the first whole findings that fit, truncated true, never over the budget', () => {
    const full = findingsOutput(report(findings)).length;
    for (const budget of [full - 1, Math.floor(full / 2), 300, 60, 10]) {
      const text = findingsOutput(report(findings), budget);
      expect(text.length).toBeLessThanOrEqual(Math.max(budget, '{"truncated":true,"total":50,"findings":[]}'.length));
      const parsed = JSON.parse(text) as { truncated: boolean; total: number; findings: Finding[] };
      expect(parsed.truncated).toBe(true);
      expect(parsed.total).toBe(50);
      expect(parsed.findings).toEqual(JSON.parse(JSON.stringify(findings.slice(0, parsed.findings.length).map(jsonFinding))));
    }
    expect(JSON.parse(findingsOutput(report(findings), full)).truncated).toBe(false);
  });

  it('changes, flat with their project and lock, without what the JSON report leaves out', () => {
    const projects: Report['projects'] = [
      { path: '', lock: 'uv.lock', changes: [{ name: 'idna', kind: 'upgraded', from: '3.15', to: '3.16', uploadedAt: '2026-11-23T00:00:00.000Z' }] },
      {
        path: 'services/api',
        lock: 'services/api/uv.lock',
        changes: [{ name: 'httpx', kind: 'added', to: '0.28.1', toSource: 'registry+https://pypi.org/simple' }],
      },
    ];
    expect(JSON.parse(changesOutput(report([], { projects })))).toEqual({
      truncated: false,
      total: 2,
      changes: [
        { project: '', lock: 'uv.lock', name: 'idna', kind: 'upgraded', from: '3.15', to: '3.16' },
        { project: 'services/api', lock: 'services/api/uv.lock', name: 'httpx', kind: 'added', to: '0.28.1', toSource: 'registry+https://pypi.org/simple' },
      ],
    });
    expect(JSON.parse(changesOutput(report([], { projects }), 150))).toMatchObject({ truncated: true, total: 2, changes: [{ name: 'idna' }] });
  });

  it('inert in a log line: no `##[` and no newline from the values', () => {
    const hostile = makeFinding({ rule: 'typosquat', severity: 'error', file: 'uv.lock', line: 1, message: '##[error]x\n::error::y', subject: 'h' });
    const text = findingsOutput(report([hostile]));
    expect(text).not.toContain('##[');
    expect(text).not.toMatch(/[\r\n]/);
    expect(JSON.parse(text).findings[0].message).toBe('##[error]x\n::error::y');
  });
});
