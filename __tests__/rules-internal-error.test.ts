/**
 * Fail visibly: a rule that throws becomes an `internal-error` finding naming the rule and the file,
 * at error severity, so the gate fails closed; the rules that check one project at a time keep the
 * other projects' findings.
 */
import { describe, expect, it } from '@jest/globals';
import { buildContext, buildReport, withBaseline } from '../src/engine.js';
import { makeFinding } from '../src/findings.js';
import { exitCodeFor } from '../src/report/github.js';
import { INTERNAL_ERROR_ID, describeThrown, internalErrorFinding } from '../src/rules/internal-error.js';
import { runRules } from '../src/rules/run.js';
import { rule as sdistOnly } from '../src/rules/uv/sdist-only.js';
import { rule as typosquat } from '../src/rules/uv/typosquat.js';
import type { Rule, RuleContext } from '../src/rules/types.js';
import type { ProjectPair } from '../src/uv/model.js';
import { pipelineSettings, sourceFiles } from './support/pipeline.js';
import { fixtureContext } from './typosquat-helpers.js';

const LOCK = (name: string) =>
  `version = 1\nrevision = 3\nrequires-python = ">=3.12"\n\n[[package]]\nname = "${name}"\nversion = "0.1.0"\nsource = { virtual = "." }\n`;
const PYPROJECT = (name: string) => `[project]\nname = "${name}"\nversion = "0.1.0"\nrequires-python = ">=3.12"\n`;
const WORKFLOW = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';

/** Two uv projects (a/, b/) and one workflow, parsed as the engine does. */
function twoProjectsAndAWorkflow(settings = pipelineSettings()) {
  const head = sourceFiles({
    'a/pyproject.toml': PYPROJECT('a'),
    'a/uv.lock': LOCK('a'),
    'b/pyproject.toml': PYPROJECT('b'),
    'b/uv.lock': LOCK('b'),
    '.github/workflows/ci.yml': WORKFLOW,
  });
  return { head, context: buildContext(settings, head, null) };
}

function ruleThat(id: string, check: (context: RuleContext) => ReturnType<Rule['check']>): Rule {
  return { id, defaultSeverity: 'warning', summary: `test rule ${id}, not registered`, check };
}

/** A rule that finds one thing per project and throws on the project at `b/`. */
const failsOnB = ruleThat('fails-on-b', (context) =>
  context.projects.map((pair) => {
    if (pair.path === 'b') throw new TypeError("Cannot read properties of undefined (reading 'kind')");
    return makeFinding({ rule: 'fails-on-b', severity: 'warning', file: pair.lockFile, message: 'found', subject: pair.path });
  }),
);

const fine = ruleThat('fine', (context) => [
  makeFinding({ rule: 'fine', severity: 'notice', file: context.projects[0]!.lockFile, message: 'ok', subject: 'x' }),
]);

