/**
 * The workflow thread (src/workflow-thread.ts) changes where the offline workflow rules run, never
 * what they find: the rules it takes read nothing but the workflow files and the settings; its
 * job, run in this process, gives exactly what the main thread's contexts give; dist/cli.js with
 * the thread gives the same report as without it; and a worker that fails is handled.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildContext } from '../src/engine.js';
import { RULES } from '../src/rules/index.js';
import { runRulesById } from '../src/rules/run.js';
import type { RuleMemo } from '../src/rules/types.js';
import { settingsFromArgv } from '../src/settings/resolve.js';
import type { SourceFiles } from '../src/source/types.js';
import {
  GITHUB_FACT_WORKFLOW_RULES,
  MAIN_THREAD_WORKFLOW_RULES,
  MIN_WORKFLOW_FILES_FOR_THREAD,
  runThreadJob,
  threadFilesOf,
  threadRules,
  WorkflowThread,
} from '../src/workflow-thread.js';
import { CORPUS, corpusRepos, riskContext, workflowsFromTexts } from './support/workflow-risks.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every corpus workflow as `.github/workflows/<repo>-<name>`. */
function corpusWorkflowTexts(): Map<string, string> {
  const texts = new Map<string, string>();
  for (const repo of readdirSync(CORPUS).sort()) {
    const folder = join(CORPUS, repo, '.github/workflows');
    let names: string[] = [];
    try {
      names = readdirSync(folder).sort();
    } catch {
      continue;
    }
    for (const name of names) if (/\.ya?ml$/.test(name)) texts.set(`.github/workflows/${repo}-${name}`, readFileSync(join(folder, name), 'utf8'));
  }
  return texts;
}

/** What a rule read of the context, from the reads rule-reuse records (src/rules/define.ts). */
function contextReads(ruleId: string, memo: RuleMemo): Set<string> {
  return new Set((memo.get(ruleId) ?? []).flatMap((entry) => entry.read.map(([key]) => String(key))));
}

/** The context fields both threads give alike (workflowContext), besides `workflows`, which the memo compares file by file. */
const SAME_ON_BOTH_THREADS = new Set(['settings', 'now', 'headTime', 'baseWorkflows', 'invalidFiles', 'workflowProblems', 'headFiles', 'ruleMemo']);

