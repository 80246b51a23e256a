import type pg from 'pg';
import type { ErrorCode } from '../errors/gateway-errors.js';
import type { Database } from './database.js';
import type {
  ExportStatus,
  PersonalDataOperation,
  PersonalDataRequest,
  RequestActor,
  RequestFilter,
  RequestStatus,
  Visibility,
} from './personal-data-request.js';
import type { Settlement } from './settling.js';

/** The SQL of the ledger, one function per statement; every rule about what to write lives elsewhere. */

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

interface RequestRow {
  id: string;
  operation: PersonalDataOperation;
  user_id: string;
  tenant_id: string | null;
  batch_id: string | null;
  requester_kind: 'USER' | 'APPLICATION';
  requester_id: string;
  requester_tenant_id: string;
  requester_client_id: string | null;
  requested_at: Date;
  due_at: Date;
  status: RequestStatus;
  attempts: number;
  completed_at: Date | null;
  error_code: ErrorCode | null;
  error_message: string | null;
  error_retry_after_seconds: number | null;
  upstream_request_id: string | null;
  export_location: string | null;
  export_status: ExportStatus | null;
  export_completed_at: Date | null;
}

function toRequest(row: RequestRow): PersonalDataRequest {
  return {
    id: row.id,
    operation: row.operation,
    userId: row.user_id,
    tenantId: row.tenant_id ?? undefined,
    batchId: row.batch_id ?? undefined,
    requestedBy: {
      kind: row.requester_kind,
      userId: row.requester_id,
      tenantId: row.requester_tenant_id,
      clientId: row.requester_client_id ?? undefined,
    },
    requestedAt: row.requested_at,
    dueAt: row.due_at,
    status: row.status,
    attempts: row.attempts,
    completedAt: row.completed_at ?? undefined,
    error: row.error_code
      ? {
          code: row.error_code,
          message: row.error_message ?? '',
          retryAfterSeconds: row.error_retry_after_seconds ?? undefined,
        }
      : undefined,
    upstreamRequestId: row.upstream_request_id ?? undefined,
    export:
      row.operation === 'EXPORT_INBOUND'
        ? {
            operationLocation: row.export_location ?? undefined,
            status: row.export_status ?? 'NOT_STARTED',
            completedAt: row.export_completed_at ?? undefined,
          }
        : undefined,
  };
}

/** A request about to be sent, as the mutation recorded it. */
export interface NewRequest {
  id: string;
  userId: string;
}

export interface NewRequests {
  operation: PersonalDataOperation;
  requests: readonly NewRequest[];
  tenantId: string | undefined;
  batchId: string | undefined;
  requestedBy: RequestActor;
  requestedAt: Date;
  dueAt: Date;
  /** Scheme, host and path of an export's storage location. */
  exportStorage: string | undefined;
}

export interface Lease {
  owner: string;
  ms: number;
}

/** An `Idempotency-Key` as recorded with the requests of its first answer. */
export interface IdempotencyRecord {
  fingerprint: string;
  batchId: string | undefined;
  results: IdempotentResult[];
}

/** Per requested id: the request recorded for it, or why it was refused before recording. */
export type IdempotentResult =
  { userId: string; requestId: string } | { userId: string; refusal: { code: ErrorCode; message: string } };

export interface NewIdempotencyKey {
  caller: string;
  key: string;
  fingerprint: string;
  results: IdempotentResult[];
  expiresAt: Date;
}

/**
 * Records the requests of several mutations without idempotency keys (a `WriteBatcher` groups
 * them), already leased to `lease.owner` with their first attempt begun: one statement.
 */
