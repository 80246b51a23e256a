import { describe, expect, it } from 'vitest';
import { errorAnswerBody, parserRefusal, requestErrorResponse } from '../../src/errors/error-answers.js';

describe('error answers written outside GraphQL', () => {
  it('have the body of a GraphQL error answer, with BAD_USER_INPUT', () => {
    expect(JSON.parse(errorAnswerBody('It is wrong.'))).toEqual({
      errors: [{ message: 'It is wrong.', extensions: { code: 'BAD_USER_INPUT' } }],
    });
  });

  it('are answered with the status, JSON and any extra header', async () => {
    const response = requestErrorResponse(405, 'Mutations are only accepted over POST.', { allow: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.text()).toBe(errorAnswerBody('Mutations are only accepted over POST.'));
  });

  it('need no extra header', () => {
    expect([...requestErrorResponse(406, 'x').headers.keys()]).toEqual(['content-type']);
  });
});

describe('requests Node’s HTTP parser refuses', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 'Request Header Fields Too Large'],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413, 'Payload Too Large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'Request Timeout'],
    ['HPE_INVALID_METHOD', 400, 'Bad Request'],
    ['', 400, 'Bad Request'],
    [undefined, 400, 'Bad Request'],
  ])('%s is answered %i %s', (code, status, reason) => {
    const refusal = parserRefusal(code);
    expect(refusal.status).toBe(status);
    expect(refusal.reason).toBe(reason);
  });

  it('each say what was wrong, in words of their own', () => {
    const messages = [
      'HPE_HEADER_OVERFLOW',
      'HPE_CHUNK_EXTENSIONS_OVERFLOW',
      'ERR_HTTP_REQUEST_TIMEOUT',
      undefined,
    ].map((code) => parserRefusal(code).message);
    expect(messages).toEqual([
      'The request headers are too large.',
      'The chunk extensions are too large.',
      'The request did not arrive in time.',
      'The request is not valid HTTP.',
    ]);
  });
});
