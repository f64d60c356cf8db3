/**
 * Fuzzing the whole pipeline in-process: mutated corpus projects and workflows, and generated
 * projects whose names, versions, URLs and `uses:` values are hostile, go through the loaders,
 * pairing, every rule of the registry (uncaught), policy and every reporter. Nothing may throw; every
 * finding is well-formed and points inside its file; every file a parser refuses is an
 * `invalid-file` finding; no reporter lets data inject a runner command, raw HTML, a link, a mention
 * or a terminal escape. On failure the message starts with the seed and a replay command.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parse as parseTomlValue } from 'smol-toml';
import { parseDocument } from 'yaml';
import { SEVERITIES, type Finding } from '../src/findings.js';
import { RULES } from '../src/rules/index.js';
import type { OutputFormat } from '../src/settings/types.js';
import type { SourceFiles } from '../src/source/types.js';
import { workflowKindOf } from '../src/workflows/parse.js';
import {
  HOSTILE_STRINGS,
  lineCount,
  mutateAll,
  mutationArb,
  smallUvTrees,
  tomlString,
  uvPairs,
  uvTrees,
  workflowTexts,
  yamlString,
  type Tree,
} from './support/fuzz-corpus.js';
import { assertFuzz, fuzzCasesRun, SEED } from './support/fuzz.js';
import { outputProblems } from './support/output-checks.js';
import { pipelineSettings, runPipeline, sourceFiles, type PipelineRun } from './support/pipeline.js';

const FILE = '__tests__/fuzz-pipeline.test.ts';
const RULE_IDS = new Set(RULES.map((r) => r.id));
const FORMATS: OutputFormat[] = ['text', 'json', 'sarif', 'markdown', 'github'];
const SETTINGS = pipelineSettings(['--fail-on', 'notice']);

const trees = smallUvTrees();
const pairs = uvPairs();
const workflows = workflowTexts().filter((w) => w.text.length < 12_000);

afterAll(() => {
  process.stdout.write(`fuzz-pipeline: seed ${SEED}, ${fuzzCasesRun()} cases\n`);
});

function accepts(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}

function findingProblems(finding: Finding, texts: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const where = `${finding.rule} ${JSON.stringify(finding.file)}:${String(finding.line)}`;
  if (!RULE_IDS.has(finding.rule)) problems.push(`${where}: unknown rule`);
  if (!SEVERITIES.includes(finding.severity)) problems.push(`${where}: severity ${String(finding.severity)}`);
  if (typeof finding.file !== 'string' || finding.file === '') problems.push(`${where}: no file`);
  if (typeof finding.message !== 'string' || !/\S/.test(finding.message)) problems.push(`${where}: no message`);
  if (typeof finding.introduced !== 'boolean') problems.push(`${where}: introduced is not a boolean`);
  if (!/^[0-9a-f]{32}$/.test(finding.fingerprint)) problems.push(`${where}: fingerprint ${finding.fingerprint}`);
  if (finding.line !== undefined) {
    const text = texts.get(finding.file);
    if (!Number.isInteger(finding.line) || finding.line < 1) problems.push(`${where}: line is not a positive integer`);
    else if (text !== undefined && finding.line > lineCount(text))
      problems.push(`${where}: line past the end of the file (${lineCount(text)} lines): ${finding.message.slice(0, 200)}`);
    if (finding.endLine !== undefined && !(finding.endLine >= finding.line)) problems.push(`${where}: endLine ${finding.endLine} before line`);
  }
  if (finding.rule === 'invalid-file' && finding.line === undefined) problems.push(`${where}: invalid-file without a line`);
  return problems;
}

/** Every invariant of one run; throws with all problems listed. */
function checkRun(run: PipelineRun, head: SourceFiles): void {
  const problems: string[] = [];
  for (const finding of [...run.raw, ...run.result.report.findings, ...run.result.report.waived]) problems.push(...findingProblems(finding, head.texts));
  const invalidFiles = new Set(run.raw.filter((f) => f.rule === 'invalid-file').map((f) => f.file));
  for (const [path, text] of head.texts) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (name === 'pyproject.toml' && !accepts(() => parseTomlValue(text)) && !invalidFiles.has(path))
      problems.push(`${path} does not parse and has no invalid-file finding`);
    if (workflowKindOf(path) && parseDocument(text, { strict: true, uniqueKeys: false }).errors.length > 0 && !invalidFiles.has(path))
      problems.push(`${path} is not valid YAML and has no invalid-file finding`);
  }
  for (const pair of run.result.pairs) {
    const lockText = head.texts.get(pair.lockFile);
    if (pair.head && lockText !== undefined && !accepts(() => parseTomlValue(lockText)) && !invalidFiles.has(pair.lockFile))
      problems.push(`${pair.lockFile} does not parse and has no invalid-file finding`);
  }
  for (const format of FORMATS) problems.push(...outputProblems(format, run.outputs[format], run.result.report.findings).map((p) => `${format}: ${p}`));
  if (problems.length > 0) throw new Error(problems.slice(0, 20).join('\n'));
}