export async function recordManyRequests(
  db: Queryable,
  mutations: readonly NewRequests[],
  lease: Lease,
): Promise<void> {
  const rows = mutations.flatMap((mutation) => mutation.requests.map((request) => ({ mutation, request })));
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
  await db.query({
    name: 'ledger-record-many-requests',
    text: `WITH requests AS (
       INSERT INTO personal_data_requests (id, operation, user_id, tenant_id, batch_id, requester_kind,
         requester_id, requester_tenant_id, requester_client_id, requested_at, due_at, status, attempts,
         next_attempt_at, leased_by, leased_until, export_storage)
       SELECT id, operation, user_id, tenant_id, batch_id, requester_kind, requester_id, requester_tenant_id,
         requester_client_id, requested_at, due_at, 'PENDING', 1, requested_at, $13,
         requested_at + $14 * interval '1 millisecond', export_storage
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[],
         $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::text[])
         AS r (id, user_id, operation, tenant_id, batch_id, requester_kind, requester_id, requester_tenant_id,
           requester_client_id, requested_at, due_at, export_storage)
       RETURNING id, requested_at
     )
     INSERT INTO personal_data_request_attempts (request_id, attempt, kind, attempted_at, sent_by)
     SELECT id, 1, 'SEND', requested_at, $13 FROM requests`,
    values: [
      column((row) => row.request.id),
      column((row) => row.request.userId),
      column((row) => row.mutation.operation),
      column((row) => row.mutation.tenantId ?? null),
      column((row) => row.mutation.batchId ?? null),
      column((row) => row.mutation.requestedBy.kind),
      column((row) => row.mutation.requestedBy.userId),
      column((row) => row.mutation.requestedBy.tenantId),
      column((row) => row.mutation.requestedBy.clientId ?? null),
      column((row) => row.mutation.requestedAt),
      column((row) => row.mutation.dueAt),
      column((row) => row.mutation.exportStorage ?? null),
      lease.owner,
      lease.ms,
    ],
  });
}

/**
 * Records the requests of one mutation, already leased to `lease.owner` with their first attempt
 * begun, and the mutation's idempotency key when it has one: one statement, so all or nothing. When
 * the key is already recorded for this caller, nothing is written and the first record is returned.
 */
export async function recordRequests(
  db: Queryable,
  batch: NewRequests,
  lease: Lease,
  idempotency: NewIdempotencyKey | undefined,
): Promise<{ recorded: true } | { recorded: false; first: IdempotencyRecord }> {
  const ids = batch.requests.map((request) => request.id);
  const userIds = batch.requests.map((request) => request.userId);
  const { rows } = await db.query<{ recorded: boolean }>({
    name: 'ledger-record-requests',
    text: `WITH key AS (
       INSERT INTO idempotency_keys (caller, key, fingerprint, batch_id, results, created_at, expires_at)
       SELECT $13, $14, $15, $4, $16::jsonb, $9, $17 WHERE $14::text IS NOT NULL
       -- A key past its expiry (not purged yet) is forgotten: this mutation takes it over.
       ON CONFLICT (caller, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,
         batch_id = EXCLUDED.batch_id, results = EXCLUDED.results, created_at = EXCLUDED.created_at,
         expires_at = EXCLUDED.expires_at
       WHERE idempotency_keys.expires_at <= now()
       RETURNING 1
     ),
     go AS (SELECT 1 WHERE $14::text IS NULL OR EXISTS (SELECT 1 FROM key)),
     requests AS (
       INSERT INTO personal_data_requests (id, operation, user_id, tenant_id, batch_id, requester_kind,
         requester_id, requester_tenant_id, requester_client_id, requested_at, due_at, status, attempts,
         next_attempt_at, leased_by, leased_until, export_storage)
       SELECT id, $3, user_id, $18, $4, $5, $6, $7, $8, $9, $10, 'PENDING', 1, $9, $11,
         $9::timestamptz + $12 * interval '1 millisecond', $19
       FROM unnest($1::uuid[], $2::text[]) AS r (id, user_id), go
       RETURNING id
     ),
     attempts AS (
       INSERT INTO personal_data_request_attempts (request_id, attempt, kind, attempted_at, sent_by)
       SELECT id, 1, 'SEND', $9, $11 FROM requests
     )
     SELECT EXISTS (SELECT 1 FROM go) AS recorded`,
    values: [
      ids,
      userIds,
      batch.operation,
      batch.batchId ?? null,
      batch.requestedBy.kind,
      batch.requestedBy.userId,
      batch.requestedBy.tenantId,
      batch.requestedBy.clientId ?? null,
      batch.requestedAt,
      batch.dueAt,
      lease.owner,
      lease.ms,
      idempotency?.caller ?? null,
      idempotency?.key ?? null,
      idempotency?.fingerprint ?? null,
      JSON.stringify(idempotency?.results ?? []),
      idempotency?.expiresAt ?? null,
      batch.tenantId ?? null,
      batch.exportStorage ?? null,
    ],
  });
  if (rows[0]?.recorded) return { recorded: true };
  const first = idempotency && (await findIdempotencyKey(db, idempotency.caller, idempotency.key));
  // The key's row was there a moment ago; it can only have expired and been purged in between.
  if (!first) throw new Error('idempotency key vanished while recording');
  return { recorded: false, first };
}

