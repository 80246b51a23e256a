import { UpstreamError, type UpstreamIds } from './gateway-errors.js';

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

/** The contract reports waits in whole seconds; never round a wait down to zero. */
export function toRetryAfterSeconds(milliseconds: number): number {
  return Math.max(1, Math.ceil(milliseconds / 1000));
}
