import { createServer, type ServerOptions } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setMaxListeners } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { TlsMaterial } from './loopback-tls.js';

/**
 * Handles one request. `closing` aborts when the server shuts down, so that handlers which sleep
 * or deliberately never answer give up instead of keeping the process alive.
 */
export type LoopbackHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  closing: AbortSignal,
) => Promise<void>;

export interface LoopbackServerOptions {
  tls: TlsMaterial;
  /** 0 (the default) lets the OS pick a free port. */
  port?: number | undefined;
  host?: string | undefined;
}

/**
 * How long an idle keep-alive connection stays open. Microsoft's front ends keep one for minutes
 * (ASP.NET Core's Kestrel: 130 s by default), Node's server for 5 s. With Node's, a client's pool
 * grew in every burst of requests and lost those connections before the next: at half load the
 * benchmarked gateway opened 68–93 TLS connections to Graph per 20 s, in bursts of 13–31, and their
 * handshakes were its latency tail (BENCHMARKS.md).
 */
export const IDLE_KEEP_ALIVE_MS = 130_000;

/** An HTTPS listener on loopback that can always be shut down, whatever its clients are doing. */
export interface LoopbackServer {
  /** e.g. `https://127.0.0.1:43123`. */
  readonly origin: string;
  /** TLS connections accepted so far (or since the last reset), to observe keep-alive reuse. */
  readonly connections: number;
  /** Requests whose client went away before the answer was sent (since start or the last reset). */
  readonly abandonedRequests: number;
  resetConnectionCount(): void;
  close(): Promise<void>;
}

export async function startLoopbackServer(
  options: LoopbackServerOptions,
  handler: LoopbackHandler,
): Promise<LoopbackServer> {
  const host = options.host ?? '127.0.0.1';
  const closing = new AbortController();
  // Every sleeping or hung request listens for the shutdown: many at once is the point, not a leak.
  setMaxListeners(Infinity, closing.signal);
  const sockets = new Set<Socket>();
  let connections = 0;
  let abandonedRequests = 0;

  const tlsOptions: ServerOptions = { key: options.tls.key, cert: options.tls.cert };
  const server = createServer(tlsOptions, (request, response) => {
    response.once('close', () => {
      if (!response.writableFinished && !closing.signal.aborted) abandonedRequests += 1;
    });
    handler(request, response, closing.signal).catch((error: unknown) => {
      if (closing.signal.aborted) return;
      // An emulator bug must surface in the test that hit it, not vanish as a hung request.
      if (!response.headersSent) {
        response.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
      }
      response.end(JSON.stringify({ emulatorError: error instanceof Error ? error.message : String(error) }));
    });
  });
  server.keepAliveTimeout = IDLE_KEEP_ALIVE_MS;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', () => {
    connections += 1;
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    origin,
    get connections() {
      return connections;
    },
    get abandonedRequests() {
      return abandonedRequests;
    },
    resetConnectionCount() {
      connections = 0;
      abandonedRequests = 0;
    },
    async close() {
      if (closing.signal.aborted) return;
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // server.close() alone waits for idle keep-alive and hung requests, which may be forever.
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

export class PayloadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`Request body exceeds ${limitBytes} bytes.`);
    this.name = 'PayloadTooLargeError';
  }
}

/** Reads the whole request body, refusing to buffer more than `limitBytes`. */
export async function readBody(request: IncomingMessage, limitBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new PayloadTooLargeError(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Waits `ms`, or rejects with an AbortError as soon as the server starts closing. */
export async function sleep(ms: number, closing: AbortSignal): Promise<void> {
  if (ms > 0) await delay(ms, undefined, { signal: closing });
}

/** Never answers: the request stays open until the client gives up or the server closes. */
export async function hangUntilClosed(closing: AbortSignal): Promise<never> {
  if (!closing.aborted) {
    await new Promise<void>((resolve) => closing.addEventListener('abort', () => resolve(), { once: true }));
  }
  throw closing.reason;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: unknown,
): void {
  if (body === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  const payload = JSON.stringify(body);
  response
    .writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(payload)) })
    .end(payload);
}

/** A request header's first value. */
export function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
