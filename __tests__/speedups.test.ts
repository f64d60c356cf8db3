/**
 * Issue 18's speed-ups change the cost, never the result: every report is the same with them on
 * and with all of them off (LOCKGATE_SLOW=all), with and without only-new, on the demo and on a
 * repository of real corpus projects and workflows where some files change and most do not.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runLockgate } from '../src/engine.js';
import { renderJson } from '../src/report/json.js';
import { defineRule } from '../src/rules/define.js';
import type { RuleContext, RuleMemo } from '../src/rules/types.js';
import { settingsFromArgv } from '../src/settings/resolve.js';
import { loadRevision, loadRevisions, openRepo, resolveRevision } from '../src/source/git.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const dirs: string[] = [];

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@e',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@e',
      GIT_AUTHOR_DATE: '2026-11-20T09:00:00+0100',
      GIT_COMMITTER_DATE: '2026-11-20T09:00:00+0100',
    },
  })
    .toString()
    .trim();
}

/** A repository with a base commit and a head commit built by `change` on the base tree. */
function twoCommits(fill: (dir: string) => void, change: (dir: string) => void): { dir: string; base: string; head: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lockgate-speedups-'));
  dirs.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  fill(dir);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  change(dir);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'head');
  return { dir, base, head: git(dir, 'rev-parse', 'HEAD') };
}

let demo: { dir: string; base: string; head: string };
let corpus: { dir: string; base: string; head: string };

