import { randomUUID } from 'node:crypto';
import type { Caller } from '../../auth/caller.js';
import { UnauthenticatedError, UpstreamError, type UpstreamIds } from '../../errors/gateway-errors.js';
import { upstreamErrorForStatus } from '../../errors/graph-answer-codes.js';
import type { Logger } from '../../observability/logger.js';
import type { GatewayMetrics } from '../../observability/metrics.js';
import {
  type BatchAnswer,
  type BatchEntry,
  type BatchItemRequest,
  MAX_BATCH_REQUESTS,
  batchRequestBody,
  readBatchAnswers,
} from './batch-protocol.js';
import { CallDeadline } from './call-deadline.js';
import { forEachConcurrently } from './concurrency.js';
import type { UpstreamReceipt } from '../adapter/graph-adapter.js';
import { type GraphHttpClient, receiptOf } from './graph-http-client.js';
import { type AttemptOutcome, RETRYABLE_STATUSES, createGraphRetryPolicy } from './retry-policy.js';

export type { BatchItemRequest } from './batch-protocol.js';

/** One item's fate: Graph's success answer, or the contract's error for it. */
export type BatchItemResult =
  { ok: true; status: number; body: unknown; receipt: UpstreamReceipt } | { ok: false; error: UpstreamError };

export interface GraphBatchClientOptions {
  client: GraphHttpClient;
  /** `$batch` calls in flight at once for one `execute`. */
  concurrency: number;
  /** Rounds per item, the first one included: how often a throttled item is sent at most. */
  maxAttempts: number;
  /** The whole `execute`'s deadline, every round and wait included. */
  timeoutMs: number;
  logger: Logger;
  metrics: GatewayMetrics;
  now?: () => number;
}

/** An item that failed transiently in its latest round, kept to be sent again. */
interface RetryableItem {
  entry: BatchEntry;
  status: number;
  retryAfterMs: number | undefined;
  ids: UpstreamIds;
}

/** What one `execute` keeps between rounds; entry ids are the items' indexes. */
interface Run {
  caller: Caller;
  operation: string;
  results: Map<string, BatchItemResult>;
  /** Items whose latest answer was transient and which are not in flight again. */
  lastFailures: Map<string, RetryableItem>;
  deadline: number;
  signal: AbortSignal;
}

/**
 * Sends many Graph requests as JSON batches (`POST /$batch`, at most 20 per call, a bounded number
 * of calls in flight) through `GraphHttpClient`, so that every call has its token, circuit breaker
 * and retries of a throttled batch as a whole. Graph answers a batch with 200 and each item's own
 * status: items are judged one by one, and only the throttled or transiently failed ones are sent
 * again, together, after the longest `Retry-After` they asked for (the single retry policy decides
 * when and how often). Everything runs inside one deadline; an item without an answer by then is
 * `UPSTREAM_TIMEOUT`, and no item's failure touches another's result.
 */
export class GraphBatchClient {
  private readonly retryPolicy;
  private readonly now: () => number;

  constructor(private readonly options: GraphBatchClientOptions) {
    this.retryPolicy = createGraphRetryPolicy({ maxAttempts: options.maxAttempts });
    this.now = options.now ?? Date.now;
  }

  /**
   * One result per item, in the order given. Rejects only when the caller aborts or its token has
   * expired. `deadline` (epoch milliseconds) lets several executions of one operation share one;
   * `timeoutMs` from now by default.
   */
  async execute(
    caller: Caller,
    operation: string,
    items: readonly BatchItemRequest[],
    signal?: AbortSignal,
    deadline = this.now() + this.options.timeoutMs,
  ): Promise<BatchItemResult[]> {
    if (items.length === 0) return [];
    const run: Omit<Run, 'signal'> = {
      caller,
      operation,
      results: new Map(),
      lastFailures: new Map(),
      deadline,
    };
    const entries: BatchEntry[] = items.map((request, index) => ({
      id: String(index),
      request,
      clientRequestId: randomUUID(),
    }));
    let pending = entries;
    const abort = new CallDeadline(Math.max(0, deadline - this.now()), signal);
    try {
      await abort.race(
        this.retryPolicy.execute(async ({ attempt }) => {
          if (attempt > 0) {
            this.options.metrics.upstreamRetries.inc({ operation, reason: 'batch-item' }, pending.length);
            this.options.logger.debug({ operation, items: pending.length }, 'resending batch items');
          }
          const retryable = await this.round({ ...run, signal: abort.signal }, pending);
          pending = retryable.map((item) => item.entry);
          return this.roundOutcome(retryable, deadline);
        }, abort.signal),
      );
    } catch (error) {
      // The deadline passed: what has an answer keeps it, the rest is reported below.
      if (!abort.expired) throw error;
    } finally {
      abort.dispose();
    }
    return entries.map(
      ({ id, clientRequestId }) =>
        run.results.get(id) ?? this.unanswered(run.lastFailures.get(id), clientRequestId),
    );
  }

