import type { Socket } from 'node:net';
import { SECURITY_HEADERS } from './plugins/use-security-headers.js';

/** What Node answers to a request its HTTP parser refuses, by the parser's error code. */
const STATUS_LINES: Readonly<Record<string, string>> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

// Written as raw bytes, before yoga ever sees a request, so the security headers are added here.
const HEADERS = `Connection: close\r\nContent-Length: 0\r\n${Object.entries(SECURITY_HEADERS)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('')}\r\n`;

/**
 * `clientError` for the gateway's server: Node's own answer to a request that does not parse (400),
 * whose headers are too large (431) or too slow (408), with the security headers every response of
 * the gateway carries, which Node's built-in answer lacks. Like Node's, it answers only when no
 * response has started on the socket, and then closes it.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  const response = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !response?.headersSent) {
    const status = STATUS_LINES[error.code ?? ''] ?? '400 Bad Request';
    socket.write(`HTTP/1.1 ${status}\r\n${HEADERS}`);
  }
  socket.destroy(error);
}