describe('the rules the worker takes', () => {
  const head = corpusRepos().flatMap((repo) => repo.workflows);
  const base = workflowsFromTexts({ '.github/workflows/x.yml': 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: uv sync\n' });

  const offline = { offline: true };
  const online = { offline: false };

  it('are the offline workflow rules but the ones that read a uv project, and online also not those that read GitHub facts', () => {
    const ids = threadRules(offline).map((rule) => rule.id);
    expect(ids.length).toBeGreaterThan(30);
    expect(ids).not.toContain('setup-uv-unpinned');
    expect(ids).not.toContain('invalid-file');
    expect(ids).toContain('unpinned-uses');
    expect(threadRules(online).map((rule) => rule.id)).toEqual(ids.filter((id) => !GITHUB_FACT_WORKFLOW_RULES.has(id)));
    for (const rule of threadRules(offline)) expect((rule as { meta?: { online?: boolean } }).meta?.online).not.toBe(true);
  });

  it('read nothing of the context but the workflow files and the settings (and GitHub facts only where listed)', () => {
    const memo: RuleMemo = new Map();
    const context = { ...riskContext(head, base), ruleMemo: memo };
    for (const rule of threadRules(offline)) {
      rule.check(context);
      expect(memo.has(rule.id)).toBe(true);
      const reads = contextReads(rule.id, memo);
      const allowed = GITHUB_FACT_WORKFLOW_RULES.has(rule.id) ? ['github'] : [];
      const outside = [...reads].filter((key) => !SAME_ON_BOTH_THREADS.has(key) && !allowed.includes(key));
      expect({ rule: rule.id, outside }).toEqual({ rule: rule.id, outside: [] });
    }
  });

  it('leave on the main thread each rule that reads more (the lists are not stale)', () => {
    const memo: RuleMemo = new Map();
    const context = { ...riskContext(head, base), ruleMemo: memo };
    for (const [ids, field] of [
      [MAIN_THREAD_WORKFLOW_RULES, 'projects'],
      [GITHUB_FACT_WORKFLOW_RULES, 'github'],
    ] as const) {
      for (const id of ids) {
        const rule = RULES.find((candidate) => candidate.id === id)!;
        rule.check(context);
        expect({ id, reads: [...contextReads(id, memo)].includes(field) }).toEqual({ id, reads: true });
      }
    }
  });
});

describe("the worker's job", () => {
  it('gives the findings the main thread gives, for the run and the only-new baseline', () => {
    const headTexts = corpusWorkflowTexts();
    const baseTexts = new Map(headTexts);
    // Base differs in a few files, lacks one, and has one head lacks; a uv project is there too.
    const paths = [...headTexts.keys()];
    for (const path of paths.filter((_, i) => i % 9 === 0)) baseTexts.set(path, headTexts.get(path)!.replace(/(uses:\s*[\w.-]+\/[\w./-]+@)[\w.-]+/, '$1v1'));
    baseTexts.delete(paths[1]!);
    baseTexts.set(
      '.github/workflows/only-base.yml',
      'on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
    );
    const pyproject = ['pyproject.toml', '[project]\nname = "x"\nversion = "1"\n'] as const;
    const files = (texts: Map<string, string>, label: string): SourceFiles => {
      const all = new Map([...texts, pyproject]);
      return { label, paths: [...all.keys()].sort(), texts: all, unreadable: new Map(), time: new Date('2026-11-20T08:00:00Z') };
    };
    const head = files(headTexts, 'head');
    const base = files(baseTexts, 'base');
    const command = settingsFromArgv([ROOT, '--offline', '--only-new', '--now', '2026-11-26T12:00:00Z'], {}, ROOT);
    if (command.kind !== 'run') throw new Error('unexpected command');
    const settings = command.settings;
    const rules = threadRules(settings);

    const job = runThreadJob({
      settings,
      head: threadFilesOf(head),
      base: threadFilesOf(base),
      ruleIds: rules.map((rule) => rule.id),
      claims: new SharedArrayBuffer(4),
    });
    const mainContext = { ...buildContext(settings, head, base), ruleMemo: new Map() };
    const baselineContext = { ...buildContext(settings, base, null), ruleMemo: new Map() };
    const onMain = [...runRulesById(mainContext, rules)];
    const baselineOnMain = [...runRulesById(baselineContext, rules)];

    expect(onMain.flatMap(([, found]) => found).length).toBeGreaterThan(100);
    expect(onMain.flatMap(([, found]) => found).some((finding) => finding.introduced === false)).toBe(true);
    expect(JSON.stringify(job.head)).toBe(JSON.stringify(onMain));
    expect(JSON.stringify(job.baseline)).toBe(JSON.stringify(baselineOnMain));
    expect(job.ran).toEqual(rules.map((rule) => rule.id));
  });

  it('runs only the rules it claims: the others are left to the main thread', () => {
    const claims = new SharedArrayBuffer(4);
    const counter = new Int32Array(claims);
    const files: SourceFiles = {
      label: 'x',
      paths: ['.github/workflows/a.yml'],
      texts: new Map([['.github/workflows/a.yml', 'on: pull_request_target\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: echo "${{ github.event.pull_request.title }}"\n']]),
      unreadable: new Map(),
      time: new Date(0),
    };
    const command = settingsFromArgv([ROOT, '--offline'], {}, ROOT);
    if (command.kind !== 'run') throw new Error('unexpected command');
    const rules = threadRules(command.settings);
    // The main thread took the first three already.
    Atomics.store(counter, 0, 3);
    const job = runThreadJob({ settings: command.settings, head: threadFilesOf(files), base: null, ruleIds: rules.map((rule) => rule.id), claims });
    expect(job.ran).toEqual(rules.slice(3).map((rule) => rule.id));
    expect(job.head.map(([id]) => id)).toEqual(rules.slice(3).map((rule) => rule.id));
    expect(job.head.flatMap(([, found]) => found).length).toBeGreaterThan(0);
    expect(Atomics.load(counter, 0)).toBeGreaterThan(rules.length);
  });
});

describe('dist/cli.js with the workflow thread', () => {
  const git = (dir: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@e',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@e',
        GIT_COMMITTER_DATE: '2026-11-20T09:00:00+0100',
      },
    })
      .toString()
      .trim();

  it('gives the report it gives without the thread, with and without only-new', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockgate-thread-'));
    dirs.push(dir);
    git(dir, 'init', '-q', '-b', 'main');
    cpSync(join(ROOT, 'fixtures/uv/Kludex__starlette/dfc717feae72'), join(dir, 'starlette'), { recursive: true });
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    const texts = corpusWorkflowTexts();
    expect(texts.size).toBeGreaterThanOrEqual(MIN_WORKFLOW_FILES_FOR_THREAD);
    for (const [path, text] of texts) writeFileSync(join(dir, path), text);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'base');
    const base = git(dir, 'rev-parse', 'HEAD');
    cpSync(join(ROOT, 'fixtures/uv/Kludex__starlette/e264d43a2f17'), join(dir, 'starlette'), { recursive: true, force: true });
    for (const path of [...texts.keys()].filter((_, i) => i % 7 === 0)) {
      writeFileSync(join(dir, path), texts.get(path)!.replace(/(uses:\s*[\w.-]+\/[\w./-]+@)[\w.-]+/, '$1main'));
    }
    git(dir, 'commit', '-q', '-am', 'head');

    for (const onlyNew of [false, true]) {
      // --output: the CLI then prints its log (where the thread says it ran) on stderr.
      const run = (out: string, env: NodeJS.ProcessEnv) => {
        const args = [join(ROOT, 'dist/cli.js'), dir, '--base', base, '--head', 'HEAD', '--offline', '--format', 'json', '--fail-on', 'never'];
        args.push('--now', '2026-11-26T12:00:00Z', '--output', join(dir, out), ...(onlyNew ? ['--only-new'] : []));
        const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env } });
        expect(result.status).toBe(0);
        return { stderr: result.stderr, report: readFileSync(join(dir, out), 'utf8') };
      };
      const threaded = run('threaded.json', { LOCKGATE_DEBUG: '1', LOCKGATE_SLOW: '' });
      const single = run('single.json', { LOCKGATE_DEBUG: '1', LOCKGATE_SLOW: 'workflow-thread' });
      expect(threaded.stderr).toMatch(/\d+ of \d+ workflow rules ran on a second thread/);
      expect(single.stderr).not.toMatch(/second thread|workflow thread/);
      const parsed = JSON.parse(threaded.report);
      expect(parsed.findings.length + parsed.preexisting.length).toBeGreaterThan(100);
      expect(threaded.report).toBe(single.report);
    }
  });
});

describe('a worker that fails', () => {
  for (const [name, body] of [
    ['exits at once', 'process.exit(3);'],
    ['throws while loading', 'throw new Error("broken");'],
    [
      'answers with nonsense',
      'import { parentPort } from "node:worker_threads"; parentPort.once("message", () => parentPort.postMessage({ ok: false, error: "x" }));',
    ],
  ] as const) {
    it(`${name}: the job comes back as null, so the main thread runs the rules`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lockgate-thread-worker-'));
      dirs.push(dir);
      const script = join(dir, 'worker.mjs');
      writeFileSync(script, body);
      const thread = WorkflowThread.start(pathToFileURL(script));
      expect(thread).not.toBeNull();
      const files: SourceFiles = { label: 'x', paths: [], texts: new Map(), unreadable: new Map(), time: new Date(0) };
      const command = settingsFromArgv([ROOT, '--offline'], {}, ROOT);
      if (command.kind !== 'run') throw new Error('unexpected command');
      await expect(thread!.run(command.settings, files, null, threadRules(command.settings)).result).resolves.toBeNull();
    });
  }
});
