import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { maskErrorsExceptDepartures } from '../../src/errors/masking.js';

const MASKED = 'Unexpected error.';

function abort(): Error {
  return Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
}

describe('masking of unexpected errors', () => {
  it('masks a plain error, keeping nothing of its message', () => {
    const masked = maskErrorsExceptDepartures(new Error('secret detail'), MASKED, false);
    expect(masked).toBeInstanceOf(GraphQLError);
    expect((masked as GraphQLError).message).toBe(MASKED);
    expect((masked as GraphQLError).extensions).toMatchObject({ unexpected: true });
  });

  it('masks a field error caused by an unexpected error', () => {
    const error = new GraphQLError('secret detail', { originalError: new Error('secret detail') });
    expect((maskErrorsExceptDepartures(error, MASKED, false) as GraphQLError).message).toBe(MASKED);
  });

  it('lets a departed client’s abort through as it is', () => {
    const error = new GraphQLError('This operation was aborted', { originalError: abort() });
    expect(maskErrorsExceptDepartures(error, MASKED, false)).toBe(error);
  });

  it('masks an abort that is not a field error', () => {
    expect((maskErrorsExceptDepartures(abort(), MASKED, false) as GraphQLError).message).toBe(MASKED);
  });

  it('masks a field error whose cause is not an Error, whatever its name', () => {
    const error = new GraphQLError('x', { originalError: { name: 'AbortError', message: 'x' } as Error });
    expect((maskErrorsExceptDepartures(error, MASKED, false) as GraphQLError).message).toBe(MASKED);
  });
});
