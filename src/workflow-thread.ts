/**
 * The workflow checks on a second thread (issue 18, item 3: use both cores). The offline
 * `on: 'workflows'` rules read nothing but the workflow files of a revision and the settings, and
 * give back findings: small plain objects, cheap to send between threads (the uv models, which the
 * report needs on the main thread, are not: moving locks to a worker cost more in unpacking than it
 * saved, see docs/performance.md). So a worker parses the workflow files of base and head itself
 * and runs those rules, with the head run, the base run for `introduced` and, for only-new, the
 * baseline run (base alone), while the main thread parses the uv projects and runs everything
 * else. The findings are merged in rule order, so the report is byte for byte the one the single
 * thread gives (`LOCKGATE_SLOW=workflow-thread` turns the thread off; __tests__/workflow-thread.test.ts
 * compares both on the e2e fixtures).
 *
 * The worker is started before the revisions are read, so that loading the code (about 100 ms)
 * overlaps the read; it is used only when there are enough workflow files to pay for it, on a
 * machine with a second core, and when the code runs from JavaScript (tests run the TypeScript
 * sources in one thread). Anything that goes wrong on the worker (it cannot start, a message cannot
 * be cloned, it exits) makes the main thread run those rules itself: never a missing finding.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { speedupEnabled } from './core/speedups.js';
import type { Finding, WaivedFinding } from './findings.js';
import { RULES } from './rules/index.js';
import { runRulesById } from './rules/run.js';
import type { DefinedRule } from './rules/define.js';
import type { Rule, RuleContext, RuleMemo } from './rules/types.js';
import type { Settings } from './settings/types.js';
import { ParseCache } from './source/parse-cache.js';
import type { SourceFiles } from './source/types.js';
import { workflowKindOf } from './workflows/parse.js';
import { workflowContext } from './workflow-context.js';

const MARK = 'lockgate-workflow-thread';

/**
 * Workflow rules that read more than the workflow files and the settings, and so stay on the main
 * thread: setup-uv-unpinned reads the uv project's `required-version`. __tests__/workflow-thread.test.ts
 * records what every other workflow rule reads and fails when one reads a project or a network fact.
 */
export const MAIN_THREAD_WORKFLOW_RULES: ReadonlySet<string> = new Set(['setup-uv-unpinned']);

/**
 * Workflow rules that also read GitHub's facts when there are some (the commit a tag points at, for
 * the fix of unpinned-uses): on the worker only offline, where those facts are null on both threads.
 */
export const GITHUB_FACT_WORKFLOW_RULES: ReadonlySet<string> = new Set(['unpinned-uses']);

/** The rules the worker runs: offline pure workflow checks that read only workflow files (and GitHub's facts, when there are none). */
export function threadRules(settings: Pick<Settings, 'offline'>, rules: readonly Rule[] = RULES): Rule[] {
  return rules.filter((rule) => {
    const meta = (rule as DefinedRule).meta;
    if (meta?.on !== 'workflows' || meta.online === true || MAIN_THREAD_WORKFLOW_RULES.has(rule.id)) return false;
    return settings.offline || !GITHUB_FACT_WORKFLOW_RULES.has(rule.id);
  });
}

/**
 * Below this many workflow files (base and head together) the worker's start costs more than it
 * saves: the rules of a few dozen files take a few tens of milliseconds.
 */
export const MIN_WORKFLOW_FILES_FOR_THREAD = 40;

/** A revision's workflow files as the worker needs them: every path (rules read `headFiles`), the workflow texts only. */
interface ThreadFiles {
  label: string;
  paths: string[];
  texts: [string, string][];
  unreadable: [string, string][];
  time: Date;
}

export interface ThreadJob {
  settings: Settings;
  head: ThreadFiles;
  base: ThreadFiles | null;
  ruleIds: string[];
  /**
   * One Int32 both threads take rule indexes from (Atomics.add), so each rule runs exactly once, on
   * whichever thread is free first: the main thread joins in when its own rules are done.
   */
  claims: SharedArrayBuffer;
}

type ByRule = [string, (Finding | WaivedFinding)[]][];

