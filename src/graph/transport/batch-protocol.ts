import { z } from 'zod';
import { parseRetryAfter } from './retry-after.js';

/** Graph refuses a JSON batch of more than 20 requests. */
export const MAX_BATCH_REQUESTS = 20;

/** One request to put in a batch; `path` is below the Graph base URL, ids percent-encoded. */
export interface BatchItemRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/** A request as it travels in a batch: its batch-local id and its own `client-request-id`. */
export interface BatchEntry {
  id: string;
  request: BatchItemRequest;
  clientRequestId: string;
}

/** One item of Graph's answer to a batch. */
export interface BatchAnswer {
  status: number;
  body: unknown;
  /** The item's own `request-id`, when Graph put one in its headers or error body. */
  requestId: string | undefined;
  /** The item's `Retry-After`, in milliseconds from `now`. */
  retryAfterMs(now: number): number | undefined;
}

/** The body of `POST /$batch`. Graph wants `content-type` on every item that has a body. */
export function batchRequestBody(entries: readonly BatchEntry[]): unknown {
  return {
    requests: entries.map(({ id, request, clientRequestId }) => ({
      id,
      method: request.method,
      url: request.path,
      headers: {
        'client-request-id': clientRequestId,
        ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(request.body !== undefined ? { body: request.body } : {}),
    })),
  };
}

const batchResponse = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
    }),
  ),
});

const errorBody = z.object({
  error: z.object({ innerError: z.object({ 'request-id': z.string() }).partial().optional() }),
});

/**
 * Graph's answers by item id, or `undefined` when the body is not a batch answer at all (then no
 * item has an answer). Header names are compared case-insensitively, as HTTP's are.
 */
export function readBatchAnswers(body: unknown): Map<string, BatchAnswer> | undefined {
  const parsed = batchResponse.safeParse(body);
  if (!parsed.success) return undefined;
  return new Map(
    parsed.data.responses.map((item) => {
      const headers = new Map(
        Object.entries(item.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      );
      const fromError = errorBody.safeParse(item.body);
      const answer: BatchAnswer = {
        status: item.status,
        body: item.body,
        requestId:
          headers.get('request-id') ??
          (fromError.success ? fromError.data.error.innerError?.['request-id'] : undefined),
        retryAfterMs: (now) => parseRetryAfter(headers.get('retry-after'), now),
      };
      return [item.id, answer];
    }),
  );
}
