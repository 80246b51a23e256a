import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestErrorResponse } from './request-error-response.js';

/**
 * GraphQL-over-HTTP request errors that yoga lets through, answered as request errors (400,
 * `BAD_USER_INPUT`) instead of an unexpected failure, and without repeating what the client sent:
 *
 * - an `operationName` that is not a string (yoga passes it on as it came: a number broke the
 *   request log with a 500, an array of megabytes reached the log);
 * - GET `variables` or `extensions` that are not JSON (yoga's `JSON.parse` throws, which yoga
 *   masked as a 500 and logged at `error` with the client's text in the message);
 * - a POST whose content type no parser reads (yoga's 415 has no body, hence no code).
 *
 * The checks wrap whichever request parser yoga chose, so everything that runs after parsing
 * (`onParams`, the request log among them) sees parameters of the right types.
 */
export function useRequestParameterChecks(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, endResponse }) {
      if (!requestParser) {
        // GET always has a parser; other methods are answered 405 by yoga after this hook.
        if (request.method === 'POST') {
          endResponse(requestErrorResponse(415, 'Send the request as application/json.'));
        }
        return;
      }
      setRequestParser(async (incoming) => {
        let parsed: Awaited<ReturnType<typeof requestParser>>;
        try {
          parsed = await requestParser(incoming);
        } catch (error) {
          // JSON.parse's SyntaxError quotes the text it could not read: never passed on.
          if (error instanceof SyntaxError) throw requestError('Request parameters are not valid JSON.');
          throw error;
        }
        // Parameters, an array of them (refused by yoga: batching is off) or a 413 from useBodyLimit.
        const { operationName } = parsed as { operationName?: unknown };
        if (operationName != null && typeof operationName !== 'string') {
          throw requestError('"operationName" must be a string.');
        }
        return parsed;
      });
    },
  };
}

function requestError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}
