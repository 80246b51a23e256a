import type { ErrorCode } from './gateway-errors.js';

/**
 * The body of an error answer the gateway writes itself, outside GraphQL's execution: the shape of
 * a GraphQL error answer, with the contract's `BAD_USER_INPUT` (the request is wrong as sent).
 * yoga writes every other error answer from the same shape.
 */
export function errorAnswerBody(message: string): string {
  const code: ErrorCode = 'BAD_USER_INPUT';
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

/**
 * A fetch answer, before any GraphQL processing, to a request that is wrong as sent: the error
 * body above, and the HTTP status that says what was wrong (405, 406, 413, 415).
 */
export function requestErrorResponse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(errorAnswerBody(message), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** What Node's HTTP parser refused, as the gateway answers it. */
export interface ParserRefusal {
  status: number;
  /** The status line's reason phrase. */
  reason: string;
  message: string;
}

/** By the error code Node gives the `clientError` event; any other code: the request is not HTTP. */
const PARSER_REFUSALS: ReadonlyMap<string | undefined, ParserRefusal> = new Map([
  [
    'HPE_HEADER_OVERFLOW',
    { status: 431, reason: 'Request Header Fields Too Large', message: 'The request headers are too large.' },
  ],
  [
    'HPE_CHUNK_EXTENSIONS_OVERFLOW',
    { status: 413, reason: 'Payload Too Large', message: 'The chunk extensions are too large.' },
  ],
  [
    'ERR_HTTP_REQUEST_TIMEOUT',
    { status: 408, reason: 'Request Timeout', message: 'The request did not arrive in time.' },
  ],
]);

const NOT_HTTP: ParserRefusal = {
  status: 400,
  reason: 'Bad Request',
  message: 'The request is not valid HTTP.',
};

/** The answer to a request Node's HTTP parser refused with `code`. */
export function parserRefusal(code: string | undefined): ParserRefusal {
  return PARSER_REFUSALS.get(code) ?? NOT_HTTP;
}
