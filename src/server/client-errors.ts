import type { Socket } from 'node:net';
import { errorAnswerBody, parserRefusal } from '../errors/error-answers.js';
import { SECURITY_HEADERS } from './plugins/use-security-headers.js';

// Written as raw bytes, before yoga ever sees a request, so the security headers are added here.
const HEADERS = Object.entries(SECURITY_HEADERS)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('');

/**
 * `clientError` for the gateway's servers: Node's own answer to a request that does not parse (400),
 * whose headers are too large (431) or too slow (408), with the error body every error answer of
 * the gateway has and the security headers every response carries, which Node's built-in answer
 * lacks. Like Node's, it answers only when no response has started on the socket, and then closes it.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  const response = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !response?.headersSent) {
    const { status, reason, message } = parserRefusal(error.code);
    const body = errorAnswerBody(message);
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n${HEADERS}\r\n${body}`,
    );
  }
  socket.destroy(error);
}
