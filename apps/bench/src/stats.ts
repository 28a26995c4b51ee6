/** Nearest-rank percentile of `samples` (0 < p <= 100); NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(Math.ceil((p / 100) * sorted.length), 1);
  return sorted[rank - 1]!;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on this machine. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every `everyMs` until it holds; rejects naming `what` after `timeoutMs`. */
export async function waitUntil<T>(
  condition: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs: number,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`benchmark timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
