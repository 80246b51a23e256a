import type { Plugin } from 'graphql-yoga';
import { requestErrorResponse } from '../../errors/error-answers.js';

/**
 * Refuses request bodies over `maxBytes` with 413: at once when `Content-Length` says so, and while
 * reading otherwise (chunked uploads), so that an oversized body is never buffered whole.
 */
export function useBodyLimit(maxBytes: number): Plugin {
  // The connection is closed after the answer: the rest of the body is never read, and a client
  // still sending it would otherwise keep the connection until the keep-alive timeout.
  const tooLarge = () =>
    requestErrorResponse(413, `Request body exceeds ${maxBytes} bytes.`, { connection: 'close' });
  return {
    onRequest({ request, endResponse }) {
      const declared = Number(request.headers.get('content-length') ?? 0);
      if (declared > maxBytes) endResponse(tooLarge());
    },
    onRequestParse({ request, requestParser, setRequestParser, serverContext }) {
      if (!requestParser || request.method !== 'POST' || !request.body) return;
      // Over node:http a body with Content-Length is exactly that long (the HTTP parser frames it)
      // and onRequest has bounded it: counting it again while reading would only cost time.
      if ('req' in serverContext && request.headers.has('content-length')) return;
      setRequestParser(async (incoming) => {
        const body = await readLimited(incoming, maxBytes);
        if (body === undefined) return tooLarge();
        return requestParser(new Request(incoming.url, { method: 'POST', headers: incoming.headers, body }));
      });
    },
  };
}

async function readLimited(request: Request, maxBytes: number): Promise<string | undefined> {
  const reader = request.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