  /** Sends `entries` in batches of 20, a bounded number at once; returns the items worth resending. */
  private async round(run: Run, entries: readonly BatchEntry[]): Promise<RetryableItem[]> {
    const retryable: RetryableItem[] = [];
    const chunks: BatchEntry[][] = [];
    for (let start = 0; start < entries.length; start += MAX_BATCH_REQUESTS) {
      chunks.push(entries.slice(start, start + MAX_BATCH_REQUESTS));
    }
    await forEachConcurrently(chunks, this.options.concurrency, async (chunk) => {
      retryable.push(...(await this.sendChunk(run, chunk)));
    });
    return retryable;
  }

  private async sendChunk(run: Run, chunk: readonly BatchEntry[]): Promise<RetryableItem[]> {
    for (const { id } of chunk) run.lastFailures.delete(id);
    let answers: Map<string, BatchAnswer> | undefined;
    let envelopeIds: UpstreamIds;
    try {
      const response = await this.options.client.send(
        run.caller,
        {
          operation: `${run.operation}Batch`,
          method: 'POST',
          path: '/$batch',
          body: batchRequestBody(chunk),
          deadline: run.deadline,
        },
        run.signal,
      );
      answers = readBatchAnswers(response.body);
      envelopeIds = receiptOf(response);
    } catch (error) {
      // The batch as a whole failed (after its own retries): so did each of its items. Even an
      // unexpected failure stays with this chunk's items: one id never fails the whole bulk. A
      // caller whose token has expired fails the whole request, as it would before any call.
      if (error instanceof UnauthenticatedError) throw error;
      if (!(error instanceof UpstreamError) && run.signal.aborted) throw error;
      for (const { id, clientRequestId } of chunk) {
        run.results.set(id, {
          ok: false,
          error:
            error instanceof UpstreamError
              ? error
              : new UpstreamError('UPSTREAM_ERROR', { upstreamRequestId: undefined, clientRequestId }),
        });
      }
      return [];
    }
    const retryable: RetryableItem[] = [];
    for (const entry of chunk) {
      const answer = answers?.get(entry.id);
      const ids: UpstreamReceipt = {
        // An item's own request-id when Graph gave one, else the batch's: both trace the exchange.
        upstreamRequestId: answer?.requestId ?? envelopeIds.upstreamRequestId,
        clientRequestId: entry.clientRequestId,
      };
      if (!answer) {
        run.results.set(entry.id, { ok: false, error: new UpstreamError('UPSTREAM_ERROR', ids) });
      } else if (answer.status >= 200 && answer.status < 300) {
        run.results.set(entry.id, {
          ok: true,
          status: answer.status,
          body: answer.body,
          receipt: { ...ids, status: answer.status },
        });
      } else if (RETRYABLE_STATUSES.has(answer.status)) {
        const item = { entry, status: answer.status, retryAfterMs: answer.retryAfterMs(this.now()), ids };
        run.lastFailures.set(entry.id, item);
        retryable.push(item);
      } else {
        run.results.set(entry.id, {
          ok: false,
          error: upstreamErrorForStatus(answer.status, ids, undefined),
        });
      }
    }
    return retryable;
  }

  /** Resend after the longest wait any item asked for, unless that wait outlasts the deadline. */
  private roundOutcome(retryable: readonly RetryableItem[], deadline: number): AttemptOutcome {
    let retryAfterMs: number | undefined;
    for (const item of retryable) {
      if (item.retryAfterMs !== undefined) retryAfterMs = Math.max(retryAfterMs ?? 0, item.retryAfterMs);
    }
    return {
      status: retryable[0]?.status ?? 200,
      retryAfterMs,
      retryable: retryable.length > 0 && this.now() + (retryAfterMs ?? 0) < deadline,
    };
  }

  /** An item left without a final answer: its last transient failure if it has one, else a timeout. */
  private unanswered(lastFailure: RetryableItem | undefined, clientRequestId: string): BatchItemResult {
    if (lastFailure) {
      return {
        ok: false,
        error: upstreamErrorForStatus(lastFailure.status, lastFailure.ids, lastFailure.retryAfterMs),
      };
    }
    return { ok: false, error: new UpstreamError('UPSTREAM_TIMEOUT', { clientRequestId }) };
  }
}
