import {
  ExponentialBackoff,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
  handleWhenResult,
  retry,
} from 'cockatiel';

/** One answer from Graph, reduced to what the retry decision needs. */
export interface AttemptOutcome {
  status: number;
  /** Parsed `Retry-After`, when Graph sent one. */
  retryAfterMs: number | undefined;
  /** Decided by the attempt, which knows how much of the deadline is left. */
  retryable: boolean;
}

/** Graph's transient answers: throttling, and its front door being briefly unavailable. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/**
 * Waits as long as Graph asked (`Retry-After`), and otherwise backs off exponentially with
 * decorrelated jitter, so that many gateways retrying at once do not synchronise.
 */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly fallback: IBackoffFactory<unknown>) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const fallback = this.fallback.next(context);
    const asked =
      'value' in context.result ? (context.result.value as AttemptOutcome).retryAfterMs : undefined;
    return { duration: asked ?? fallback.duration, next: (ctx) => new RetryAfterBackoff(fallback).next(ctx) };
  }
}

export interface RetryPolicyOptions {
  /** Total attempts, the first one included. */
  maxAttempts: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** The single retry policy of every Graph call: retries only what `AttemptOutcome.retryable` says. */
export function createGraphRetryPolicy(options: RetryPolicyOptions): RetryPolicy {
  return retry(
    handleWhenResult((outcome) => (outcome as AttemptOutcome).retryable),
    {
      maxAttempts: Math.max(0, options.maxAttempts - 1),
      backoff: new RetryAfterBackoff(
        new ExponentialBackoff({
          initialDelay: options.initialDelayMs ?? 100,
          maxDelay: options.maxDelayMs ?? 2_000,
        }),
      ),
    },
  );
}