/** The worker's findings by rule id: the main run (head, with base for `introduced`) and the only-new baseline (base alone). */
export interface ThreadFindings {
  /** The rules the worker ran (the others of the job are the main thread's to run). */
  ran: Set<string>;
  head: Map<string, (Finding | WaivedFinding)[]>;
  baseline: Map<string, (Finding | WaivedFinding)[]> | null;
}

type ThreadReply = { ok: true; ran: string[]; head: ByRule; baseline: ByRule | null } | { ok: false; error: string };

export function threadFilesOf(files: SourceFiles): ThreadFiles {
  const isWorkflowPath = (path: string) => workflowKindOf(path) !== null;
  return {
    label: files.label,
    paths: files.paths,
    texts: [...files.texts].filter(([path]) => isWorkflowPath(path)),
    unreadable: [...files.unreadable].filter(([path]) => isWorkflowPath(path)),
    time: files.time,
  };
}

function sourceFilesOf(files: ThreadFiles): SourceFiles {
  return { label: files.label, paths: files.paths, texts: new Map(files.texts), unreadable: new Map(files.unreadable), time: files.time };
}

/** How many workflow, action and dependabot files the worker would parse. */
export function workflowFileCount(head: SourceFiles, base: SourceFiles | null): number {
  let count = 0;
  for (const files of base ? [head, base] : [head]) for (const path of files.texts.keys()) if (workflowKindOf(path) !== null) count++;
  return count;
}

/** The next rule index of a job's shared counter. */
export function claimFrom(claims: SharedArrayBuffer): () => number {
  const counter = new Int32Array(claims);
  return () => Atomics.add(counter, 0, 1);
}

/** The worker itself: parses, then runs the rules of the job it claims one at a time, and answers once. */
export function runThreadJob(job: ThreadJob, claim: () => number = claimFrom(job.claims)): { ran: string[]; head: ByRule; baseline: ByRule | null } {
  const rules = job.ruleIds.map((id) => RULES.find((rule) => rule.id === id)).filter((rule): rule is Rule => rule !== undefined);
  const cache = new ParseCache();
  const ruleMemo: RuleMemo = new Map();
  const head = sourceFilesOf(job.head);
  const base = job.base ? sourceFilesOf(job.base) : null;
  const context: RuleContext = { ...workflowContext(job.settings, head, base, cache), ruleMemo };
  // What withBaseline's own context holds for these rules: base audited alone.
  const baseContext: RuleContext | null = job.settings.onlyNew && base ? { ...workflowContext(job.settings, base, null, cache), ruleMemo } : null;
  const ran: string[] = [];
  const headFindings: ByRule = [];
  const baseline: ByRule | null = baseContext ? [] : null;
  for (let index = claim(); index < rules.length; index = claim()) {
    const rule = rules[index]!;
    ran.push(rule.id);
    headFindings.push(...runRulesById(context, [rule]));
    if (baseContext && baseline) baseline.push(...runRulesById(baseContext, [rule]));
  }
  return { ran, head: headFindings, baseline };
}