export async function findIdempotencyKey(
  db: Queryable,
  caller: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const { rows } = await db.query<{
    fingerprint: string;
    batch_id: string | null;
    results: IdempotentResult[];
  }>(
    `SELECT fingerprint, batch_id, results FROM idempotency_keys
     WHERE caller = $1 AND key = $2 AND expires_at > now()`,
    [caller, key],
  );
  const row = rows[0];
  return row && { fingerprint: row.fingerprint, batchId: row.batch_id ?? undefined, results: row.results };
}

/** One request's settling after an exchange, by the process that holds its lease. */
export interface SettledAttempt {
  id: string;
  /** The attempt being answered (the `attempts` value when it was leased). */
  attempt: number;
  settlement: Settlement;
  /** When Graph's answer was settled: the attempt's answer time and, once settled, `completedAt`. */
  settledAt: Date;
  httpStatus: number | undefined;
  upstreamRequestId: string | undefined;
  clientRequestId: string | undefined;
  /** For an export Graph accepted: its operation's location, polled from then on. */
  exportLocation?: string | undefined;
  /** When to poll it first: after the `Retry-After` of Graph's 202; at once without one. */
  exportFirstPollAt?: Date | undefined;
}

/**
 * Writes the outcome of one exchange for many requests in one statement: each attempt's answer,
 * and each request's new state, but only where `owner` still holds the lease (a process whose
 * lease expired and was taken over leaves the request to its new holder).
 */
