import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Caller } from '../auth/caller.js';
import { BadUserInputError, type ErrorCode, type GatewayError } from '../errors/gateway-errors.js';
import type { GraphAdapter } from '../graph/adapter/graph-adapter.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { type Database, lazyCommitPool } from './database.js';
import { type SendGroup, type SentRequest, sendGroup } from './graph-sender.js';
import {
  type ClaimedRequest,
  type IdempotencyRecord,
  type IdempotentResult,
  type ListPosition,
  type NewRequests,
  type SettledAttempt,
  claimDueRequests,
  findRequests,
  listRequests,
  recordManyRequests,
  recordRequests,
  releaseLeases,
  settleRequests,
} from './ledger-store.js';
import type {
  PersonalDataOperation,
  PersonalDataRequest,
  RequestActor,
  RequestFilter,
  Visibility,
} from './personal-data-request.js';
import { WriteBatcher } from './write-batcher.js';
import { type Settlement, dueDate, nextPollDelayMs, settle, storageWithoutQuery } from './settling.js';

export interface LedgerOptions {
  db: Database;
  graph: GraphAdapter;
  logger: Logger;
  metrics: GatewayMetrics;
  /** LEDGER_LEASE_MS. */
  leaseMs: number;
  /** LEDGER_RETRY_FOR_MS. */
  retryForMs: number;
  /** IDEMPOTENCY_TTL_HOURS. */
  idempotencyTtlHours: number;
  /** LEDGER_RECORDING: `false` sends without writing anything (what the benchmarks compare with). */
  recording?: boolean;
  now?: () => Date;
  /** Names this process in leases and attempts; unique per start by default. */
  owner?: string;
}

/** One id of a mutation: to be recorded and sent (as the distinct id `send`), or refused before. */
export type SubmissionEntry = { userId: string; send: string } | { userId: string; refusal: GatewayError };

export interface Submission {
  operation: PersonalDataOperation;
  tenantId: string | undefined;
  /** A bulk mutation: its requests share a batch id and go to Graph as JSON batches. */
  bulk: boolean;
  /** An export's storage location, sent once and never stored whole. */
  storageLocation?: string | undefined;
  /** Every requested id, in the request's order. */
  entries: readonly SubmissionEntry[];
}

export interface SubmissionOptions {
  /** The `Idempotency-Key` header and the mutation's fingerprint (its name and arguments). */
  idempotency?: { key: string; fingerprint: string } | undefined;
  signal?: AbortSignal | undefined;
}

/** One requested id's answer. */
export interface SubmittedEntry {
  userId: string;
  /** The request recorded for it; undefined when the id was refused before recording. */
  request: PersonalDataRequest | undefined;
  /** Refused before recording (BAD_USER_INPUT, FORBIDDEN). */
  refusal: { code: ErrorCode; message: string } | undefined;
  /** The error of this call's exchange with Graph, when it did not succeed (not on a replay). */
  upstreamError: GatewayError | undefined;
  /** Graph's `Retry-After` on an export's 202 (not on a replay). */
  retryAfterSeconds?: number | undefined;
}

export interface SubmissionResult {
  batchId: string | undefined;
  entries: SubmittedEntry[];
  /** The answer of an earlier mutation with the same `Idempotency-Key`. */
  replayed: boolean;
}

/** Mutations (or exchanges) written in one statement at most, and statements of each kind in flight. */
const WRITE_BATCHES = { maxItems: 200, concurrency: 1 };

/**
 * The ledger of personal-data requests: each removal and export is recorded before any token
 * request or Graph call, leased by this process while it is sent, and settled after; what does not
 * settle is completed later by a `LedgerWorker`, here or in another process.
 */
export class Ledger {
  readonly owner: string;
  private readonly now: () => Date;
  /**
   * Where Graph's answers are settled, committed without waiting for the disk: a settling lost in
   * a database crash leaves its request pending, and it is sent again (decision 0036).
   */
  private readonly settling: Database;
  /** Groups the recording of concurrent mutations without an idempotency key into one statement. */
  private readonly records: WriteBatcher<NewRequests>;
  /** Groups the settling of concurrent exchanges into one statement. */
  private readonly settles: WriteBatcher<SettledAttempt[]>;

