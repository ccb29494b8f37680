// How long the warm pool waits before it tries again after failed creates: exponential in the
// number of consecutive failures, capped, with jitter so several pools do not retry in step.

export interface RetryBackoffOptions {
  /** Wait after the first failure. Default 1000 ms. */
  initialDelayMs?: number;
  /** Longest wait, however many failures. Default 60000 ms. */
  maxDelayMs?: number;
}

/**
 * The wait before the next attempt after `failures` consecutive failures (1 = the first): the
 * initial delay doubled per further failure, capped at the maximum, then between 50 % and 100 % of that.
 */
export function retryDelayMs(failures: number, options: RetryBackoffOptions = {}, random: () => number = Math.random) {
  const initial = options.initialDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 60_000;
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const capped = Math.min(max, initial * 2 ** exponent);
  return Math.round(capped * (0.5 + random() / 2));
}
