import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors/gateway-errors.js';
import {
  EXPORT_POLL_MS,
  type SendOutcome,
  type SettlingRules,
  dueDate,
  exportStatusOf,
  isExportSettled,
  isPermanent,
  nextPollDelayMs,
  retryDelayMs,
  settle,
  storageWithoutQuery,
} from '../../src/ledger/settling.js';
import { REQUEST_TYPENAME, decodeRequestId, encodeRequestId } from '../../src/schema/global-ids.js';

const NOW = new Date('2025-03-10T12:00:00.000Z');
const DAY_MS = 86_400_000;

function rules(overrides: Partial<SettlingRules> = {}): SettlingRules {
  return { now: NOW, requestedAt: NOW, attempts: 1, retryForMs: DAY_MS, retryable: true, ...overrides };
}

function refused(code: ErrorCode, httpStatus: number | undefined, retryAfterSeconds?: number): SendOutcome {
  return {
    ok: false,
    error: { code, message: `Graph answered ${String(httpStatus)}`, retryAfterSeconds },
    httpStatus,
    upstreamRequestId: 'c0ffee00-0000-4000-8000-000000000001',
  };
}

const afterNow = (ms: number) => new Date(NOW.getTime() + ms);

describe('settle: what an exchange with Graph makes of a request', () => {
  it('is SUCCEEDED on Graph’s 204, and on an export’s 202', () => {
    expect(settle({ ok: true, httpStatus: 204, upstreamRequestId: 'r' }, rules())).toEqual({
      status: 'SUCCEEDED',
    });
    expect(
      settle({ ok: true, httpStatus: 202, upstreamRequestId: 'r' }, rules({ retryable: false })),
    ).toEqual({ status: 'SUCCEEDED' });
  });

  it.each([
    ['400', refused('BAD_USER_INPUT', 400)],
    ['403', refused('FORBIDDEN', 403)],
    ['404', refused('NOT_FOUND', 404)],
    ['401', refused('UPSTREAM_ERROR', 401)],
    ['409', refused('UPSTREAM_ERROR', 409)],
    ['499', refused('UPSTREAM_ERROR', 499)],
    ['a permanent code without a status', refused('NOT_FOUND', undefined)],
  ])('is FAILED with Graph’s error on a permanent answer (%s)', (_what, outcome) => {
    const settlement = settle(outcome, rules());
    expect(settlement).toEqual({ status: 'FAILED', error: (outcome as { error: unknown }).error });
  });

  it.each([
    ['429', refused('THROTTLED', 429)],
    ['408', refused('UPSTREAM_TIMEOUT', 408)],
    ['500', refused('UPSTREAM_ERROR', 500)],
    ['502', refused('UPSTREAM_UNAVAILABLE', 502)],
    ['503', refused('UPSTREAM_UNAVAILABLE', 503)],
    ['504', refused('UPSTREAM_TIMEOUT', 504)],
    ['a timeout (no answer)', refused('UPSTREAM_TIMEOUT', undefined)],
    ['a dropped connection (no answer)', refused('UPSTREAM_UNAVAILABLE', undefined)],
  ])('is PENDING, with the error and the next attempt, while it may still succeed (%s)', (_w, outcome) => {
    const settlement = settle(outcome, rules());
    expect(settlement).toEqual({
      status: 'PENDING',
      error: (outcome as { error: unknown }).error,
      nextAttemptAt: afterNow(1_000),
    });
  });

  it('tells permanent answers apart by code and by status', () => {
    expect(isPermanent('UPSTREAM_ERROR', 400)).toBe(true);
    expect(isPermanent('UPSTREAM_ERROR', 500)).toBe(false);
    expect(isPermanent('UPSTREAM_ERROR', 399)).toBe(false);
    expect(isPermanent('UPSTREAM_ERROR', 408)).toBe(false);
    expect(isPermanent('THROTTLED', 429)).toBe(false);
    expect(isPermanent('UPSTREAM_ERROR', undefined)).toBe(false);
    expect(isPermanent('FORBIDDEN', undefined)).toBe(true);
    expect(isPermanent('BAD_USER_INPUT', undefined)).toBe(true);
  });

  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [9, 256_000],
    [10, 300_000],
    [30, 300_000],
  ])('backs off 1 s · 2^(n−1), capped at 5 min, after attempt %i', (attempts, delay) => {
    expect(retryDelayMs(attempts, undefined)).toBe(delay);
    expect(settle(refused('UPSTREAM_ERROR', 503), rules({ attempts }))).toMatchObject({
      status: 'PENDING',
      nextAttemptAt: afterNow(delay),
    });
  });

  it('waits for Graph’s Retry-After when it is longer than the backoff, and not when shorter', () => {
    expect(settle(refused('THROTTLED', 429, 7), rules({ attempts: 1 }))).toMatchObject({
      status: 'PENDING',
      nextAttemptAt: afterNow(7_000),
    });
    expect(settle(refused('THROTTLED', 429, 1), rules({ attempts: 4 }))).toMatchObject({
      status: 'PENDING',
      nextAttemptAt: afterNow(8_000),
    });
    // A Retry-After beyond the cap is still honoured: Graph asked for it.
    expect(retryDelayMs(20, 600)).toBe(600_000);
    expect(retryDelayMs(1, 0)).toBe(1_000);
  });

  it('is FAILED with the last error once the next attempt would fall past retryFor after requestedAt', () => {
    const requestedAt = new Date(NOW.getTime() - DAY_MS + 500);
    const error = refused('THROTTLED', 429);
    expect(settle(error, rules({ requestedAt }))).toEqual({
      status: 'FAILED',
      error: (error as { error: unknown }).error,
    });
    // Exactly at the deadline it may still be sent.
    const atDeadline = new Date(NOW.getTime() - DAY_MS + 1_000);
    expect(settle(error, rules({ requestedAt: atDeadline }))).toMatchObject({ status: 'PENDING' });
    // A Retry-After past the deadline ends it too.
    expect(settle(refused('THROTTLED', 429, 3_600), rules({ retryForMs: 60_000 }))).toMatchObject({
      status: 'FAILED',
    });
  });

  it('never retries an export: its storage location is not kept', () => {
    const error = refused('THROTTLED', 429, 1);
    expect(settle(error, rules({ retryable: false }))).toEqual({
      status: 'FAILED',
      error: (error as { error: unknown }).error,
    });
    expect(settle(refused('UPSTREAM_TIMEOUT', undefined), rules({ retryable: false }))).toMatchObject({
      status: 'FAILED',
    });
  });
});