  constructor(private readonly options: LedgerOptions) {
    this.owner = options.owner ?? `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
    this.now = options.now ?? (() => new Date());
    this.settling = lazyCommitPool(options.db);
    this.records = new WriteBatcher(
      (mutations) => recordManyRequests(options.db, mutations, { owner: this.owner, ms: options.leaseMs }),
      WRITE_BATCHES,
    );
    this.settles = new WriteBatcher(
      (groups) => settleRequests(this.settling, this.owner, groups.flat()),
      WRITE_BATCHES,
    );
  }

  /** Ends the settling pool; the main pool belongs to whoever opened it. */
  close(): Promise<void> {
    return this.settling.end();
  }

  get db(): Database {
    return this.options.db;
  }

  /** Records, sends and settles one mutation's requests; with a known idempotency key, replays it. */
  async submit(
    caller: Caller,
    submission: Submission,
    options: SubmissionOptions = {},
  ): Promise<SubmissionResult> {
    const requestedAt = this.now();
    const idByKey = new Map<string, string>();
    for (const entry of submission.entries) {
      if ('send' in entry && !idByKey.has(entry.send)) idByKey.set(entry.send, randomUUID());
    }
    const batchId = submission.bulk ? randomUUID() : undefined;
    const results: IdempotentResult[] = submission.entries.map((entry) =>
      'refusal' in entry
        ? { userId: entry.userId, refusal: { code: entry.refusal.code, message: entry.refusal.message } }
        : { userId: entry.userId, requestId: idByKey.get(entry.send)! },
    );
    const { idempotency, signal } = options;
    if (idByKey.size === 0 && !idempotency) {
      return { batchId, entries: submission.entries.map((entry) => refusedEntry(entry)), replayed: false };
    }

    const requestedBy = actorOf(caller);
    const dueAt = dueDate(requestedAt);
    const requests = [...idByKey].map(([userId, id]) => ({ id, userId }));
    const recording = this.options.recording !== false;
    const newRequests: NewRequests = {
      operation: submission.operation,
      // GUIDs compare regardless of case: the ledger keeps them in lower case.
      requests: requests.map((request) => ({ ...request, userId: request.userId.toLowerCase() })),
      tenantId: submission.tenantId?.toLowerCase(),
      batchId,
      requestedBy,
      requestedAt,
      dueAt,
      exportStorage: submission.storageLocation && storageWithoutQuery(submission.storageLocation),
    };
    if (recording && idempotency) {
      const recorded = await recordRequests(
        this.options.db,
        newRequests,
        { owner: this.owner, ms: this.options.leaseMs },
        {
          caller: callerKey(caller),
          key: idempotency.key,
          fingerprint: idempotency.fingerprint,
          results,
          expiresAt: new Date(requestedAt.getTime() + this.options.idempotencyTtlHours * 3_600_000),
        },
      );
      if (!recorded.recorded) return this.replay(caller, recorded.first, idempotency.fingerprint, signal);
    } else if (recording) {
      await this.records.submit(newRequests);
    }

    const claimed = requests.map((request): ClaimedRequest => ({
      id: request.id,
      operation: submission.operation,
      userId: request.userId,
      tenantId: submission.tenantId,
      requestedAt,
      attempts: 1,
    }));
    const sent =
      claimed.length === 0
        ? []
        : await this.send(caller, claimed, {
            asBulk: submission.bulk,
            storageLocation: submission.storageLocation,
            signal,
            recording,
          });
    const byId = new Map(
      claimed.map((request, index) => {
        const { exchange, settlement, settledAt } = sent[index]!;
        const state = afterSettling(
          { ...request, batchId, requestedBy, requestedAt, dueAt },
          settlement,
          exchange,
          settledAt,
        );
        return [request.id, { state, exchange }] as const;
      }),
    );
    return {
      batchId,
      replayed: false,
      entries: submission.entries.map((entry): SubmittedEntry => {
        if ('refusal' in entry) return refusedEntry(entry);
        const settled = byId.get(idByKey.get(entry.send)!)!;
        return {
          userId: entry.userId,
          request: settled.state,
          refusal: undefined,
          upstreamError: settled.exchange.error,
          retryAfterSeconds: settled.exchange.retryAfterSeconds,
        };
      }),
    };
  }

  /**
   * Sends requests this process has leased, grouped by operation and tenant, with `caller`'s
   * Graph token, and settles each: the one place where an exchange with Graph becomes a state.
   * When the exchange itself fails (the caller went away, its token expired), the leases are
   * given back for the worker and the error is thrown.
   */
  async send(
    caller: Caller,
    claimed: readonly ClaimedRequest[],
    options: Pick<SendGroup, 'asBulk' | 'storageLocation'> & {
      signal?: AbortSignal | undefined;
      /** `false`: nothing was recorded, so nothing is settled in the database either. */
      recording?: boolean;
    },
  ): Promise<Array<{ exchange: SentRequest; settlement: Settlement; settledAt: Date }>> {
    const groups = new Map<string, ClaimedRequest[]>();
    for (const request of claimed) {
      const key = `${request.operation}/${request.tenantId ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), request]);
    }
    const answers = new Map<string, { exchange: SentRequest; settlement: Settlement }>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const first = group[0]!;
        let exchanges: SentRequest[];
        try {
          exchanges = await sendGroup(
            this.options.graph,
            caller,
            {
              operation: first.operation,
              tenantId: first.tenantId,
              userIds: group.map((request) => request.userId),
              asBulk: options.asBulk,
              storageLocation: options.storageLocation,
            },
            options.signal,
          );
        } catch (error) {
          if (options.recording === false) throw error;
          await releaseLeases(
            this.options.db,
            this.owner,
            group.map((request) => request.id),
          ).catch(() => undefined);
          throw error;
        }
        const now = this.now();
        group.forEach((request, index) => {
          const exchange = exchanges[index]!;
          const settlement = settle(exchange.outcome, {
            now,
            requestedAt: request.requestedAt,
            attempts: request.attempts,
            retryForMs: this.options.retryForMs,
            retryable: request.operation !== 'EXPORT_INBOUND',
          });
          answers.set(request.id, { exchange, settlement });
          this.options.metrics.ledgerAttempts.inc({ outcome: settlement.status.toLowerCase() });
        });
      }),
    );
    // One time for what the ledger records and what the mutation answers (`completedAt`).
    const settledAt = this.now();
    const settled = claimed.map((request) => {
      const { exchange, settlement } = answers.get(request.id)!;
      const accepted = settlement.status === 'SUCCEEDED' && exchange.exportLocation !== undefined;
      return {
        id: request.id,
        attempt: request.attempts,
        settlement,
        settledAt,
        httpStatus: exchange.outcome.httpStatus,
        upstreamRequestId: exchange.outcome.upstreamRequestId,
        clientRequestId: exchange.clientRequestId,
        exportLocation: accepted ? exchange.exportLocation : undefined,
        // Graph's 202 says when its operation is worth a first look: no poll before then.
        exportFirstPollAt:
          accepted && exchange.retryAfterSeconds !== undefined
            ? new Date(settledAt.getTime() + nextPollDelayMs(exchange.retryAfterSeconds * 1000))
            : undefined,
      };
    });
    if (options.recording === false) {
      return claimed.map((request) => ({ ...answers.get(request.id)!, settledAt }));
    }
    try {
      await this.settles.submit(settled);
    } catch (error) {
      // Graph has answered; the requests stay pending under a lease that expires, and are sent
      // again then: at least once.
      this.options.logger.error(
        { err: error instanceof Error ? error.message : 'unknown', requests: claimed.length },
        'ledger: could not record Graph answers; the requests will be sent again',
      );
    }
    return claimed.map((request) => ({ ...answers.get(request.id)!, settledAt }));
  }

  /**
   * The answer to a mutation repeated with its `Idempotency-Key`: the first one's requests as they
   * stand now, after sending those that are due and that nobody holds (never a settled one).
   */
  private async replay(
    caller: Caller,
    first: IdempotencyRecord,
    fingerprint: string,
    signal: AbortSignal | undefined,
  ): Promise<SubmissionResult> {
    if (first.fingerprint !== fingerprint) {
      throw new BadUserInputError(
        'This Idempotency-Key was already used with another operation or other arguments.',
        'Idempotency-Key',
      );
    }
    const ids = first.results.flatMap((result) => ('requestId' in result ? [result.requestId] : []));
    const claimed = await claimDueRequests(
      this.options.db,
      { owner: this.owner, ms: this.options.leaseMs },
      ids.length,
      ids,
    );
    if (claimed.length > 0) await this.send(caller, claimed, { asBulk: first.batchId !== undefined, signal });
    const requests = new Map(
      (await findRequests(this.options.db, ids)).map((request) => [request.id, request]),
    );
    return {
      batchId: first.batchId,
      replayed: true,
      entries: first.results.map((result) => ({
        userId: result.userId,
        request: 'requestId' in result ? requests.get(result.requestId) : undefined,
        refusal: 'refusal' in result ? result.refusal : undefined,
        upstreamError: undefined,
      })),
    };
  }

  async find(id: string): Promise<PersonalDataRequest | undefined> {
    return (await findRequests(this.options.db, [id]))[0];
  }

  list(visibility: Visibility, filter: RequestFilter, after: ListPosition | undefined, limit: number) {
    return listRequests(this.options.db, visibility, filter, after, limit);
  }
}