export async function settleRequests(
  db: Queryable,
  owner: string,
  settled: readonly SettledAttempt[],
): Promise<void> {
  if (settled.length === 0) return;
  const column = <T>(pick: (item: SettledAttempt) => T) => settled.map(pick);
  await db.query({
    name: 'ledger-settle-requests',
    text: `WITH answers AS (
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::int[],
         $7::timestamptz[], $8::int[], $9::text[], $10::uuid[], $11::text[], $14::timestamptz[],
         $13::timestamptz[])
       AS a (id, attempt, status, error_code, error_message, retry_after, next_attempt_at, http_status,
         upstream_request_id, client_request_id, export_location, export_first_poll_at, settled_at)
     ),
     logged AS (
       UPDATE personal_data_request_attempts t SET answered_at = a.settled_at, http_status = a.http_status,
         upstream_request_id = a.upstream_request_id, client_request_id = a.client_request_id,
         error_code = a.error_code
       -- \`= ANY\` as well as the join: the planner cannot size \`unnest\`, and would otherwise scan
       -- the whole table instead of its primary key.
       FROM answers a WHERE t.request_id = ANY ($1::uuid[]) AND t.request_id = a.id AND t.kind = 'SEND'
         AND t.attempt = a.attempt
     )
     UPDATE personal_data_requests r SET
       status = a.status,
       error_code = a.error_code,
       error_message = a.error_message,
       error_retry_after_seconds = a.retry_after,
       upstream_request_id = COALESCE(a.upstream_request_id, r.upstream_request_id),
       completed_at = CASE WHEN a.status = 'PENDING' THEN NULL ELSE a.settled_at END,
       next_attempt_at = COALESCE(a.next_attempt_at, r.next_attempt_at),
       leased_by = NULL,
       leased_until = NULL,
       export_location = COALESCE(a.export_location, r.export_location),
       export_status = CASE WHEN r.operation = 'EXPORT_INBOUND' AND a.status = 'SUCCEEDED'
         THEN 'NOT_STARTED' ELSE r.export_status END,
       export_next_poll_at = CASE WHEN a.export_location IS NOT NULL
         THEN COALESCE(a.export_first_poll_at, a.settled_at) ELSE NULL END
     FROM answers a
     WHERE r.id = ANY ($1::uuid[]) AND r.id = a.id AND r.leased_by = $12 AND r.status = 'PENDING'`,
    values: [
      column((s) => s.id),
      column((s) => s.attempt),
      column((s) => s.settlement.status),
      column((s) => (s.settlement.status === 'SUCCEEDED' ? null : s.settlement.error.code)),
      column((s) => (s.settlement.status === 'SUCCEEDED' ? null : s.settlement.error.message)),
      column((s) =>
        s.settlement.status === 'SUCCEEDED' ? null : (s.settlement.error.retryAfterSeconds ?? null),
      ),
      column((s) => (s.settlement.status === 'PENDING' ? s.settlement.nextAttemptAt : null)),
      column((s) => s.httpStatus ?? null),
      column((s) => s.upstreamRequestId ?? null),
      column((s) => s.clientRequestId ?? null),
      column((s) => s.exportLocation ?? null),
      owner,
      column((s) => s.settledAt),
      column((s) => s.exportFirstPollAt ?? null),
    ],
  });
}

/** A request claimed for sending: what the sender needs, nothing more. */
export interface ClaimedRequest {
  id: string;
  operation: PersonalDataOperation;
  userId: string;
  tenantId: string | undefined;
  requestedAt: Date;
  attempts: number;
}

/**
 * Leases pending requests that are due and that nobody holds (a lease expired with its process,
 * or released), oldest due first, skipping rows another process is claiming this instant, and
 * begins an attempt for each.
 */
export async function claimDueRequests(
  db: Queryable,
  lease: Lease,
  limit: number,
  ids?: readonly string[],
): Promise<ClaimedRequest[]> {
  const { rows } = await db.query<{
    id: string;
    operation: PersonalDataOperation;
    user_id: string;
    tenant_id: string | null;
    requested_at: Date;
    attempts: number;
  }>(
    `WITH due AS (
       SELECT id FROM personal_data_requests
       WHERE status = 'PENDING' AND next_attempt_at <= now()
         AND (leased_until IS NULL OR leased_until <= now())
         -- An export is sent once, by the mutation that holds its storage location (failAbandoned).
         AND operation <> 'EXPORT_INBOUND'
         AND ($4::uuid[] IS NULL OR id = ANY ($4::uuid[]))
       ORDER BY next_attempt_at
       LIMIT $3
       FOR UPDATE SKIP LOCKED
     ),
     claimed AS (
       UPDATE personal_data_requests r
       SET leased_by = $1, leased_until = now() + $2 * interval '1 millisecond', attempts = r.attempts + 1
       FROM due WHERE r.id = due.id
       RETURNING r.id, r.operation, r.user_id, r.tenant_id, r.requested_at, r.attempts
     ),
     attempts AS (
       INSERT INTO personal_data_request_attempts (request_id, attempt, kind, attempted_at, sent_by)
       SELECT id, attempts, 'SEND', now(), $1 FROM claimed
     )
     SELECT * FROM claimed`,
    [lease.owner, lease.ms, limit, ids ?? null],
  );
  return rows.map((row) => ({
    id: row.id,
    operation: row.operation,
    userId: row.user_id,
    tenantId: row.tenant_id ?? undefined,
    requestedAt: row.requested_at,
    attempts: row.attempts,
  }));
}

