/**
 * Issue 16 item 4: GitHub's own parsers against lockgate's. `@actions/expressions` (GitHub's
 * expression parser) against src/workflows/expressions.ts, and `@actions/workflow-parser` (its
 * workflow and action schema, with GitHub's messages) against src/workflows/validity.ts (the
 * workflow-invalid rule), on every workflow and composite action of the fixtures:
 *
 * - expressions: does each `${{ }}` (and each bare `if:` condition) parse in both, and do both read
 *   the same context paths?
 * - schema: which files does GitHub's parser refuse, at which lines, and does lockgate refuse the same?
 * - cost: per workflow in this process (median of several rounds after a warm-up), and the first
 *   use of GitHub's parser (import plus its first parse, which builds the schema).
 * - with `--bundles`: throwaway ncc bundles of the CLI without and with workflow-parser (eager, and
 *   as a lazily loaded chunk), their sizes, and the start-up of fresh `node` processes (median of
 *   `--runs`, variants alternated so machine load hits them alike; still noisy on a shared machine).
 *
 *   npx tsc -p tsconfig.scripts.json && node lib/scripts/eval-github-parsers.js [--bundles] [--runs N] [DIR…]
 *
 * Each DIR is a repository-like folder (`.github/workflows/…`, `action.yml` anywhere) or a folder of
 * such folders; the default is the project's fixtures. Both packages are devDependencies for this
 * script and for the tests; nothing in src/ imports them (docs/design.md, "GitHub's parsers").
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq } from 'yaml';
import { DEFAULT_LIMITS } from '../src/settings/types.js';
import type { SourceFiles } from '../src/source/types.js';
import { type Expr, findExpressions, parseExpression } from '../src/workflows/expressions.js';
import { loadWorkflows } from '../src/workflows/load.js';
import type { WorkflowFile } from '../src/workflows/model.js';
import { parseWorkflow as ourParse } from '../src/workflows/parse.js';
import { checkValidity, EXPRESSION_CONTEXTS, validityProblems } from '../src/workflows/validity.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = HERE.endsWith(join('lib', 'scripts')) ? join(HERE, '..', '..') : join(HERE, '..');

// @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`, which plain Node
// refuses (a bundler or jest accepts it): a load hook adds the attribute before it is imported.
register(
  `data:text/javascript,${encodeURIComponent(
    "export async function load(url, context, next) { return next(url, url.endsWith('.json') ? { ...context, importAttributes: { type: 'json' } } : context); }",
  )}`,
);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function time(rounds: number, run: () => unknown): Promise<number> {
  await run();
  const figures: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const started = performance.now();
    await run();
    figures.push(performance.now() - started);
  }
  return median(figures);
}

// ---------------------------------------------------------------------------------------------
// Files

interface Repo {
  name: string;
  workflows: WorkflowFile[];
}

function textsUnder(root: string): Map<string, string> {
  const texts = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(name)) texts.set(relative(root, full).split(sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return texts;
}

/** A folder with a `.github` (or an action.yml) is one repository; otherwise each sub-folder is looked at. */
function reposUnder(dir: string, label: string): Repo[] {
  const names = readdirSync(dir);
  if (names.includes('.github') || names.includes('action.yml')) {
    const texts = textsUnder(dir);
    const files: SourceFiles = { label: 'WORKTREE', paths: [...texts.keys()], texts, unreadable: new Map(), time: new Date() };
    return [{ name: label, workflows: loadWorkflows(files, DEFAULT_LIMITS).workflows.filter((wf) => wf.kind !== 'dependabot') }];
  }
  return names
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort()
    .flatMap((name) => reposUnder(join(dir, name), `${label}/${name}`));
}

// ---------------------------------------------------------------------------------------------
// Expressions

interface Occurrence {
  file: string;
  line: number;
  body: string;
}