function run(headFiles: Tree, baseFiles: Tree | null): void {
  const head = sourceFiles(headFiles);
  const base = baseFiles ? sourceFiles(baseFiles, {}, 'b'.repeat(40)) : null;
  checkRun(runPipeline(head, base, SETTINGS), head);
}

const mutations = fc.array(mutationArb, { minLength: 1, maxLength: 3 });

/** Mutates one file of `files` (chosen by `n`). */
function mutateOne(files: Tree, n: number, ops: Parameters<typeof mutateAll>[1]): Tree {
  const paths = Object.keys(files).sort();
  const path = paths[n % paths.length]!;
  return { ...files, [path]: mutateAll(files[path]!, ops) };
}

describe('mutated corpus projects and workflows', () => {
  it('full audit (no base): one mutated uv file and one mutated workflow', () => {
    assertFuzz(
      fc.property(
        fc.nat({ max: trees.length - 1 }),
        fc.nat(),
        mutations,
        fc.nat({ max: workflows.length - 1 }),
        fc.array(mutationArb, { maxLength: 2 }),
        (t, n, ops, w, wops) => {
          const workflow = workflows[w]!;
          run({ ...mutateOne(trees[t]!.files, n, ops), [workflow.path]: mutateAll(workflow.text, wops) }, null);
        },
      ),
      900,
      FILE,
    );
  });

  it('base -> head: the corpus tree at base, a mutated copy at head (and the other way round)', () => {
    assertFuzz(
      fc.property(fc.nat({ max: trees.length - 1 }), fc.nat(), mutations, fc.boolean(), (t, n, ops, reverse) => {
        const original = trees[t]!.files;
        const mutated = mutateOne(original, n, ops);
        if (reverse) run(original, mutated);
        else run(mutated, original);
      }),
      700,
      FILE,
    );
  });

  it('fixture base/head pairs with mutations on both sides', () => {
    assertFuzz(
      fc.property(fc.nat({ max: pairs.length - 1 }), fc.nat(), mutations, fc.nat(), fc.array(mutationArb, { maxLength: 2 }), (p, n, ops, m, baseOps) => {
        const [base, head] = pairs[p]!;
        run(mutateOne(head.files, n, ops), baseOps.length > 0 ? mutateOne(base.files, m, baseOps) : base.files);
      }),
      500,
      FILE,
    );
  });
});

// Generated projects: valid TOML and YAML whose values are hostile, so the rules get far enough to
// quote them in messages and fixes (a random mutation mostly stops at the parser).
const hostile = fc.constantFrom(...HOSTILE_STRINGS);
const orHostile = (...valid: string[]) => fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: hostile });

interface GenPackage {
  name: string;
  version: string;
  kind: 'registry' | 'git' | 'url' | 'path' | 'editable';
  where: string;
  fileUrl: string;
  uploaded: string;
}