/** Gives back the leases `owner` holds on pending requests, so that any process takes them at once. */
export async function releaseLeases(db: Queryable, owner: string, ids?: readonly string[]): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE personal_data_requests SET leased_by = NULL, leased_until = NULL
     WHERE leased_by = $1 AND status = 'PENDING' AND ($2::uuid[] IS NULL OR id = ANY ($2::uuid[]))`,
    [owner, ids ?? null],
  );
  return rowCount ?? 0;
}

/**
 * Ends requests that nobody may send any more: pending past `retryForMs` after `requestedAt`, and
 * exports whose process died before Graph answered (their storage location's credential was never
 * stored). They become FAILED with their last error, or with `fallback`'s.
 */
export async function failAbandoned(
  db: Queryable,
  retryForMs: number,
  fallback: { expired: string; exportLost: string },
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE personal_data_requests SET status = 'FAILED', completed_at = now(),
       error_code = COALESCE(error_code, 'UPSTREAM_UNAVAILABLE'),
       error_message = CASE WHEN operation = 'EXPORT_INBOUND' THEN $3 ELSE COALESCE(error_message, $2) END,
       leased_by = NULL, leased_until = NULL
     WHERE status = 'PENDING' AND (leased_until IS NULL OR leased_until <= now())
       AND (operation = 'EXPORT_INBOUND' OR requested_at + $1 * interval '1 millisecond' <= now())`,
    [retryForMs, fallback.expired, fallback.exportLost],
  );
  return rowCount ?? 0;
}

export interface ClaimedPoll {
  id: string;
  operationLocation: string;
  polls: number;
}

/** Takes exports whose operation is due for a poll, holding them for `lease.ms` meanwhile. */
export async function claimExportPolls(db: Queryable, lease: Lease, limit: number): Promise<ClaimedPoll[]> {
  const { rows } = await db.query<{ id: string; export_location: string; export_polls: number }>(
    `WITH due AS (
       SELECT id FROM personal_data_requests
       WHERE export_next_poll_at <= now()
       ORDER BY export_next_poll_at LIMIT $2
       FOR UPDATE SKIP LOCKED
     )
     UPDATE personal_data_requests r
     SET export_next_poll_at = now() + $1 * interval '1 millisecond', export_polls = r.export_polls + 1
     FROM due WHERE r.id = due.id
     RETURNING r.id, r.export_location, r.export_polls`,
    [lease.ms, limit],
  );
  return rows.map((row) => ({ id: row.id, operationLocation: row.export_location, polls: row.export_polls }));
}

export interface PollAnswer {
  id: string;
  poll: number;
  owner: string;
  /** What Graph said; undefined when the poll failed and the last status stands. */
  status: ExportStatus | undefined;
  /** When to poll again; undefined once Graph's answer is final. */
  nextPollAt: Date | undefined;
  httpStatus: number | undefined;
  upstreamRequestId: string | undefined;
  clientRequestId: string | undefined;
  errorCode: ErrorCode | undefined;
}

/** Records one poll of an export's operation and what it said. */
export async function recordPoll(db: Queryable, answer: PollAnswer): Promise<void> {
  await db.query(
    `WITH logged AS (
       INSERT INTO personal_data_request_attempts (request_id, attempt, kind, attempted_at, sent_by,
         answered_at, http_status, upstream_request_id, client_request_id, error_code)
       VALUES ($1, $2, 'POLL', now(), $3, now(), $6, $7, $8, $9)
       ON CONFLICT DO NOTHING
     )
     UPDATE personal_data_requests SET export_status = COALESCE($4, export_status), export_next_poll_at = $5,
       export_completed_at = CASE WHEN $4 IN ('COMPLETE', 'FAILED') THEN now() ELSE export_completed_at END
     WHERE id = $1`,
    [
      answer.id,
      answer.poll,
      answer.owner,
      answer.status,
      answer.nextPollAt ?? null,
      answer.httpStatus ?? null,
      answer.upstreamRequestId ?? null,
      answer.clientRequestId ?? null,
      answer.errorCode ?? null,
    ],
  );
}

