import { GraphQLError } from 'graphql';
import { type Plugin, isAsyncIterable } from 'graphql-yoga';

/** Codes yoga gives to documents and variables that do not parse, validate or coerce. */
const REQUEST_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']);

/**
 * The contract knows one code for a request that is wrong as written: `BAD_USER_INPUT`. graphql-js
 * and yoga label such errors with their own codes, or none at all: a variable of the wrong type,
 * a missing CSRF header (403). Each keeps its HTTP status and gets that code. Field errors (with a
 * `path`) and errors that already carry one of the contract's codes (401, 405, 429) are left as
 * they are.
 */
export function useContractErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || isAsyncIterable(result) || !result.errors?.length) return;
      if (!result.errors.some(isRequestError)) return;
      setResult({
        ...result,
        errors: result.errors.map((error) => (isRequestError(error) ? recode(error) : error)),
      });
    },
  };
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
  return code === undefined || REQUEST_ERROR_CODES.has(String(code));
}

function recode(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
  });
}
