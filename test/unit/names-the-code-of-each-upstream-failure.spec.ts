import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/gateway-errors.js';
import {
  AnswerTooLargeError,
  CircuitOpenError,
  DeadlineExceededError,
  TokenAcquisitionError,
} from '../../src/errors/upstream-failures.js';

describe('internal upstream failures', () => {
  // Built inside each test, so that Stryker counts what the test runs as covered by it.
  it.each([
    [
      'an answer past the cap',
      () => new AnswerTooLargeError(10, 200, {}),
      'UPSTREAM_ERROR',
      'The upstream answer is longer than 10 bytes.',
    ],
    [
      'a deadline that passed',
      () => new DeadlineExceededError('the deadline passed'),
      'UPSTREAM_TIMEOUT',
      'the deadline passed',
    ],
    [
      'an open circuit',
      () => new CircuitOpenError(1_000),
      'UPSTREAM_UNAVAILABLE',
      'The upstream circuit is open',
    ],
    [
      'a refused token exchange',
      () => new TokenAcquisitionError('refused', 'invalid_grant'),
      'UPSTREAM_ERROR',
      'Token acquisition refused',
    ],
    [
      'an unreachable authority',
      () => new TokenAcquisitionError('unreachable'),
      'UPSTREAM_UNAVAILABLE',
      'Token acquisition unreachable',
    ],
  ])('name the contract code of %s', (_what, make, code, message) => {
    const error = make();
    expect(error.code).toBe(code);
    expect(ERROR_CODES).toContain(error.code);
    expect(error.name).toBe(error.constructor.name);
    expect(error.message).toBe(message);
  });
});
