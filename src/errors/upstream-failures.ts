import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamError } from './gateway-errors.js';

/** The contract codes an upstream failure may become. */
export type UpstreamFailureCode = ConstructorParameters<typeof UpstreamError>[0];

/**
 * Why an upstream call failed before Graph gave an answer the gateway reads. Internal: each names
 * the contract code it becomes (`GraphHttpClient` makes the `UpstreamError` with the call's ids).
 */
abstract class UpstreamFailure extends Error {
  abstract readonly code: UpstreamFailureCode;
}

/**
 * An answer longer than the exchange would hold: the exchange was cut at `maxBytes`, before the
 * rest of it could fill the process's memory. Its status and headers (Graph's `request-id`) are kept.
 */
export class AnswerTooLargeError extends UpstreamFailure {
  override readonly name = 'AnswerTooLargeError';
  readonly code = 'UPSTREAM_ERROR';

  constructor(
    readonly maxBytes: number,
    readonly statusCode: number,
    readonly headers: IncomingHttpHeaders,
  ) {
    super(`The upstream answer is longer than ${maxBytes} bytes.`);
  }
}

/** Why a call's deadline aborted it, when it was the time running out. */
export class DeadlineExceededError extends UpstreamFailure {
  /** Also the code of a call whose deadline expired after the caller left. */
  static readonly CODE = 'UPSTREAM_TIMEOUT';
  override readonly name = 'DeadlineExceededError';
  readonly code = DeadlineExceededError.CODE;
}

/** Thrown instead of calling the upstream while the circuit is open. */
export class CircuitOpenError extends UpstreamFailure {
  override readonly name = 'CircuitOpenError';
  readonly code = 'UPSTREAM_UNAVAILABLE';

  constructor(readonly retryAfterMs: number) {
    super('The upstream circuit is open');
  }
}

/** Why a Graph token could not be had: the authority refused (with its OAuth error code), or could not be reached. */
export class TokenAcquisitionError extends UpstreamFailure {
  override readonly name = 'TokenAcquisitionError';
  readonly code: UpstreamFailureCode;

  constructor(
    readonly reason: 'refused' | 'unreachable',
    readonly oauthError?: string,
  ) {
    super(`Token acquisition ${reason}`);
    this.code = reason === 'refused' ? 'UPSTREAM_ERROR' : 'UPSTREAM_UNAVAILABLE';
  }
}
