import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { AnswerTooLargeError } from '../../errors/upstream-failures.js';

/**
 * The longest answer any upstream call reads: Graph, the token authority and the JWKS. The largest
 * the gateway asks of Graph, a $batch of 20 pages of at most 100 items, is a few hundred kilobytes,
 * and a token or a key set a few kilobytes; an answer ten times longer is not the upstream
 * answering this gateway (a wrong base URL, something in between), and reading it whole could
 * exhaust the process's memory well before the call's deadline.
 */
export const MAX_UPSTREAM_ANSWER_BYTES = 4 * 1024 * 1024;

/** An upstream's answer to one HTTP exchange, its body read whole. */
export interface BufferedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text; empty when there was none (a 204). */
  text: string;
}

/** What `exchangeBuffered` stops on: an `AbortSignal`, or a deadline that behaves as one. */
export type ExchangeSignal = Pick<
  AbortSignal,
  'aborted' | 'reason' | 'addEventListener' | 'removeEventListener'
>;

/**
 * One request through `dispatcher`, its answer collected into a string. Graph's answers to the
 * gateway are small JSON or nothing, and undici's `request()` wraps every body in a Readable stream
 * (and every exchange in an async resource) that the gateway would only read to its end at once;
 * its dispatch API with a handler of our own costs less per Graph call (BENCHMARKS.md).
 * Rejects with undici's error (its `code` kept) when the exchange fails, with the signal's reason
 * when the signal aborts it, and with `AnswerTooLargeError` once the body outgrows `maxBytes`.
 */
export function exchangeBuffered(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal: ExchangeSignal,
  maxBytes: number,
): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const handler = new BufferingHandler(signal, maxBytes, resolve, reject);
    try {
      dispatcher.dispatch(options, handler);
    } catch (error) {
      handler.fail(error);
    }
  });
}

/** What `requestBuffered` sends: the parts of a request that MSAL and jose hand their HTTP client. */
export interface UrlRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
}

/**
 * `exchangeBuffered` for the clients that speak in URLs (MSAL's network module, jose's JWKS fetch),
 * with the same cap as Graph's calls.
 */
export function requestBuffered(
  dispatcher: Dispatcher,
  url: string,
  { method, headers, body }: UrlRequest,
  signal: ExchangeSignal,
): Promise<BufferedResponse> {
  const { origin, pathname, search } = new URL(url);
  return exchangeBuffered(
    dispatcher,
    { origin, path: `${pathname}${search}`, method, headers, body },
    signal,
    MAX_UPSTREAM_ANSWER_BYTES,
  );
}

/** Headers as one string each (repeated ones joined), as fetch's `Headers` and MSAL keep them. */
export function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

class BufferingHandler implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined;
  #statusCode = 0;
  #headers: IncomingHttpHeaders = {};
  readonly #chunks: Buffer[] = [];
  #bytes = 0;

  constructor(
    private readonly signal: ExchangeSignal,
    private readonly maxBytes: number,
    private readonly resolve: (response: BufferedResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  // Before the request reaches a socket there is nothing to abort yet: onRequestStart checks then.
  readonly #onAbort = () => this.#controller?.abort(this.signal.reason as Error);

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.signal.aborted) controller.abort(this.signal.reason as Error);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    // An informational answer (1xx) is followed by the real one.
    if (statusCode < 200) return;
    this.#statusCode = statusCode;
    this.#headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#bytes += chunk.length;
    if (this.#bytes > this.maxBytes) {
      // Dropped at once, and the socket with the rest: nothing more of this answer is read.
      this.#chunks.length = 0;
      controller.abort(new AnswerTooLargeError(this.maxBytes, this.#statusCode, this.#headers));
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.#release();
    const text = this.#chunks.length === 0 ? '' : Buffer.concat(this.#chunks).toString('utf8');
    this.resolve({ statusCode: this.#statusCode, headers: this.#headers, text });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  fail(error: unknown): void {
    this.#release();
    this.reject(error);
  }

  #release(): void {
    this.signal.removeEventListener('abort', this.#onAbort);
    this.#controller = undefined;
  }
}
