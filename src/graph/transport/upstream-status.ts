import { UpstreamError, type UpstreamIds } from '../../errors/gateway-errors.js';
import { toRetryAfterSeconds } from './retry-after.js';

/**
 * The contract's code for a Graph answer that is not a success, whether it came alone or as one
 * item of a `$batch`: one table, so that a bulk result and a single mutation never disagree.
 */
export function upstreamErrorForStatus(
  status: number,
  ids: UpstreamIds,
  retryAfterMs: number | undefined,
): UpstreamError {
  const error = errorForStatus(status, ids, retryAfterMs);
  error.upstreamStatus = status;
  return error;
}

function errorForStatus(status: number, ids: UpstreamIds, retryAfterMs: number | undefined): UpstreamError {
  switch (status) {
    case 404:
      return new UpstreamError('NOT_FOUND', ids);
    case 403:
      return new UpstreamError('FORBIDDEN', ids);
    case 429:
      // Graph always sends Retry-After with a 429; a second is the least a client should wait.
      return new UpstreamError('THROTTLED', ids, toRetryAfterSeconds(retryAfterMs ?? 1000));
    case 503:
      return new UpstreamError(
        'UPSTREAM_UNAVAILABLE',
        ids,
        retryAfterMs === undefined ? undefined : toRetryAfterSeconds(retryAfterMs),
      );
    default:
      return new UpstreamError('UPSTREAM_ERROR', ids);
  }
}

/** Answers that say Graph itself is unwell (not the request): what a circuit breaker counts. */
export const UNHEALTHY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * What the circuit counts against Graph: no answer in time or a dropped socket (`networkError`,
 * `TIMEOUT` for the deadline), or a 502/503/504. Here, beside the statuses, so that the rule has
 * a unit test of its own.
 */
export function isUnhealthyExchange(exchange: { status: number; networkError: string | undefined }): boolean {
  return exchange.networkError !== undefined || UNHEALTHY_STATUSES.has(exchange.status);
}