beforeAll(() => {
  demo = twoCommits(
    (dir) => cpSync(join(ROOT, 'examples/demo/base'), dir, { recursive: true }),
    (dir) => {
      rmSync(join(dir, '.github'), { recursive: true, force: true });
      cpSync(join(ROOT, 'examples/demo/head'), dir, { recursive: true, force: true });
    },
  );
  // Two real projects (one lock changes between its two snapshots, one stays), and the workflows
  // of two corpus repositories (one file edited, the others the same).
  corpus = twoCommits(
    (dir) => {
      cpSync(join(ROOT, 'fixtures/uv/Kludex__starlette/dfc717feae72'), join(dir, 'starlette'), { recursive: true });
      cpSync(join(ROOT, 'fixtures/uv/docling-project__docling/d26dac61a86b'), join(dir, 'docling'), { recursive: true });
      for (const repo of ['Kludex__starlette', 'pydantic__pydantic-settings']) {
        const from = join(ROOT, 'fixtures/workflows/corpus', repo, '.github/workflows');
        for (const name of readdirSync(from)) {
          mkdirSync(join(dir, '.github/workflows'), { recursive: true });
          cpSync(join(from, name), join(dir, '.github/workflows', `${repo}-${name}`));
        }
      }
    },
    (dir) => {
      cpSync(join(ROOT, 'fixtures/uv/Kludex__starlette/e264d43a2f17'), join(dir, 'starlette'), { recursive: true, force: true });
      const first = join(dir, '.github/workflows', readdirSync(join(dir, '.github/workflows')).sort()[0]!);
      writeFileSync(first, readFileSync(first, 'utf8').replace(/(uses:\s*[\w.-]+\/[\w./-]+@)[\w.-]+/, '$1main'));
    },
  );
});
afterEach(() => {
  delete process.env.LOCKGATE_SLOW;
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function report(repo: { dir: string; base: string; head: string }, onlyNew: boolean, slow: string | undefined): Promise<string> {
  if (slow === undefined) delete process.env.LOCKGATE_SLOW;
  else process.env.LOCKGATE_SLOW = slow;
  const args = [repo.dir, '--base', repo.base, '--head', repo.head, '--offline', '--now', '2026-11-26T12:00:00Z', ...(onlyNew ? ['--only-new'] : [])];
  const command = settingsFromArgv(args, {}, repo.dir);
  if (command.kind !== 'run') throw new Error('unexpected command');
  return renderJson((await runLockgate(command.settings)).report);
}

describe('the speed-ups give the same report as the code they replace', () => {
  for (const [name, repo] of [
    ['the demo', () => demo],
    ['corpus projects and workflows, some changed', () => corpus],
  ] as const) {
    for (const onlyNew of [false, true]) {
      it(`${name}, only-new ${onlyNew}`, async () => {
        const fast = await report(repo(), onlyNew, undefined);
        expect(JSON.parse(fast).findings.length).toBeGreaterThan(0);
        expect(fast).toBe(await report(repo(), onlyNew, 'all'));
        for (const one of ['one-read', 'shared-parse', 'rule-reuse', 'file-reuse', 'lock-reader', 'lock-positions', 'yaml-reader'])
          expect(await report(repo(), onlyNew, one)).toBe(fast);
      });
    }
  }

  it('reads both revisions in one stream as each alone: paths, texts, problems and the commit time', () => {
    const repo = openRepo(corpus.dir, true);
    const [head, base] = loadRevisions(repo, [resolveRevision(repo, corpus.head), resolveRevision(repo, corpus.base)], 1_000_000);
    process.env.LOCKGATE_SLOW = 'one-read';
    const alone = [loadRevision(repo, corpus.head, 1_000_000), loadRevision(repo, corpus.base, 1_000_000)];
    expect([head, base]).toEqual(alone);
    expect(head!.time.toISOString()).toBe('2026-11-20T08:00:00.000Z');
    // The size limit still applies (and says so) in the one stream.
    delete process.env.LOCKGATE_SLOW;
    const [small] = loadRevisions(repo, [corpus.head], 1000);
    expect(small!.unreadable.get('docling/uv.lock')).toMatch(/over the limit of 1000 bytes \(limits\.max-file-bytes\)/);
    expect(small!.texts.has('docling/uv.lock')).toBe(false);
  });
});

describe('workflow checks reused within a run', () => {
  const files = [{ file: 'a.yml' }, { file: 'b.yml' }] as unknown as RuleContext['workflows'];
  function countingRule(read: (ctx: RuleContext) => unknown) {
    const calls: string[] = [];
    const rule = defineRule({
      meta: { id: 'counting', defaultSeverity: 'warning', summary: 'counts its calls', on: 'workflows' },
      check(ctx, report) {
        calls.push(String(read(ctx)));
        for (const wf of ctx.workflows) report({ file: wf.file, message: 'm', subject: 's' });
      },
    });
    return { rule, calls };
  }
  const context = (over: Partial<RuleContext>): RuleContext =>
    ({ workflows: files, baseWorkflows: [...files], projects: [], ...over }) as unknown as RuleContext;

  it('runs once when base holds the very same files, twice when reuse is off', () => {
    const { rule, calls } = countingRule(() => 0);
    const findings = rule.check(context({}));
    expect(calls).toHaveLength(1);
    expect(findings.map((f) => f.introduced)).toEqual([false, false]);
    process.env.LOCKGATE_SLOW = 'rule-reuse';
    expect(rule.check(context({}))).toEqual(findings);
    expect(calls).toHaveLength(3);
  });

  it('runs again when a context field it read differs, or the files are other objects', () => {
    const memo: RuleMemo = new Map();
    const { rule, calls } = countingRule((ctx) => ctx.projects.length);
    rule.check(context({ ruleMemo: memo }));
    rule.check(context({ ruleMemo: memo, projects: [] }));
    expect(calls).toHaveLength(2); // another projects array: read, so not reused
    const quiet = countingRule(() => 0);
    quiet.rule.check(context({ ruleMemo: memo, baseWorkflows: null }));
    quiet.rule.check(context({ ruleMemo: memo, baseWorkflows: null, projects: [] }));
    expect(quiet.calls).toHaveLength(1); // projects not read: reused
    quiet.rule.check(context({ ruleMemo: memo, baseWorkflows: null, workflows: [...files.map((f) => ({ ...f }))] }));
    expect(quiet.calls).toHaveLength(2);
  });
});
