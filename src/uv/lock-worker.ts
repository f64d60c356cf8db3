/**
 * The entry of a lock-reading worker thread (src/uv/lock-pool.ts starts it): reads each uv.lock text
 * it is sent with readLock, exactly as the main thread would, and posts the result back as
 * transferable data, then bumps the shared counter the main thread waits on.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Limits } from '../settings/types.js';
import { lockResultForTransfer, readLock } from './lock.js';

/** A job: one lock text to read. */
export interface LockJob {
  id: number;
  file: string;
  text: string;
}

/** Its answer: the transferable result, or why readLock itself failed (the main thread then reads the text). */
export type LockAnswer = { id: number; transferred: ReturnType<typeof lockResultForTransfer> } | { id: number; failed: string };

export interface LockWorkerData {
  port: MessagePort;
  /** Index 0 counts the answers posted (all workers together). */
  signal: Int32Array;
  limits: Pick<Limits, 'maxPackagesPerLock'>;
}

const data = workerData as LockWorkerData | null;
if (parentPort && data) {
  const { port, signal, limits } = data;
  port.on('message', (job: LockJob) => {
    let answer: LockAnswer;
    try {
      answer = { id: job.id, transferred: lockResultForTransfer(readLock(job.file, job.text, limits)) };
    } catch (error) {
      answer = { id: job.id, failed: error instanceof Error ? error.message : String(error) };
    }
    try {
      port.postMessage(answer);
    } catch (error) {
      // A result the clone cannot carry: the main thread reads this one itself.
      port.postMessage({ id: job.id, failed: error instanceof Error ? error.message : String(error) } satisfies LockAnswer);
    }
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
}
