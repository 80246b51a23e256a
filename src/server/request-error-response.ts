/**
 * An answer, written before any GraphQL processing, to a request that is wrong as sent: a GraphQL
 * error body with the contract's `BAD_USER_INPUT`, and the HTTP status that says what was wrong.
 */
export function requestErrorResponse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json(
    { errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] },
    { status, headers },
  );
}
