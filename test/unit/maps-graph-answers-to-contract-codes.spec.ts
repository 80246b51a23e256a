import { describe, expect, it } from 'vitest';
import {
  BadUserInputError,
  ERROR_CODES,
  ForbiddenError,
  GatewayError,
  PersonalAccountError,
  RateLimitedError,
  RequestError,
  UnauthenticatedError,
  UpstreamError,
} from '../../src/errors/gateway-errors.js';
import { toRetryAfterSeconds, upstreamErrorForStatus } from '../../src/errors/graph-answer-codes.js';
import { UNHEALTHY_STATUSES, isUnhealthyExchange } from '../../src/graph/transport/upstream-status.js';

const IDS = { upstreamRequestId: 'graph-request-id', clientRequestId: 'client-request-id' };

describe('a Graph answer that is not a success', () => {
  it.each([
    [404, 'NOT_FOUND', 'Microsoft Graph does not know this resource.'],
    [403, 'FORBIDDEN', 'Microsoft Graph refused the request.'],
    [400, 'UPSTREAM_ERROR', 'Microsoft Graph could not complete the request.'],
    [401, 'UPSTREAM_ERROR', 'Microsoft Graph could not complete the request.'],
    [500, 'UPSTREAM_ERROR', 'Microsoft Graph could not complete the request.'],
    [502, 'UPSTREAM_ERROR', 'Microsoft Graph could not complete the request.'],
    [504, 'UPSTREAM_ERROR', 'Microsoft Graph could not complete the request.'],
  ])('%i is %s, with both request ids and no wait', (status, code, message) => {
    const error = upstreamErrorForStatus(status, IDS, 5_000);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(message);
    expect(error.extensions).toEqual({
      code,
      upstreamRequestId: 'graph-request-id',
      clientRequestId: 'client-request-id',
    });
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(Object.keys(error.extensions)).not.toContain('retryAfterSeconds');
  });

  it.each([
    [undefined, 1],
    [0, 1],
    [1, 1],
    [1_000, 1],
    [1_001, 2],
    [2_500, 3],
  ])('429 is THROTTLED; Retry-After %j ms is %i s', (retryAfterMs, seconds) => {
    const error = upstreamErrorForStatus(429, IDS, retryAfterMs);
    expect(error.extensions).toEqual({ code: 'THROTTLED', ...IDS, retryAfterSeconds: seconds });
    expect(error.retryAfterSeconds).toBe(seconds);
    expect(error.message).toBe('Microsoft Graph is throttling requests; retry later.');
  });

  it('503 is UPSTREAM_UNAVAILABLE, with the wait only when Graph gave one', () => {
    expect(upstreamErrorForStatus(503, IDS, undefined).extensions).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      ...IDS,
    });
    expect(upstreamErrorForStatus(503, IDS, 1_500).extensions).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      ...IDS,
      retryAfterSeconds: 2,
    });
    expect(upstreamErrorForStatus(503, IDS, 0).retryAfterSeconds).toBe(1);
    expect(upstreamErrorForStatus(503, IDS, 0).message).toBe('Microsoft Graph is unavailable.');
  });

  it('reports a missing Graph request id as null', () => {
    expect(upstreamErrorForStatus(404, { clientRequestId: 'c' }, undefined).extensions).toEqual({
      code: 'NOT_FOUND',
      upstreamRequestId: null,
      clientRequestId: 'c',
    });
  });

  it('names timeouts for what they are', () => {
    expect(new UpstreamError('UPSTREAM_TIMEOUT', IDS).message).toBe(
      'Microsoft Graph did not answer in time.',
    );
  });
});

describe('what the circuit counts against Graph', () => {
  it('counts exactly 502, 503 and 504 among statuses', () => {
    expect([...UNHEALTHY_STATUSES].sort()).toEqual([502, 503, 504]);
  });

  it.each([
    [502, undefined, true],
    [503, undefined, true],
    [504, undefined, true],
    [0, 'ECONNRESET', true],
    [0, 'TIMEOUT', true],
    [0, 'UND_ERR_SOCKET', true],
    [200, undefined, false],
    [400, undefined, false],
    [403, undefined, false],
    [404, undefined, false],
    [429, undefined, false],
    [500, undefined, false],
  ])('status %i, network error %j: %s', (status, networkError, counts) => {
    expect(isUnhealthyExchange({ status, networkError })).toBe(counts);
  });
});

describe('whole seconds for clients', () => {
  it.each([
    [0, 1],
    [-5, 1],
    [1, 1],
    [999, 1],
    [1_000, 1],
    [1_001, 2],
    [60_000, 60],
  ])('%i ms is %i s', (milliseconds, seconds) => {
    expect(toRetryAfterSeconds(milliseconds)).toBe(seconds);
  });
});

describe('the gateway’s own errors', () => {
  it('use only the contract’s codes', () => {
    expect(ERROR_CODES).toEqual([
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'BAD_USER_INPUT',
      'NOT_FOUND',
      'THROTTLED',
      'RATE_LIMITED',
      'UPSTREAM_TIMEOUT',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_ERROR',
    ]);
  });

  it('UNAUTHENTICATED is a 401 with a Bearer challenge', () => {
    const error = new UnauthenticatedError();
    expect(error.message).toBe('A valid bearer token is required.');
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } },
    });
    expect(new UnauthenticatedError('expired').message).toBe('expired');
  });

  it('FORBIDDEN carries no HTTP status of its own, and the upstream ids when Graph refused', () => {
    const error = new ForbiddenError();
    expect(error.message).toBe('The caller is not allowed to perform this operation.');
    expect(error.extensions).toEqual({ code: 'FORBIDDEN' });
    expect(new ForbiddenError('no', IDS).extensions).toEqual({ code: 'FORBIDDEN', ...IDS });
  });

  it('a personal account is FORBIDDEN, saying why', () => {
    const error = new PersonalAccountError();
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe('Personal Microsoft accounts are not supported.');
    expect(error.extensions).toEqual({ code: 'FORBIDDEN' });
  });

  it('a request refused before it runs is BAD_USER_INPUT with 400', () => {
    const error = new RequestError('"operationName" must be a string.');
    expect(error.message).toBe('"operationName" must be a string.');
    expect(error.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      http: { status: 400, headers: undefined },
    });
  });

  it('BAD_USER_INPUT names the argument when there is one', () => {
    expect(new BadUserInputError('bad', 'first').extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argumentName: 'first',
    });
    expect(new BadUserInputError('bad').extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('RATE_LIMITED is a 429 with Retry-After in whole seconds', () => {
    const error = new RateLimitedError(7);
    expect(error.message).toBe('Too many requests; retry later.');
    expect(error.extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 7,
      http: { status: 429, headers: { 'Retry-After': '7' } },
    });
  });

  it('an HTTP status alone, or headers alone, still reach yoga', () => {
    expect(new GatewayError('NOT_FOUND', 'x', { httpStatus: 404 }).extensions).toEqual({
      code: 'NOT_FOUND',
      http: { status: 404, headers: undefined },
    });
    expect(new GatewayError('NOT_FOUND', 'x', { headers: { a: 'b' } }).extensions).toEqual({
      code: 'NOT_FOUND',
      http: { status: undefined, headers: { a: 'b' } },
    });
    expect(new GatewayError('NOT_FOUND', 'x', {}).extensions).toEqual({ code: 'NOT_FOUND' });
  });
});
