import type { ErrorCode } from './gql/graphql';

/** What went wrong with a call: one of the contract's codes, or no usable answer at all. */
export type ProblemCode = ErrorCode | 'NETWORK' | 'HTTP';

/** A failed call to the gateway, with what the contract says a client may rely on. */
export class GatewayError extends Error {
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly details: {
      /** HTTP status of the answer (absent when nothing answered). */
      status?: number;
      /** `Retry-After` (RATE_LIMITED) or `extensions.retryAfterSeconds` (THROTTLED), in seconds. */
      retryAfterSeconds?: number;
      /** Graph's `request-id`, for errors caused by an upstream answer. */
      upstreamRequestId?: string;
    } = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}