export async function findRequests(db: Queryable, ids: readonly string[]): Promise<PersonalDataRequest[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<RequestRow>(
    `SELECT * FROM personal_data_requests WHERE id = ANY ($1::uuid[])`,
    [ids],
  );
  const byId = new Map(rows.map((row) => [row.id, toRequest(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Where a listing starts: after this request, newest first. */
export interface ListPosition {
  requestedAt: Date;
  id: string;
}

/**
 * The requests `visibility` lets the reader see that match `filter`, newest first, after `after`,
 * at most `limit`, and how many match in all.
 */
export async function listRequests(
  db: Queryable,
  visibility: Visibility,
  filter: RequestFilter,
  after: ListPosition | undefined,
  limit: number,
): Promise<{ requests: PersonalDataRequest[]; totalCount: number }> {
  const where = `($1::text IS NULL OR requester_id = $1 OR user_id = $1)
    AND ($2::text[] IS NULL OR status = ANY ($2::text[]))
    AND ($3::text[] IS NULL OR operation = ANY ($3::text[]))
    AND ($4::text IS NULL OR user_id = $4)
    AND ($5::text IS NULL OR requester_id = $5)
    AND ($6::uuid IS NULL OR batch_id = $6)`;
  const params = [
    visibility.all ? null : visibility.userId,
    filter.status?.length ? filter.status : null,
    filter.operation?.length ? filter.operation : null,
    filter.userId ?? null,
    filter.requestedBy ?? null,
    filter.batchId ?? null,
  ];
  const [page, count] = await Promise.all([
    db.query<RequestRow>(
      `SELECT * FROM personal_data_requests
       WHERE ${where} AND ($7::timestamptz IS NULL OR (requested_at, id) < ($7, $8::uuid))
       ORDER BY requested_at DESC, id DESC LIMIT $9`,
      [...params, after?.requestedAt ?? null, after?.id ?? null, limit],
    ),
    db.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM personal_data_requests WHERE ${where}`,
      params,
    ),
  ]);
  return { requests: page.rows.map(toRequest), totalCount: count.rows[0]?.total ?? 0 };
}

/** Deletes settled requests older than the retention, and expired idempotency keys. */
export async function purgeExpired(
  db: Queryable,
  retentionDays: number,
): Promise<{ requests: number; keys: number }> {
  const requests = await db.query(
    `DELETE FROM personal_data_requests
     WHERE status <> 'PENDING' AND completed_at < now() - $1 * interval '1 day'`,
    [retentionDays],
  );
  const keys = await db.query('DELETE FROM idempotency_keys WHERE expires_at <= now()');
  return { requests: requests.rowCount ?? 0, keys: keys.rowCount ?? 0 };
}

export interface LedgerGauges {
  pending: number;
  oldestPendingSeconds: number;
  overdue: number;
}

/** The worker's state for `/metrics`: one scan of the pending requests' index. */
export async function readGauges(db: Database): Promise<LedgerGauges> {
  const { rows } = await db.query<{ pending: number; oldest: number | null; overdue: number }>(
    `SELECT count(*)::int AS pending,
       EXTRACT(EPOCH FROM now() - min(requested_at))::float8 AS oldest,
       (count(*) FILTER (WHERE due_at < now()))::int AS overdue
     FROM personal_data_requests WHERE status = 'PENDING'`,
  );
  const row = rows[0];
  return { pending: row?.pending ?? 0, oldestPendingSeconds: row?.oldest ?? 0, overdue: row?.overdue ?? 0 };
}