/** Every `${{ }}` body in the file's string values, and every bare `if:` condition. */
function expressionsOf(wf: WorkflowFile): Occurrence[] {
  const out: Occurrence[] = [];
  const visit = (node: unknown, key: string | null, depth: number): void => {
    if (depth > 100 || node === null || node === undefined) return;
    if (isScalar(node)) {
      if (typeof node.value !== 'string') return;
      const line = wf.posAt((node.range ?? [0])[0]).line;
      const spans = findExpressions(node.value);
      for (const span of spans) out.push({ file: wf.file, line, body: span.body });
      if (key === 'if' && spans.length === 0 && node.value.trim() !== '') out.push({ file: wf.file, line, body: node.value });
      return;
    }
    if (isMap(node)) for (const pair of node.items) visit(pair.value, isScalar(pair.key) ? String(pair.key.value) : null, depth + 1);
    else if (isSeq(node)) for (const item of node.items) visit(item, null, depth + 1);
  };
  visit(wf.doc.contents, null, 0);
  return out;
}

/** Every context path an expression of ours reads (not only the ones that flow), lower-case. */
function ourPaths(expr: Expr, out: Set<string>): void {
  switch (expr.kind) {
    case 'context':
      out.add(expr.path.join('.').toLowerCase());
      return;
    case 'access':
      ourPaths(expr.target, out);
      if (expr.index) ourPaths(expr.index, out);
      return;
    case 'call':
      for (const arg of expr.args) ourPaths(arg, out);
      return;
    case 'not':
      ourPaths(expr.operand, out);
      return;
    case 'and':
    case 'or':
    case 'compare':
      ourPaths(expr.left, out);
      ourPaths(expr.right, out);
      return;
    case 'literal':
      return;
  }
}

type GithubAst = typeof import('@actions/expressions/ast');

/** The same from GitHub's AST: `a.b[0]['c'].*` becomes `a.b.*.c.*`, as ours writes it. */
function githubPaths(ast: GithubAst, expr: unknown, out: Set<string>): void {
  const pathOf = (node: unknown): string[] | null => {
    if (node instanceof ast.ContextAccess) return [node.name.lexeme];
    if (node instanceof ast.IndexAccess) {
      const target = pathOf(node.expr);
      if (!target) return null;
      const index = node.index;
      if (index instanceof ast.Literal && typeof (index.literal as { value?: unknown }).value === 'string') {
        return [...target, String((index.literal as { value: string }).value)];
      }
      if (!(index instanceof ast.Star)) githubPaths(ast, index, out);
      return [...target, '*'];
    }
    return null;
  };
  const path = pathOf(expr);
  if (path) {
    out.add(path.join('.').toLowerCase());
    return;
  }
  if (expr instanceof ast.IndexAccess) {
    githubPaths(ast, expr.expr, out);
    if (!(expr.index instanceof ast.Star)) githubPaths(ast, expr.index, out);
  } else if (expr instanceof ast.Unary) githubPaths(ast, expr.expr, out);
  else if (expr instanceof ast.Binary) {
    githubPaths(ast, expr.left, out);
    githubPaths(ast, expr.right, out);
  } else if (expr instanceof ast.Logical) for (const arg of expr.args) githubPaths(ast, arg, out);
  else if (expr instanceof ast.Grouping) githubPaths(ast, expr.group, out);
  else if (expr instanceof ast.FunctionCall) for (const arg of expr.args) githubPaths(ast, arg, out);
}

// ---------------------------------------------------------------------------------------------
// Bundles and start-up

