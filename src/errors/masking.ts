import { GraphQLError } from 'graphql';
import { type MaskError, maskError } from 'graphql-yoga';

/**
 * yoga's masking, but for a client that went away. Its Graph calls end with its request's own
 * `AbortError` (they listen to `context.signal`), and yoga logs every error it masks at `error`:
 * one line per departed client, as if the gateway had failed. Nobody reads that answer, so the
 * abort goes through unmasked and is not logged (an abort yoga sees itself it logs at `debug`); the
 * request log still writes the request's line.
 */
export const maskErrorsExceptDepartures: MaskError = (error, message, isDev) =>
  error instanceof GraphQLError && isAbort(error.originalError) ? error : maskError(error, message, isDev);

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
