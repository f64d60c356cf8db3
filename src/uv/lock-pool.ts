/**
 * uv.lock files read on other cores (issue 18 item 3): a pool of worker threads reads the locks of a
 * run with readLock while the main thread parses the workflows; the main thread then takes each
 * result where it would have read the lock itself. The result is the same object graph readLock
 * returns here (lock.ts `lockResultFromTransfer` puts back what a structured clone drops), so the
 * rules and the reports cannot tell the difference; only the cost moves.
 *
 * The main thread waits synchronously (Atomics.wait on a counter the workers bump, then
 * receiveMessageOnPort), so the loaders stay synchronous. Anything unexpected (no worker file beside
 * this module, as in a single-file bundle without one; a worker that fails or is slow; a result that
 * does not come back whole) falls back to reading the lock here: a fallback costs time, never
 * changes a result.
 *
 * Used only where it pays: two cores or more, and enough lock text to outweigh starting a thread
 * (LOCK_POOL_MIN_BYTES). `LOCKGATE_SLOW=lock-workers` turns it off (src/core/speedups.ts).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { speedupEnabled } from '../core/speedups.js';
import type { Limits } from '../settings/types.js';
import { lockResultFromTransfer, readLock, type ReadLockResult } from './lock.js';
import type { LockAnswer, LockJob, LockWorkerData } from './lock-worker.js';

/** Below this much lock text (UTF-16 units, base and head together), threads cost more than they save. */
export const LOCK_POOL_MIN_BYTES = 2 * 1024 * 1024;

/** At most this many threads, whatever the machine has. */
const MAX_WORKERS = 8;

/**
 * How long the main thread waits for an answer before it reads the lock itself: a floor, plus time
 * for the text queued before it at a rate far below the parser's (tens of MB/s).
 */
const WAIT_FLOOR_MS = 5_000;
const WAIT_MS_PER_MB = 1_000;

export interface LockReader {
  /** readLock's result for this file and text: from a worker when one read it, else read here. */
  read(file: string, text: string): ReadLockResult;
  /** Stops the threads (results not taken are dropped). */
  close(): void;
}

interface Pending {
  id: number;
  file: string;
  text: string;
  /** Text queued up to and including this job on its worker, for the wait deadline. */
  queuedUnits: number;
  answer?: LockAnswer;
}

/** The worker entry beside this module (lib/src/uv/lock-worker.js), or null when there is none. */
function defaultWorkerFile(): URL | null {
  // Built from parts so that a bundler does not rewrite it into an asset of its own.
  const url = new URL(['.', 'lock-worker.js'].join('/'), import.meta.url);
  try {
    return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null;
  } catch {
    return null;
  }
}

/** How many worker threads a run of these locks gets: 0 means read them on the main thread. */
export function lockPoolSize(totalUnits: number, jobs: number, parallelism: number = availableParallelism()): number {
  if (totalUnits < LOCK_POOL_MIN_BYTES || jobs === 0) return 0;
  return Math.max(0, Math.min(parallelism - 1, jobs, MAX_WORKERS));
}

/**
 * Starts reading `locks` (in the order the main thread will ask for them) on worker threads, or
 * returns null when the pool does not pay or cannot start. `workerFile` is for tests.
 */
export function startLockPool(
  locks: readonly { file: string; text: string }[],
  limits: Pick<Limits, 'maxPackagesPerLock'>,
  options: { workerFile?: URL; size?: number } = {},
): LockReader | null {
  if (!speedupEnabled('lock-workers')) return null;
  const total = locks.reduce((sum, lock) => sum + lock.text.length, 0);
  const size = options.size ?? lockPoolSize(total, locks.length);
  if (size <= 0) return null;
  const workerFile = options.workerFile ?? defaultWorkerFile();
  if (workerFile === null) return null;

  const signal = new Int32Array(new SharedArrayBuffer(4));
  const workers: { worker: Worker; port: MessagePort }[] = [];
  try {
    for (let i = 0; i < size; i++) {
      const { port1, port2 } = new MessageChannel();
      const data: LockWorkerData = { port: port2, signal, limits: { maxPackagesPerLock: limits.maxPackagesPerLock } };
      const worker = new Worker(workerFile, { workerData: data, transferList: [port2] });
      // A failing worker must not take the run down: its locks are read here after the wait.
      worker.on('error', () => undefined);
      worker.unref();
      port1.unref();
      workers.push({ worker, port: port1 });
    }
  } catch {
    for (const { worker } of workers) void worker.terminate();
    return null;
  }

  const byKey = new Map<string, Pending[]>();
  const byId = new Map<number, Pending>();
  const queued = new Array<number>(workers.length).fill(0);
  locks.forEach((lock, id) => {
    const slot = id % workers.length;
    queued[slot]! += lock.text.length;
    const pending: Pending = { id, file: lock.file, text: lock.text, queuedUnits: queued[slot]! };
    byId.set(id, pending);
    byKey.set(lock.file, [...(byKey.get(lock.file) ?? []), pending]);
    workers[slot]!.port.postMessage({ id, file: lock.file, text: lock.text } satisfies LockJob);
  });

  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const { worker, port } of workers) {
      port.close();
      void worker.terminate();
    }
  };
  const drain = (): void => {
    for (const { port } of workers) {
      for (let message = receiveMessageOnPort(port); message !== undefined; message = receiveMessageOnPort(port)) {
        const answer = message.message as LockAnswer;
        const pending = byId.get(answer.id);
        if (pending) pending.answer = answer;
      }
    }
  };
  const answerOf = (pending: Pending): LockAnswer | undefined => {
    const deadline = performance.now() + WAIT_FLOOR_MS + (pending.queuedUnits / (1024 * 1024)) * WAIT_MS_PER_MB;
    for (;;) {
      const seen = Atomics.load(signal, 0);
      drain();
      if (pending.answer !== undefined) return pending.answer;
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      Atomics.wait(signal, 0, seen, Math.min(left, 1_000));
    }
  };

  return {
    read(file, text) {
      const pending = closed ? undefined : byKey.get(file)?.find((candidate) => candidate.text === text);
      if (pending) {
        const answer = answerOf(pending);
        byId.delete(pending.id);
        pending.answer = undefined;
        if (answer === undefined)
          close(); // a worker that does not answer in time gets no more waits
        else if ('transferred' in answer) {
          const result = lockResultFromTransfer(answer.transferred);
          if (result !== null) return result;
        }
      }
      return readLock(file, text, limits);
    },
    close,
  };
}