describe('dueDate: requestedAt plus one calendar month, in UTC', () => {
  it.each([
    ['2025-03-10T12:34:56.789Z', '2025-04-10T12:34:56.789Z'],
    ['2025-01-31T08:00:00.000Z', '2025-02-28T08:00:00.000Z'],
    ['2024-01-31T08:00:00.000Z', '2024-02-29T08:00:00.000Z'],
    ['2024-01-29T08:00:00.000Z', '2024-02-29T08:00:00.000Z'],
    ['2025-01-28T23:59:59.999Z', '2025-02-28T23:59:59.999Z'],
    ['2025-03-31T00:00:00.000Z', '2025-04-30T00:00:00.000Z'],
    ['2025-05-31T10:00:00.000Z', '2025-06-30T10:00:00.000Z'],
    ['2025-08-31T10:00:00.000Z', '2025-09-30T10:00:00.000Z'],
    ['2025-07-31T10:00:00.000Z', '2025-08-31T10:00:00.000Z'],
    ['2025-12-31T23:30:00.000Z', '2026-01-31T23:30:00.000Z'],
    ['2025-12-15T00:00:00.000Z', '2026-01-15T00:00:00.000Z'],
    ['2025-11-30T12:00:00.000Z', '2025-12-30T12:00:00.000Z'],
    ['2026-02-28T12:00:00.000Z', '2026-03-28T12:00:00.000Z'],
  ])('%s → %s', (requestedAt, due) => {
    const input = new Date(requestedAt);
    expect(dueDate(input).toISOString()).toBe(due);
    expect(input.toISOString()).toBe(requestedAt);
  });

  // Late on the 31st in UTC is already the 1st in Kolkata (UTC+5:30): the rule must use UTC.
  it('counts in UTC, not in the local time zone', () => {
    expect(dueDate(new Date('2025-01-31T20:00:00.000Z')).toISOString()).toBe('2025-02-28T20:00:00.000Z');
    expect(dueDate(new Date('2025-04-30T22:00:00.000Z')).toISOString()).toBe('2025-05-30T22:00:00.000Z');
  });
});

