/**
 * Pieces both network clients (the package index and GitHub) share: a concurrency limit, the
 * Retry-After header, and a short description of a failed fetch that never carries a header.
 */

/** A counting semaphore: at most `limit` tasks at once, served in order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Milliseconds a Retry-After header asks to wait (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Why a fetch failed, in a few words: the socket error code when there is one (ECONNRESET, ...). */
export function describeFetchError(error: unknown): string {
  const err = error as { message?: string; cause?: { code?: string; message?: string } } | undefined;
  const code = err?.cause?.code;
  if (code) return `${code}${err?.cause?.message && !err.cause.message.includes(code) ? ` (${err.cause.message})` : ''}`.slice(0, 200);
  return String(err?.cause?.message ?? err?.message ?? error).slice(0, 200);
}