describe('the rule runner', () => {
  it('turns a rule that throws into an internal-error naming the rule and the file, and fails the gate', () => {
    const { head, context } = twoProjectsAndAWorkflow();
    const raw = runRules(context, [failsOnB, fine]);
    const errors = raw.filter((f) => f.rule === INTERNAL_ERROR_ID);
    expect(errors.map((f) => [f.file, f.severity, f.introduced])).toEqual([['b/uv.lock', 'error', true]]);
    expect(errors[0]!.message).toBe(
      "lockgate could not complete the fails-on-b check of b/uv.lock: the rule failed (Cannot read properties of undefined (reading 'kind')). " +
        'What fails-on-b would have reported for this file is unknown, so the gate fails closed.',
    );
    // The rule's partial results are not kept; the next rule still runs.
    expect(raw.filter((f) => f.rule === 'fails-on-b')).toEqual([]);
    expect(raw.filter((f) => f.rule === 'fine')).toHaveLength(1);

    const report = buildReport(context, raw, head, null);
    expect(report.counts.error).toBe(1);
    expect(exitCodeFor(report, 'error')).toBe(1);
  });

  it('names the workflow file when that is what the rule fails on', () => {
    const { context } = twoProjectsAndAWorkflow();
    const failsOnWorkflow = ruleThat('fails-on-workflow', (ctx) => {
      if (ctx.workflows.length > 0) throw new RangeError('Maximum call stack size exceeded');
      return [];
    });
    const errors = runRules(context, [failsOnWorkflow]);
    expect(errors.map((f) => [f.rule, f.file])).toEqual([[INTERNAL_ERROR_ID, '.github/workflows/ci.yml']]);
    expect(errors[0]!.message).toContain('the fails-on-workflow check of .github/workflows/ci.yml');
  });

  it('names the whole change when no single file reproduces the failure', () => {
    const { context } = twoProjectsAndAWorkflow();
    const failsTogether = ruleThat('fails-together', (ctx) => {
      if (ctx.projects.length > 1) throw 'not an Error';
      return [];
    });
    const errors = runRules(context, [failsTogether]);
    expect(errors.map((f) => [f.rule, f.file, f.severity])).toEqual([[INTERNAL_ERROR_ID, '.', 'error']]);
    expect(errors[0]!.message).toContain('lockgate could not complete the fails-together check: the rule failed (not an Error).');
  });

  it('keeps an internal-error under only-new (an unknown result is never "already there")', () => {
    const settings = pipelineSettings(['--only-new']);
    const { head, context } = twoProjectsAndAWorkflow(settings);
    const report = buildReport(context, runRules(context, [failsOnB]), head, null);
    expect(report.findings.map((f) => f.rule)).toEqual([INTERNAL_ERROR_ID]);
  });

  it('is never marked pre-existing by the diff-aware gate, even when base fails the same way', () => {
    const settings = pipelineSettings(['--only-new']);
    const { head, context } = twoProjectsAndAWorkflow(settings);
    const run = (ctx: RuleContext) => runRules(ctx, [failsOnB]);
    const raw = withBaseline(settings, run(context), head /* base = the same files */, run);
    expect(raw.map((f) => [f.rule, f.file, f.introduced])).toEqual([[INTERNAL_ERROR_ID, 'b/uv.lock', true]]);
    expect(buildReport(context, raw, head, head).findings.map((f) => f.rule)).toEqual([INTERNAL_ERROR_ID]);
  });

  it('does not run a rule the config turns off', () => {
    const settings = pipelineSettings();
    settings.config.rules = { ...settings.config.rules, 'fails-on-b': 'off' };
    const { context } = twoProjectsAndAWorkflow(settings);
    expect(runRules(context, [failsOnB])).toEqual([]);
  });

  it('describes what was thrown on one line, without a stack, at most 300 characters', () => {
    expect(describeThrown(new TypeError('two\n  lines'))).toBe('two lines');
    expect(describeThrown(new Error(''))).toBe('an error without a message');
    expect(describeThrown(undefined)).toBe('undefined');
    expect(
      describeThrown({
        toString: () => {
          throw new Error('no');
        },
      }),
    ).toBe('a value that cannot be printed');
    expect(describeThrown(new Error('x'.repeat(1000))).length).toBe(300);
    const finding = internalErrorFinding('typosquat', 'uv.lock', new Error('boom'));
    expect(finding.fingerprint).toBe(internalErrorFinding('typosquat', 'uv.lock', new Error('another message')).fingerprint);
  });
});

/** A copy of the pair whose head lock has a package that throws when its name is read. */
function withThrowingPackage(pair: ProjectPair, lockFile: string): ProjectPair {
  const poisoned = Object.defineProperty({}, 'name', {
    get() {
      throw new TypeError('poisoned package');
    },
  });
  const lock = { ...pair.head!.lock!, file: lockFile, packages: [...pair.head!.lock!.packages, poisoned] };
  return {
    ...pair,
    path: 'broken',
    lockFile,
    head: { ...pair.head!, lock },
    introduced: [...pair.introduced, { package: poisoned, newArtifacts: [] }],
  } as unknown as ProjectPair;
}

describe('typosquat and sdist-only report a project they fail on instead of dropping it', () => {
  it('typosquat: internal-error naming the broken lock, and the healthy project keeps its findings', () => {
    const context = fixtureContext('rule');
    const healthy = context.projects[0]!;
    const alone = typosquat.check(context);
    const findings = typosquat.check({ ...context, projects: [withThrowingPackage(healthy, 'broken/uv.lock'), healthy] });
    const errors = findings.filter((f) => f.rule === INTERNAL_ERROR_ID);
    expect(errors.map((f) => [f.file, f.severity])).toEqual([['broken/uv.lock', 'error']]);
    expect(errors[0]!.message).toContain('the typosquat check of broken/uv.lock: the rule failed (poisoned package)');
    expect(findings.filter((f) => f.rule === 'typosquat')).toEqual(alone);
  });

  it('sdist-only: internal-error naming the broken lock, and the healthy project keeps its findings', () => {
    const context = fixtureContext('sdist-only');
    const healthy = context.projects[0]!;
    const alone = sdistOnly.check(context);
    expect(alone.length).toBeGreaterThan(0);
    const findings = sdistOnly.check({ ...context, projects: [healthy, withThrowingPackage(healthy, 'broken/uv.lock')] });
    expect(findings.filter((f) => f.rule === INTERNAL_ERROR_ID).map((f) => f.file)).toEqual(['broken/uv.lock']);
    expect(findings.filter((f) => f.rule === 'sdist-only')).toEqual(alone);
  });

  it('sdist-only: settings that cannot be read fail visibly, rather than checking as if no build were refused', () => {
    const context = fixtureContext('sdist-only');
    const pair = context.projects[0]!;
    const broken = { ...pair, head: { ...pair.head!, rootPyproject: undefined } } as unknown as ProjectPair;
    const findings = sdistOnly.check({ ...context, projects: [broken] });
    expect(findings.map((f) => [f.rule, f.file])).toEqual([[INTERNAL_ERROR_ID, pair.lockFile]]);
  });
});