function buildBundles(runs: number): void {
  const work = join(ROOT, '.eval-github-parsers');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  // Entries inside src/ so that ncc type-checks them with the project's tsconfig and resolves its node_modules.
  const entries: Record<string, string> = {
    'eval-eager':
      "import { parseWorkflow } from '@actions/workflow-parser';\nimport './main.js';\n(globalThis as Record<string, unknown>).gh = parseWorkflow;\n",
    'eval-lazy':
      "import './main.js';\nif (process.env.EVAL_LOAD_PARSER) (globalThis as Record<string, unknown>).gh = await import('@actions/workflow-parser');\n",
  };
  const written: string[] = [];
  try {
    for (const [name, code] of Object.entries(entries)) {
      const path = join(ROOT, 'src', 'cli', `${name}.ts`);
      writeFileSync(path, code);
      written.push(path);
    }
    const ncc = join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
    const variants = ['main', ...Object.keys(entries)];
    for (const name of variants) {
      execFileSync(process.execPath, [ncc, 'build', join(ROOT, 'src', 'cli', `${name}.ts`), '-o', join(work, name), '--quiet', '--target', 'es2022'], {
        stdio: 'inherit',
      });
    }
    console.log('\nBundles (the CLI, ncc, minified no):');
    for (const name of variants) {
      const files = readdirSync(join(work, name)).filter((file) => file.endsWith('.js'));
      const sizes = files.map((file) => `${file} ${(statSync(join(work, name, file)).size / 1024).toFixed(0)} KiB`);
      console.log(`  ${name.padEnd(11)} ${sizes.join(', ')}`);
    }
    const cases: { label: string; bundle: string; env: Record<string, string> }[] = [
      { label: 'bare node (node -e 0)', bundle: '', env: {} },
      { label: 'without (today)', bundle: 'main', env: {} },
      { label: 'eager import', bundle: 'eval-eager', env: {} },
      { label: 'lazy chunk, not loaded', bundle: 'eval-lazy', env: {} },
      { label: 'lazy chunk, loaded', bundle: 'eval-lazy', env: { EVAL_LOAD_PARSER: '1' } },
    ];
    const figures = new Map<string, number[]>(cases.map((c) => [c.label, []]));
    for (let i = 0; i < runs; i += 1) {
      for (const c of cases) {
        const args = c.bundle ? [join(work, c.bundle, 'index.js'), '--version'] : ['-e', '0'];
        const started = performance.now();
        const result = spawnSync(process.execPath, args, { env: { ...process.env, ...c.env }, stdio: 'ignore' });
        figures.get(c.label)?.push(performance.now() - started);
        if (result.status !== 0) throw new Error(`${c.label} exited ${result.status}`);
      }
    }
    console.log(`\nStart-up, \`lockgate --version\` in a fresh node, median of ${runs} alternated runs (noisy on a loaded machine):`);
    for (const c of cases) console.log(`  ${c.label.padEnd(24)} ${median(figures.get(c.label) ?? []).toFixed(0)} ms`);
  } finally {
    for (const path of written) rmSync(path, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const bundles = args.includes('--bundles');
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 15;
  const dirs = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--runs');
  const roots =
    dirs.length > 0
      ? dirs
      : ['fixtures/workflows/corpus', 'fixtures/workflows/zizmor-docs', 'fixtures/workflows/rules/workflow-invalid'].map((d) => join(ROOT, d));

  // First use of GitHub's parser, before anything of it is loaded (yaml, which it shares with lockgate, already is).
  const importStarted = performance.now();
  const gh = await import('@actions/workflow-parser');
  const { parseAction } = await import('@actions/workflow-parser/actions/action-parser');
  const imported = performance.now();
  const first = gh.parseWorkflow(
    { name: 'first.yml', content: 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n' },
    new gh.NoOperationTraceWriter(),
  );
  await gh.convertWorkflowTemplate(first.context, first.value!);
  const firstParsed = performance.now();
  const expressions = await import('@actions/expressions');
  const ast = await import('@actions/expressions/ast');

  const repos = roots.flatMap((root) => (existsSync(root) ? reposUnder(root, relative(ROOT, root) || root) : []));
  const files = repos.flatMap((repo) => repo.workflows.map((wf) => ({ repo: repo.name, wf })));
  console.log(
    `${files.length} files (${files.filter((f) => f.wf.kind === 'workflow').length} workflows, ${files.filter((f) => f.wf.kind === 'action').length} actions) in ${repos.length} folders`,
  );

  // Expressions.
  const functions = [
    { name: 'success', minArgs: 0, maxArgs: Number.MAX_SAFE_INTEGER },
    { name: 'failure', minArgs: 0, maxArgs: Number.MAX_SAFE_INTEGER },
    { name: 'always', minArgs: 0, maxArgs: 0 },
    { name: 'cancelled', minArgs: 0, maxArgs: 0 },
    { name: 'hashFiles', minArgs: 1, maxArgs: 255 },
  ];
  const githubParse = (body: string): { ok: true; ast: unknown } | { ok: false; error: string } => {
    try {
      const tokens = new expressions.Lexer(body).lex().tokens;
      return { ok: true, ast: new expressions.Parser(tokens, EXPRESSION_CONTEXTS, functions).parse() };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  };
  const occurrences = files.flatMap(({ wf }) => expressionsOf(wf));
  const tally = { both: 0, neither: 0, onlyOurs: 0, onlyGithub: 0, samePaths: 0, otherPaths: 0 };
  const disagreements: string[] = [];
  for (const occurrence of occurrences) {
    const ours = parseExpression(occurrence.body);
    const github = githubParse(occurrence.body);
    const where = `${occurrence.file}:${occurrence.line} \${{ ${occurrence.body.trim().slice(0, 80)} }}`;
    if (ours && github.ok) {
      tally.both++;
      const a = new Set<string>();
      const b = new Set<string>();
      ourPaths(ours, a);
      githubPaths(ast, github.ast, b);
      if ([...a].sort().join() === [...b].sort().join()) tally.samePaths++;
      else {
        tally.otherPaths++;
        disagreements.push(`paths differ: ${where}\n      ours ${[...a].join(', ')}\n      GitHub ${[...b].join(', ')}`);
      }
    } else if (!ours && !github.ok) tally.neither++;
    else if (ours) {
      tally.onlyOurs++;
      disagreements.push(`only lockgate parses: ${where}\n      GitHub: ${github.ok ? '' : github.error}`);
    } else {
      tally.onlyGithub++;
      disagreements.push(`only GitHub parses: ${where}`);
    }
  }
  console.log(`\nExpressions: ${occurrences.length} (${[...new Set(occurrences.map((o) => o.body.trim()))].length} distinct)`);
  console.log(
    `  both parse ${tally.both} (same context paths ${tally.samePaths}, different ${tally.otherPaths}); neither ${tally.neither}; only lockgate ${tally.onlyOurs}; only GitHub ${tally.onlyGithub}`,
  );
  for (const line of disagreements) console.log(`  ${line}`);

  // Schema: GitHub's verdict against workflow-invalid's, by file and line.
  const githubLines = async (wf: WorkflowFile): Promise<{ lines: number[]; messages: string[] }> => {
    const input = { name: wf.file, content: wf.text };
    const parsed = wf.kind === 'action' ? parseAction(input, new gh.NoOperationTraceWriter()) : gh.parseWorkflow(input, new gh.NoOperationTraceWriter());
    let errors = parsed.context.errors.getErrors().map((e) => ({ line: e.range?.start.line ?? 0, message: e.message }));
    if (errors.length === 0 && wf.kind === 'workflow' && parsed.value) {
      const converted = await gh.convertWorkflowTemplate(parsed.context, parsed.value);
      errors = (converted.errors ?? []).map((e) => ({ line: Number(/\(Line: (\d+),/.exec(e.Message)?.[1] ?? 0), message: e.Message }));
    }
    return { lines: [...new Set(errors.map((e) => e.line))].sort((a, b) => a - b), messages: errors.map((e) => e.message) };
  };
  const verdicts = { bothAccept: 0, bothRefuse: 0, sameLines: 0, onlyGithub: 0, onlyOurs: 0 };
  const schemaNotes: string[] = [];
  for (const { repo, wf } of files) {
    const github = await githubLines(wf);
    const ours = [...new Set(validityProblems(wf).map((p) => p.line))].sort((a, b) => a - b);
    const name = `${repo}/${wf.file}`;
    if (github.lines.length === 0 && ours.length === 0) verdicts.bothAccept++;
    else if (github.lines.length > 0 && ours.length > 0) {
      verdicts.bothRefuse++;
      if (github.lines.join() === ours.join()) verdicts.sameLines++;
      else schemaNotes.push(`lines differ: ${name}: GitHub ${github.lines.join(', ')}; lockgate ${ours.join(', ')}`);
    } else if (github.lines.length > 0) {
      verdicts.onlyGithub++;
      schemaNotes.push(`only GitHub refuses: ${name}: ${github.messages.join(' | ')}`);
    } else {
      verdicts.onlyOurs++;
      schemaNotes.push(`only lockgate refuses: ${name}: lines ${ours.join(', ')}`);
    }
  }
  console.log(`\nSchema (workflow-parser against workflow-invalid), ${files.length} files:`);
  console.log(
    `  both accept ${verdicts.bothAccept}; both refuse ${verdicts.bothRefuse} (same lines ${verdicts.sameLines}); only GitHub refuses ${verdicts.onlyGithub}; only lockgate refuses ${verdicts.onlyOurs}`,
  );
  for (const line of schemaNotes) console.log(`  ${line}`);

  // Cost per workflow, in this process.
  const workflowFiles = files.filter((f) => f.wf.kind === 'workflow').map((f) => f.wf);
  const rounds = 9;
  const perFile = (ms: number) => `${((ms / workflowFiles.length) * 1000).toFixed(0)} µs/workflow`;
  const ourParseMs = await time(rounds, () => {
    for (const wf of workflowFiles) ourParse(wf.file, 'workflow', wf.text);
  });
  const ourCheckMs = await time(rounds, () => {
    for (const wf of workflowFiles) checkValidity(wf);
  });
  const githubParseMs = await time(rounds, () => {
    for (const wf of workflowFiles) gh.parseWorkflow({ name: wf.file, content: wf.text }, new gh.NoOperationTraceWriter());
  });
  const githubConvertMs = await time(rounds, async () => {
    for (const wf of workflowFiles) {
      const parsed = gh.parseWorkflow({ name: wf.file, content: wf.text }, new gh.NoOperationTraceWriter());
      if (parsed.value) await gh.convertWorkflowTemplate(parsed.context, parsed.value);
    }
  });
  const bodies = occurrences.map((o) => o.body);
  const ourExprMs = await time(rounds, () => {
    for (const body of bodies) parseExpression(body);
  });
  const githubExprMs = await time(rounds, () => {
    for (const body of bodies) githubParse(body);
  });
  console.log(`\nCost, median of ${rounds} rounds over ${workflowFiles.length} workflows (${bodies.length} expressions), this process:`);
  console.log(`  lockgate YAML parse (parse.ts, already paid by every run)   ${perFile(ourParseMs)}`);
  console.log(`  lockgate workflow-invalid checks on that document          ${perFile(ourCheckMs)}`);
  console.log(`  GitHub parseWorkflow (its own YAML read + schema)           ${perFile(githubParseMs)}`);
  console.log(`  GitHub parseWorkflow + convertWorkflowTemplate              ${perFile(githubConvertMs)}`);
  console.log(
    `  expressions: lockgate ${((ourExprMs / bodies.length) * 1000).toFixed(1)} µs, GitHub ${((githubExprMs / bodies.length) * 1000).toFixed(1)} µs each`,
  );
  console.log(
    `  first use of workflow-parser in this process: import ${(imported - importStarted).toFixed(0)} ms (unbundled files), first parse + convert ${(firstParsed - imported).toFixed(0)} ms`,
  );

  if (bundles) buildBundles(runs);
}

await main();