if (!isMainThread && (workerData as { [MARK]?: boolean } | null)?.[MARK] === true && parentPort) {
  const port = parentPort;
  port.once('message', (job: ThreadJob) => {
    let reply: ThreadReply;
    try {
      reply = { ok: true, ...runThreadJob(job) };
    } catch (error) {
      reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    try {
      port.postMessage(reply);
    } catch (error) {
      port.postMessage({ ok: false, error: `the findings could not be sent: ${error instanceof Error ? error.message : String(error)}` });
    }
  });
}

type FindingsByRule = Map<string, (Finding | WaivedFinding)[]>;

const NONE_FROM_THREAD: ThreadFindings = { ran: new Set(), head: new Map(), baseline: null };

/**
 * The main thread's part of a job, once its own rules are done: it takes the shared rules the worker
 * has not begun, one at a time as the worker does, then waits for the worker's findings (not when it
 * took every rule itself), and runs whatever a failed worker left. Gives the shared rules' findings
 * for the run, and for the only-new baseline the same split: each rule's baseline on the thread that
 * ran it. Without a job, `shared` is empty and so are both.
 */
export async function finishSharedRules(
  job: { claim: () => number; result: Promise<ThreadFindings | null> } | null,
  shared: readonly Rule[],
  context: RuleContext,
  log: string[],
): Promise<{ head: FindingsByRule; baseline: (baseContext: RuleContext) => FindingsByRule }> {
  const claimedHere: Rule[] = [];
  const head: FindingsByRule = new Map();
  if (job) {
    for (let index = job.claim(); index < shared.length; index = job.claim()) {
      claimedHere.push(shared[index]!);
      for (const [id, findings] of runRulesById(context, [shared[index]!])) head.set(id, findings);
    }
  }
  const fromThread = job && claimedHere.length === shared.length ? NONE_FROM_THREAD : job ? await job.result : null;
  if (job && fromThread === null) log.push('The workflow thread failed, so its rules ran on the main thread.');
  else if (job && process.env.LOCKGATE_DEBUG) log.push(`${fromThread!.ran.size} of ${shared.length} workflow rules ran on a second thread.`);
  // A worker that failed leaves the rules it took to this thread: the same findings, only later.
  const left = shared.filter((rule) => !claimedHere.includes(rule) && !fromThread?.ran.has(rule.id));
  for (const [id, findings] of runRulesById(context, left)) head.set(id, findings);
  for (const [id, findings] of fromThread?.head ?? []) head.set(id, findings);
  const runHere = [...claimedHere, ...left];
  return {
    head,
    baseline: (baseContext) => {
      const found = runRulesById(baseContext, runHere);
      for (const [id, findings] of fromThread?.baseline ?? []) found.set(id, findings);
      return found;
    },
  };
}

/** The main thread's handle on the worker. */
export class WorkflowThread {
  private constructor(private readonly worker: Worker) {}

  /**
   * Starts the worker (it loads the code while the main thread reads git), or null where it does not
   * pay or cannot run. `script` is this module's own file (tests give another, to see a failing worker handled).
   */
  static start(script: URL = new URL(import.meta.url)): WorkflowThread | null {
    if (!speedupEnabled('workflow-thread') || availableParallelism() < 2) return null;
    // Under the test runner the code is TypeScript, which a worker cannot load.
    if (!/\.m?js$/.test(script.pathname)) return null;
    try {
      const worker = new Worker(script, { workerData: { [MARK]: true }, stdout: false, stderr: false });
      // A failed start is handled when the job is sent; until then the worker must not keep the process alive.
      worker.unref();
      worker.on('error', () => {});
      return new WorkflowThread(worker);
    } catch {
      return null;
    }
  }

  /**
   * Sends the job. `claim()` gives the main thread the next rule index to run itself (an index past
   * the last: none left); `result` the worker's findings, or null when it failed in any way (the
   * caller then runs every rule of the job that neither thread ran).
   */
  run(
    settings: Settings,
    head: SourceFiles,
    base: SourceFiles | null,
    rules: readonly Rule[],
  ): { claim: () => number; result: Promise<ThreadFindings | null> } {
    const worker = this.worker;
    const claims = new SharedArrayBuffer(4);
    // Now the process waits for the answer.
    worker.ref();
    const result = new Promise<ThreadFindings | null>((resolve) => {
      let settled = false;
      const settle = (value: ThreadFindings | null): void => {
        if (settled) return;
        settled = true;
        void worker.terminate();
        resolve(value);
      };
      worker.once('message', (reply: ThreadReply) =>
        settle(
          reply.ok && Array.isArray(reply.ran)
            ? { ran: new Set(reply.ran), head: new Map(reply.head), baseline: reply.baseline === null ? null : new Map(reply.baseline) }
            : null,
        ),
      );
      worker.once('error', () => settle(null));
      worker.once('exit', () => settle(null));
      worker.once('messageerror', () => settle(null));
      try {
        // The token stays on the main thread: no rule the worker runs needs it.
        const job: ThreadJob = {
          settings: { ...settings, githubToken: null },
          head: threadFilesOf(head),
          base: base ? threadFilesOf(base) : null,
          ruleIds: rules.map((rule) => rule.id),
          claims,
        };
        worker.postMessage(job);
      } catch {
        settle(null);
      }
    });
    return { claim: claimFrom(claims), result };
  }

  stop(): void {
    void this.worker.terminate();
  }
}
