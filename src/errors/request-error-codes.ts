import { GraphQLError } from 'graphql';
import type { ErrorCode } from './gateway-errors.js';

/** The contract's one code for a request that is wrong as written. */
const REQUEST_ERROR_CODE: ErrorCode = 'BAD_USER_INPUT';

/**
 * Codes yoga gives to requests that do not parse, validate or coerce, or that name no operation of
 * their document (`OPERATION_RESOLUTION_FAILURE`).
 */
const YOGA_REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * The contract knows one code for a request that is wrong as written: `BAD_USER_INPUT`. graphql-js
 * and yoga label such errors with their own codes, or none at all: a variable of the wrong type,
 * a missing CSRF header (403). Each keeps its HTTP status and gets that code, and repeats nothing
 * of the request. Field errors (with a `path`) and errors that already carry one of the contract's
 * codes (401, 405, 429) are left as they are.
 *
 * Returns the errors with those recoded, or `undefined` when none is a request error (the answer
 * is then left as it is, with nothing copied).
 */
export function recodeRequestErrors(errors: readonly GraphQLError[]): GraphQLError[] | undefined {
  if (!errors.some(isRequestError)) return undefined;
  return errors.map((error) => (isRequestError(error) ? recode(error) : error));
}

function isRequestError(error: GraphQLError): boolean {
  if (error.path) return false;
  const { code, http, unexpected } = error.extensions as {
    code?: unknown;
    http?: { status?: number };
    unexpected?: boolean;
  };
  // The gateway's own failures are not the request's fault, whatever code they lack.
  if (unexpected === true || (http?.status ?? 0) >= 500) return false;
  return code === undefined || YOGA_REQUEST_ERROR_CODES.has(String(code));
}

/**
 * The same error with the contract's code. yoga's `extensions.originalError` goes: for a body
 * that is not JSON it holds the parser's message, which quotes the body. yoga also read it as "not
 * a GraphQL request at all" to answer 400 where a JSON client would otherwise get 200; without it,
 * the error's own status is kept by no longer marking it as one the spec lets yoga override.
 */
function recode(error: GraphQLError): GraphQLError {
  const { originalError: quotesTheRequest, ...extensions } = error.extensions;
  if (quotesTheRequest !== undefined && isObject(extensions.http)) {
    extensions.http = { ...extensions.http, spec: false };
  }
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...extensions, code: REQUEST_ERROR_CODE },
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
