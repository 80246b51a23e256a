import type { Plugin } from 'graphql-yoga';
import { RequestError } from '../../errors/gateway-errors.js';
import { requestErrorResponse } from '../../errors/error-answers.js';

/**
 * GraphQL-over-HTTP request errors that yoga lets through, answered as request errors (a 4xx with
 * `BAD_USER_INPUT`) before anything runs, and without repeating what the client sent:
 *
 * - an `operationName` that is not a string (yoga passes it on as it came: a number broke the
 *   request log with a 500, an array of megabytes reached the log);
 * - GET `variables` or `extensions` that are not JSON (yoga's `JSON.parse` throws, which yoga
 *   masked as a 500 and logged at `error` with the client's text in the message);
 * - a POST whose content type no parser reads (yoga's 415 has no body, hence no code);
 * - an `Accept` header that admits no media type the gateway answers in: yoga's 406 came after
 *   the operation had run, so a removal reached Graph and its client was told "Not Acceptable".
 *
 * The checks wrap whichever request parser yoga chose, so everything that runs after parsing
 * (`onParams`, the request log among them) sees parameters of the right types.
 */
export function useRequestParameterChecks(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, endResponse }) {
      if (!acceptsAnAnswer(request.headers.get('accept'))) {
        endResponse(requestErrorResponse(406, `Accept one of ${ANSWER_TYPES.join(', ')}, in UTF-8.`));
        return;
      }
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
          if (error instanceof SyntaxError) throw new RequestError('Request parameters are not valid JSON.');
          throw error;
        }
        // Parameters, an array of them (refused by yoga: batching is off) or a 413 from useBodyLimit.
        const { operationName } = parsed as { operationName?: unknown };
        if (operationName != null && typeof operationName !== 'string') {
          throw new RequestError('"operationName" must be a string.');
        }
        return parsed;
      });
    },
  };
}

/** The media types yoga answers in (its result processors: JSON, server-sent events, multipart). */
const ANSWER_TYPES = [
  'application/graphql-response+json',
  'application/json',
  'text/event-stream',
  'multipart/mixed',
];

/**
 * Whether `accept` admits one of ANSWER_TYPES, read as yoga reads it when it picks an answer's
 * type: no header means anything, only UTF-8 is served, a `*` type or subtype matches, and `q`
 * values are not read.
 */
function acceptsAnAnswer(accept: string | null): boolean {
  // What nearly every client sends, answered without parsing.
  if (!accept || accept === 'application/json' || accept === '*/*') return true;
  return accept
    .replace(/\s/g, '')
    .toLowerCase()
    .split(',')
    .some((entry) => {
      const [type = '', ...parameters] = entry.split(';');
      const charset = parameters.find((parameter) => parameter.includes('charset='));
      if (charset !== undefined && charset !== 'charset=utf-8') return false;
      const [top, sub] = type.split('/');
      return ANSWER_TYPES.some((answer) => {
        const [answerTop, answerSub] = answer.split('/');
        return (top === '*' || top === answerTop) && (sub === '*' || sub === answerSub);
      });
    });
}