const packageArb: fc.Arbitrary<GenPackage> = fc.record({
  name: orHostile('requests', 'reqeusts', 'numpy', 'idna', 'six', 'torch', 'urllib3'),
  version: orHostile('1.0.0', '2.31.0', '0.1', '1.0.0.post1', '10!1.0'),
  kind: fc.constantFrom('registry' as const, 'registry' as const, 'git' as const, 'url' as const, 'path' as const, 'editable' as const),
  where: orHostile(
    'https://pypi.org/simple',
    'https://download.pytorch.org/whl/cpu',
    'https://github.com/a/b?rev=main#0123456789abcdef0123456789abcdef01234567',
    'https://e.example/p-1.0.tar.gz',
    'libs/x',
  ),
  fileUrl: orHostile('https://files.pythonhosted.org/packages/aa/p-1.0-py3-none-any.whl', 'https://e.example/p.tar.gz'),
  uploaded: fc.constantFrom('2026-11-25T10:00:00Z', '2020-01-01T00:00:00Z', 'not a date', '2026-11-26T11:59:59.999999Z'),
});

function sourceOf(pkg: GenPackage): string {
  switch (pkg.kind) {
    case 'registry':
      return `{ registry = ${tomlString(pkg.where)} }`;
    case 'git':
      return `{ git = ${tomlString(pkg.where)} }`;
    case 'url':
      return `{ url = ${tomlString(pkg.where)} }`;
    case 'path':
      return `{ path = ${tomlString(pkg.where)} }`;
    case 'editable':
      return `{ editable = ${tomlString(pkg.where)} }`;
  }
}

function lockText(packages: GenPackage[]): string {
  const out = [
    'version = 1',
    'revision = 3',
    'requires-python = ">=3.12"',
    '',
    '[[package]]',
    'name = "app"',
    'version = "0.1.0"',
    'source = { virtual = "." }',
    'dependencies = [',
  ];
  for (const pkg of packages) out.push(`    { name = ${tomlString(pkg.name)} },`);
  out.push(']', '', '[package.metadata]', `requires-dist = [${packages.map((p) => `{ name = ${tomlString(p.name)}, specifier = ">=0" }`).join(', ')}]`);
  for (const pkg of packages) {
    out.push('', '[[package]]', `name = ${tomlString(pkg.name)}`, `version = ${tomlString(pkg.version)}`, `source = ${sourceOf(pkg)}`);
    if (pkg.kind === 'registry') {
      out.push(`sdist = { url = ${tomlString(pkg.fileUrl)}, hash = "sha256:${'1'.repeat(64)}", size = 10, upload-time = ${tomlString(pkg.uploaded)} }`);
      out.push(
        'wheels = [',
        `    { url = ${tomlString(pkg.fileUrl)}, hash = "sha256:${'2'.repeat(64)}", size = 11, upload-time = ${tomlString(pkg.uploaded)} },`,
        ']',
      );
    }
  }
  return `${out.join('\n')}\n`;
}

function pyprojectText(packages: GenPackage[], indexUrl: string, excludeNewer: boolean): string {
  const out = [
    '[project]',
    'name = "app"',
    'version = "0.1.0"',
    'requires-python = ">=3.12"',
    `dependencies = [${packages.map((p) => tomlString(`${p.name}>=0`)).join(', ')}]`,
    '',
    '[tool.uv]',
  ];
  if (excludeNewer) out.push('exclude-newer = "7 days"');
  out.push('', '[[tool.uv.index]]', 'name = "extra"', `url = ${tomlString(indexUrl)}`, '', '[tool.uv.sources]');
  for (const pkg of packages.filter((p) => p.kind === 'git').slice(0, 1)) out.push(`${tomlString(pkg.name)} = { git = ${tomlString(pkg.where)} }`);
  return `${out.join('\n')}\n`;
}

function workflowText(uses: string[], run: string, trigger: string): string {
  const steps = uses.map((u) => `      - uses: ${yamlString(u)}`);
  return [
    `on: ${trigger}`,
    'permissions: write-all',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    `    container: ${yamlString(uses[0] ?? 'python:3')}`,
    '    steps:',
    ...steps,
    `      - run: ${yamlString(run)}`,
    '      - run: echo "${{ github.event.pull_request.title }}"',
    '',
  ].join('\n');
}