function refusedEntry(entry: SubmissionEntry): SubmittedEntry {
  return {
    userId: entry.userId,
    request: undefined,
    refusal: 'refusal' in entry ? { code: entry.refusal.code, message: entry.refusal.message } : undefined,
    upstreamError: 'refusal' in entry ? entry.refusal : undefined,
  };
}

function actorOf(caller: Caller): RequestActor {
  return {
    kind: caller.kind,
    userId: caller.objectId.toLowerCase(),
    tenantId: caller.tenantId.toLowerCase(),
    clientId: caller.clientId,
  };
}

/** The same caller across tokens: its tenant and object id. */
function callerKey(caller: Caller): string {
  return `${caller.tenantId.toLowerCase()}/${caller.objectId.toLowerCase()}`;
}

/** The fingerprint of a mutation for `Idempotency-Key`: its field and its arguments, hashed. */
export function mutationFingerprint(field: string, args: Record<string, unknown>): string {
  const canonical = JSON.stringify([
    field,
    Object.keys(args)
      .sort()
      .map((name) => [name, args[name] ?? null]),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** A request's state after this process settled it, without reading it back. */
function afterSettling(
  request: ClaimedRequest & {
    batchId: string | undefined;
    requestedBy: RequestActor;
    requestedAt: Date;
    dueAt: Date;
  },
  settlement: Settlement,
  exchange: SentRequest,
  now: Date,
): PersonalDataRequest {
  const succeededExport = request.operation === 'EXPORT_INBOUND' && settlement.status === 'SUCCEEDED';
  return {
    id: request.id,
    operation: request.operation,
    userId: request.userId.toLowerCase(),
    tenantId: request.tenantId?.toLowerCase(),
    batchId: request.batchId,
    requestedBy: request.requestedBy,
    requestedAt: request.requestedAt,
    dueAt: request.dueAt,
    status: settlement.status,
    attempts: request.attempts,
    completedAt: settlement.status === 'PENDING' ? undefined : now,
    error: settlement.status === 'SUCCEEDED' ? undefined : settlement.error,
    upstreamRequestId: exchange.outcome.upstreamRequestId,
    export:
      request.operation === 'EXPORT_INBOUND'
        ? {
            operationLocation: succeededExport ? exchange.exportLocation : undefined,
            status: 'NOT_STARTED',
            completedAt: undefined,
          }
        : undefined,
  };
}