describe('exports: Graph’s dataPolicyOperation status', () => {
  it.each([
    ['notStarted', 'NOT_STARTED'],
    ['running', 'RUNNING'],
    ['complete', 'COMPLETE'],
    ['failed', 'FAILED'],
    ['Complete', 'COMPLETE'],
    ['RUNNING', 'RUNNING'],
    ['unknownFutureValue', 'UNKNOWN'],
    ['', 'UNKNOWN'],
    ['constructor', 'UNKNOWN'],
    ['toString', 'UNKNOWN'],
  ])('reads %j as %s', (graph, status) => {
    expect(exportStatusOf(graph)).toBe(status);
  });

  it('stops polling once Graph’s answer is final or the gateway may not look', () => {
    expect(isExportSettled('COMPLETE')).toBe(true);
    expect(isExportSettled('FAILED')).toBe(true);
    expect(isExportSettled('UNKNOWN')).toBe(true);
    expect(isExportSettled('NOT_STARTED')).toBe(false);
    expect(isExportSettled('RUNNING')).toBe(false);
  });

  it.each([
    [undefined, 30_000],
    [0, 1_000],
    [999, 1_000],
    [1_000, 1_000],
    [2_500, 2_500],
    [600_000, 600_000],
    [600_001, 600_000],
    [86_400_000, 600_000],
  ])('polls again after Graph’s Retry-After %s ms, kept within 1 s to 10 min: %i ms', (retry, delay) => {
    expect(nextPollDelayMs(retry)).toBe(delay);
  });

  it('has the documented bounds', () => {
    expect(EXPORT_POLL_MS).toEqual({ min: 1_000, max: 600_000 });
  });
});

describe('storageWithoutQuery: what the ledger keeps of a storage location', () => {
  it.each([
    [
      'https://contosoexports.blob.core.example/exports/run-1?sv=2024-01-01&sr=c&sp=w&sig=Zm9v%3D',
      'https://contosoexports.blob.core.example/exports/run-1',
    ],
    [
      'https://contosoexports.blob.core.example/exports#sig=abc',
      'https://contosoexports.blob.core.example/exports',
    ],
    [
      'https://contosoexports.blob.core.example:8443/exports?sig=x#y',
      'https://contosoexports.blob.core.example:8443/exports',
    ],
    [
      'https://user:secret@contosoexports.blob.core.example/exports?sig=x',
      'https://contosoexports.blob.core.example/exports',
    ],
    ['https://CONTOSOEXPORTS.blob.core.example', 'https://contosoexports.blob.core.example/'],
  ])('%s → %s', (location, kept) => {
    const stored = storageWithoutQuery(location);
    expect(stored).toBe(kept);
    expect(stored).not.toMatch(/sig=|secret|[?#@]/);
  });
});

describe('global ids of personal-data requests', () => {
  const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
  const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64');

  function refusal(globalId: string): unknown {
    try {
      decodeRequestId(globalId);
    } catch (error) {
      return error;
    }
    return undefined;
  }

  it('are Relay’s base64 of the typename and the UUID, and decode back', () => {
    const id = encodeRequestId(UUID);
    expect(id).toBe(encode(`PersonalDataRequest:${UUID}`));
    expect(REQUEST_TYPENAME).toBe('PersonalDataRequest');
    expect(decodeRequestId(id)).toEqual({ typename: 'PersonalDataRequest', id: UUID });
  });

  it.each([
    ['another typename', encode(`User:${UUID}`)],
    ['a typename in another case', encode(`personalDataRequest:${UUID}`)],
    ['no typename', encode(UUID)],
    ['the raw UUID', UUID],
    ['a non-UUID', encode('PersonalDataRequest:42')],
    ['a UUID with junk after it', encode(`PersonalDataRequest:${UUID}x`)],
    ['a UUID followed by another segment', encode(`PersonalDataRequest:${UUID}:junk`)],
    ['a UUID with junk before it', encode(`PersonalDataRequest: ${UUID}`)],
    ['an empty id', ''],
    ['not base64', '!!!not-base64!!!'],
    ['base64 of junk', encode('\u0000\u0001\u0002')],
    ['an over-long id', encode(`PersonalDataRequest:${UUID}`) + 'A'.repeat(100)],
    ['a very long id', 'A'.repeat(100_000)],
    ['the id with stray characters before it', `!${encode(`PersonalDataRequest:${UUID}`)}`],
    ['the id with stray characters after it', `${encode(`PersonalDataRequest:${UUID}`)}!`],
    ['the id without its padding', encode(`PersonalDataRequest:${UUID}`).replace(/=+$/, '')],
    ['an upper-case UUID', encode(`PersonalDataRequest:${UUID.toUpperCase()}`)],
  ])('refuses %s with BAD_USER_INPUT naming `id`', (_what, globalId) => {
    expect(refusal(globalId)).toMatchObject({
      message: '`id` is not the id of a personal-data request.',
      extensions: { code: 'BAD_USER_INPUT', argumentName: 'id' },
    });
  });
});