describe('generated projects with hostile values', () => {
  it('names, versions, sources, index URLs, `uses:` and run values that carry commands, HTML, links, mentions and escapes', () => {
    const usesArb = orHostile(
      'actions/checkout@v4',
      'actions/cache@0123456789abcdef0123456789abcdef01234567',
      'docker://alpine:latest',
      './local',
      'evil/act@main',
    );
    assertFuzz(
      fc.property(
        fc.array(packageArb, { minLength: 1, maxLength: 4 }),
        fc.array(packageArb, { maxLength: 3 }),
        orHostile('https://pypi.org/simple', 'https://mirror.example/simple'),
        fc.boolean(),
        fc.array(usesArb, { minLength: 1, maxLength: 3 }),
        fc.tuple(hostile, orHostile('curl -s https://x | sh', 'uv sync', 'pip install x')).map(([a, b]) => `${b} ${a}`),
        fc.constantFrom('pull_request_target', 'push', '[push, pull_request]'),
        fc.boolean(),
        (headPackages, basePackages, indexUrl, excludeNewer, uses, runScript, trigger, crlf) => {
          const eol = (text: string) => (crlf ? text.replace(/\n/g, '\r\n') : text);
          const headTree: Tree = {
            'pyproject.toml': eol(pyprojectText(headPackages, indexUrl, excludeNewer)),
            'uv.lock': eol(lockText(headPackages)),
            '.github/workflows/ci.yml': eol(workflowText(uses, runScript, trigger)),
            '.github/dependabot.yml': eol(
              `version: 2\nupdates:\n  - package-ecosystem: ${yamlString(uses[0]!)}\n    directory: "/"\n    schedule: { interval: daily }\n`,
            ),
          };
          const baseTree: Tree | null =
            basePackages.length === 0
              ? null
              : { 'pyproject.toml': pyprojectText(basePackages, 'https://pypi.org/simple', true), 'uv.lock': lockText(basePackages) };
          run(headTree, baseTree);
        },
      ),
      1300,
      FILE,
    );
  });

  it('a hostile value in every quoted scalar position of a corpus project, one at a time', () => {
    assertFuzz(
      fc.property(
        fc.nat({ max: trees.length - 1 }),
        fc.nat(),
        fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), hostile: fc.nat({ max: HOSTILE_STRINGS.length - 1 }) }), {
          minLength: 1,
          maxLength: 3,
        }),
        (t, n, spots) => {
          const files = trees[t]!.files;
          run(
            mutateOne(
              files,
              n,
              spots.map((s) => ({ op: 'hostileValue' as const, at: s.at, hostile: s.hostile, quote: 'toml' as const })),
            ),
            files,
          );
        },
      ),
      600,
      FILE,
    );
  });
});

describe('large corpus locks', () => {
  // The largest real locks (up to 1.2 MB): fewer cases, each one a realistic size.
  const large = uvTrees()
    .filter((t) => t.bytes > 250_000 && Object.keys(t.files).some((p) => p.endsWith('uv.lock')))
    .sort((a, b) => a.origin.localeCompare(b.origin));

  it('mutations of the largest real locks, base = the original', () => {
    expect(large.length).toBeGreaterThan(5);
    assertFuzz(
      fc.property(fc.nat({ max: large.length - 1 }), mutations, (t, ops) => {
        const files = large[t]!.files;
        const lockPath = Object.keys(files).find((p) => p === 'uv.lock')!;
        run({ ...files, [lockPath]: mutateAll(files[lockPath]!, ops) }, files);
      }),
      12,
      FILE,
    );
  });
});

describe('the fuzz suite itself', () => {
  it('ran at least 4,000 cases in this file (with the fuzz-readers suite: over 10,000)', () => {
    if (process.env.FUZZ_SCALE === undefined) expect(fuzzCasesRun()).toBeGreaterThanOrEqual(4000);
  });
});
