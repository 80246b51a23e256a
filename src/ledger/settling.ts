import type { ErrorCode } from '../errors/gateway-errors.js';
import type { ExportStatus, RecordedError } from './personal-data-request.js';

/** What one exchange with Graph gave for one request. */
export type SendOutcome =
  | { ok: true; httpStatus: number | undefined; upstreamRequestId: string | undefined }
  | {
      ok: false;
      error: RecordedError;
      httpStatus: number | undefined;
      upstreamRequestId: string | undefined;
    };

/** What the ledger does with a request after an exchange. */
export type Settlement =
  | { status: 'SUCCEEDED' }
  | { status: 'FAILED'; error: RecordedError }
  | { status: 'PENDING'; error: RecordedError; nextAttemptAt: Date };

/** Answers that will never succeed however often they are sent. */
const PERMANENT_CODES: ReadonlySet<ErrorCode> = new Set(['NOT_FOUND', 'FORBIDDEN', 'BAD_USER_INPUT']);

/** The first retry waits this long, each next one twice as long, up to `MAX_BACKOFF_MS`. */
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export interface SettlingRules {
  now: Date;
  requestedAt: Date;
  /** Sends so far, this one included. */
  attempts: number;
  /** LEDGER_RETRY_FOR_MS. */
  retryForMs: number;
  /** Exports are never sent again: their storage location's credential is not kept. */
  retryable: boolean;
}

/**
 * The contract's settling: SUCCEEDED on Graph's acceptance; FAILED on a permanent answer (400,
 * 403, 404 and other 4xx but 408 and 429); PENDING while it may still succeed (429, 5xx,
 * timeouts), with the next attempt after Graph's `Retry-After` or an exponential backoff, whichever
 * is longer, until `retryForMs` after `requestedAt`: then FAILED with the last error.
 */
export function settle(outcome: SendOutcome, rules: SettlingRules): Settlement {
  if (outcome.ok) return { status: 'SUCCEEDED' };
  const { error, httpStatus } = outcome;
  if (!rules.retryable || isPermanent(error.code, httpStatus)) return { status: 'FAILED', error };
  const nextAttemptAt = new Date(rules.now.getTime() + retryDelayMs(rules.attempts, error.retryAfterSeconds));
  if (nextAttemptAt.getTime() > rules.requestedAt.getTime() + rules.retryForMs) {
    return { status: 'FAILED', error };
  }
  return { status: 'PENDING', error, nextAttemptAt };
}

export function isPermanent(code: ErrorCode, httpStatus: number | undefined): boolean {
  if (PERMANENT_CODES.has(code)) return true;
  return (
    httpStatus !== undefined &&
    httpStatus >= 400 &&
    httpStatus < 500 &&
    httpStatus !== 408 &&
    httpStatus !== 429
  );
}

/** The wait before attempt `attempts + 1`: Graph's `Retry-After` when longer than the backoff. */
export function retryDelayMs(attempts: number, retryAfterSeconds: number | undefined): number {
  const backoff = Math.min(FIRST_BACKOFF_MS * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
  return Math.max(backoff, (retryAfterSeconds ?? 0) * 1000);
}

/**
 * `requestedAt` plus one calendar month (GDPR art. 12(3)), in UTC; a day the next month lacks
 * becomes its last day (31 January → 28 or 29 February).
 */
export function dueDate(requestedAt: Date): Date {
  const due = new Date(requestedAt.getTime());
  const day = due.getUTCDate();
  due.setUTCDate(1);
  due.setUTCMonth(due.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth() + 1, 0)).getUTCDate();
  due.setUTCDate(Math.min(day, lastDay));
  return due;
}

// A Map, not an object literal: a status such as `constructor` must not find Object's prototype.
const GRAPH_EXPORT_STATUSES: ReadonlyMap<string, ExportStatus> = new Map([
  ['notstarted', 'NOT_STARTED'],
  ['running', 'RUNNING'],
  ['complete', 'COMPLETE'],
  ['failed', 'FAILED'],
]);

/** Graph's `dataPolicyOperation.status` as the API's enum; anything else is UNKNOWN. */
export function exportStatusOf(graphStatus: string): ExportStatus {
  return GRAPH_EXPORT_STATUSES.get(graphStatus.toLowerCase()) ?? 'UNKNOWN';
}

/** Polling goes on while Graph may still change its answer. */
export function isExportSettled(status: ExportStatus): boolean {
  return status === 'COMPLETE' || status === 'FAILED' || status === 'UNKNOWN';
}

/** The least and most time between two polls of an export's operation. */
export const EXPORT_POLL_MS = { min: 1_000, max: 10 * 60_000 } as const;

/** Graph's `Retry-After` for the next poll, kept within `EXPORT_POLL_MS`; 30 s when it gave none. */
export function nextPollDelayMs(retryAfterMs: number | undefined): number {
  return Math.min(Math.max(retryAfterMs ?? 30_000, EXPORT_POLL_MS.min), EXPORT_POLL_MS.max);
}

/**
 * What the ledger keeps of an export's `storageLocation`: scheme, host and path. Its query is a
 * credential (an Azure Storage SAS signature) and is never stored.
 */
export function storageWithoutQuery(storageLocation: string): string {
  const url = new URL(storageLocation);
  return `${url.protocol}//${url.host}${url.pathname}`;
}
