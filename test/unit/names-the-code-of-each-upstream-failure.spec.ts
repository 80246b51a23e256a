import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/gateway-errors.js';
import {
  AnswerTooLargeError,
  CircuitOpenError,
  DeadlineExceededError,
  TokenAcquisitionError,
} from '../../src/errors/upstream-failures.js';

describe('internal upstream failures', () => {
  it.each([
    ['an answer past the cap', new AnswerTooLargeError(10, 200, {}), 'UPSTREAM_ERROR'],
    ['a deadline that passed', new DeadlineExceededError('the deadline passed'), 'UPSTREAM_TIMEOUT'],
    ['an open circuit', new CircuitOpenError(1_000), 'UPSTREAM_UNAVAILABLE'],
    ['a refused token exchange', new TokenAcquisitionError('refused', 'invalid_grant'), 'UPSTREAM_ERROR'],
    ['an unreachable authority', new TokenAcquisitionError('unreachable'), 'UPSTREAM_UNAVAILABLE'],
  ])('name the contract code of %s', (_what, error, code) => {
    expect(error.code).toBe(code);
    expect(ERROR_CODES).toContain(error.code);
    expect(error.name).toBe(error.constructor.name);
  });
});
