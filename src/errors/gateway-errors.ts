import { GraphQLError } from 'graphql';

/** The contract's error codes. Nothing else in the gateway invents a code. */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'THROTTLED',
  'RATE_LIMITED',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Ids that tie an error to one upstream exchange, for support tickets with Microsoft. */
export interface UpstreamIds {
  upstreamRequestId?: string | undefined;
  clientRequestId: string;
}

interface GatewayErrorOptions {
  httpStatus?: number;
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

/**
 * A GraphQL error that carries a contract code. yoga reads `extensions.http` to shape the HTTP
 * response and strips it from the body.
 */
export class GatewayError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    const http =
      options.httpStatus !== undefined || options.headers
        ? { http: { status: options.httpStatus, headers: options.headers } }
        : {};
    super(message, { extensions: { code, ...options.extensions, ...http } });
    this.code = code;
  }
}

export class UnauthenticatedError extends GatewayError {
  constructor(message = 'A valid bearer token is required.') {
    super('UNAUTHENTICATED', message, {
      httpStatus: 401,
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    });
  }
}

export class ForbiddenError extends GatewayError {
  constructor(message = 'The caller is not allowed to perform this operation.', upstream?: UpstreamIds) {
    super('FORBIDDEN', message, { extensions: upstream ? { ...upstream } : {} });
  }
}

/** The contract refuses personal Microsoft accounts everywhere, whatever their token grants. */
export class PersonalAccountError extends ForbiddenError {
  constructor() {
    super('Personal Microsoft accounts are not supported.');
  }
}

/** A request wrong as sent, refused before it runs: `BAD_USER_INPUT` with HTTP 400. */
export class RequestError extends GatewayError {
  constructor(message: string) {
    super('BAD_USER_INPUT', message, { httpStatus: 400 });
  }
}

export class BadUserInputError extends GatewayError {
  constructor(message: string, argumentName?: string) {
    super('BAD_USER_INPUT', message, { extensions: argumentName ? { argumentName } : {} });
  }
}

export class RateLimitedError extends GatewayError {
  constructor(retryAfterSeconds: number, message = 'Too many requests; retry later.') {
    super('RATE_LIMITED', message, {
      httpStatus: 429,
      headers: { 'Retry-After': String(retryAfterSeconds) },
      extensions: { retryAfterSeconds },
    });
  }
}

/** Errors caused by an upstream exchange: they always carry both request ids. */
export class UpstreamError extends GatewayError {
  readonly retryAfterSeconds: number | undefined;
  /** Graph's HTTP status when it answered (none for a timeout or a dropped connection). */
  upstreamStatus: number | undefined;

  constructor(
    code: Extract<
      ErrorCode,
      'NOT_FOUND' | 'FORBIDDEN' | 'THROTTLED' | 'UPSTREAM_TIMEOUT' | 'UPSTREAM_UNAVAILABLE' | 'UPSTREAM_ERROR'
    >,
    upstream: UpstreamIds,
    retryAfterSeconds?: number,
  ) {
    super(code, UPSTREAM_MESSAGES[code], {
      extensions: {
        upstreamRequestId: upstream.upstreamRequestId ?? null,
        clientRequestId: upstream.clientRequestId,
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      },
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const UPSTREAM_MESSAGES = {
  NOT_FOUND: 'Microsoft Graph does not know this resource.',
  FORBIDDEN: 'Microsoft Graph refused the request.',
  THROTTLED: 'Microsoft Graph is throttling requests; retry later.',
  UPSTREAM_TIMEOUT: 'Microsoft Graph did not answer in time.',
  UPSTREAM_UNAVAILABLE: 'Microsoft Graph is unavailable.',
  UPSTREAM_ERROR: 'Microsoft Graph could not complete the request.',
} as const;
