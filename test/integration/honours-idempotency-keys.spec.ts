import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { GatewayHarness, type GraphQLHttpResponse, errorCodes } from '../support/gateway-harness.js';
import { LOOSE_LIMITS } from '../support/loose-limits.js';
import {
  type BulkView,
  type RequestView,
  EXPORT_INBOUND,
  REMOVE_INBOUND_BULK,
  REMOVE_OUTBOUND,
  REMOVE_OUTBOUND_BULK,
  eventually,
  readRequest,
  requestUuid,
} from '../support/personal-data-requests.js';

type Single = { removeOutboundSharedUserProfilePersonalData: { request: RequestView } | null };
type Bulk = { removeOutboundSharedUserProfilesPersonalData: BulkView | null };

describe('Idempotency-Key', () => {
  let harness: GatewayHarness;
  let user: string;
  let admin: string;

  beforeAll(async () => {
    // One attempt per exchange: a throttled id stays throttled for the mutation, as under load.
    harness = await GatewayHarness.start({ env: { ...LOOSE_LIMITS, GRAPH_MAX_ATTEMPTS: '1' } });
    user = await harness.token('user');
    admin = await harness.token('admin');
  });
  afterAll(() => harness?.close());
  beforeEach(() => {
    harness.graph.faults.clear();
    harness.graph.resetRecording();
  });

  const key = () => `key-${randomUUID()}`;
  const removeOne = (token: string, idempotencyKey: string | undefined, userId: string, tenantId?: string) =>
    harness.post<Single>(
      { query: REMOVE_OUTBOUND, variables: { userId, tenantId } },
      token,
      idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
    );
  const removeMany = (token: string, idempotencyKey: string, userIds: string[]) =>
    harness.post<Bulk>({ query: REMOVE_OUTBOUND_BULK, variables: { userIds } }, token, {
      'idempotency-key': idempotencyKey,
    });
  const requestOf = (response: GraphQLHttpResponse<Single>) => {
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.removeOutboundSharedUserProfilePersonalData!.request;
  };
  const bulkOf = (response: GraphQLHttpResponse<Bulk>) => {
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.removeOutboundSharedUserProfilesPersonalData!;
  };
  const countRows = async () =>
    (await harness.database.query<{ n: number }>('SELECT count(*)::int AS n FROM personal_data_requests'))
      .rows[0]!.n;
  const outboundIds = (from: number, to: number) =>
    harness.graph.data.outbound.slice(from, to).map((profile) => profile.userId);

  it('answers a repeated single removal with the first request, without calling Graph again', async () => {
    const idempotencyKey = key();
    const first = requestOf(await removeOne(user, idempotencyKey, PERSONAS.user.objectId));
    expect(harness.graph.requests).toHaveLength(1);
    const rows = await countRows();

    const again = requestOf(await removeOne(user, idempotencyKey, PERSONAS.user.objectId));

    expect(again).toEqual(first);
    expect(harness.graph.requests).toHaveLength(1);
    expect(await countRows()).toBe(rows);
  });

  it('recognises the same caller with a fresh token', async () => {
    const idempotencyKey = key();
    const first = requestOf(await removeOne(user, idempotencyKey, PERSONAS.user.objectId));
    const freshToken = await harness.token('user', { iat: Math.floor(Date.now() / 1000) + 1 });
    expect(freshToken).not.toBe(user);
    const again = requestOf(await removeOne(freshToken, idempotencyKey, PERSONAS.user.objectId));
    expect(again.id).toBe(first.id);
    expect(harness.graph.requests).toHaveLength(1);
  });

  it('answers a repeated bulk with the same batchId and per-id results, without calling Graph again', async () => {
    const idempotencyKey = key();
    const userIds = [...outboundIds(0, 3), 'not-a-guid', outboundIds(0, 1)[0]!.toUpperCase()];
    const first = bulkOf(await removeMany(admin, idempotencyKey, userIds));
    const sent = harness.graph.requests.length;
    expect(harness.graph.requests.filter((call) => call.viaBatch)).toHaveLength(3);

    const again = bulkOf(await removeMany(admin, idempotencyKey, userIds));

    expect(again.batchId).toBe(first.batchId);
    expect(again.results.map((r) => [r.userId, r.ok, r.requestId, r.error?.code ?? null])).toEqual(
      first.results.map((r) => [r.userId, r.ok, r.requestId, r.error?.code ?? null]),
    );
    expect(again).toMatchObject({ accepted: 4, failed: 1 });
    expect(harness.graph.requests).toHaveLength(sent);
  });

  it('refuses the same key with other arguments, or with another mutation, before any Graph call', async () => {
    const idempotencyKey = key();
    requestOf(await removeOne(admin, idempotencyKey, PERSONAS.user.objectId));
    harness.graph.resetRecording();
    const rows = await countRows();
    const tenantId = harness.graph.data.outbound.find((p) => p.userId === PERSONAS.user.objectId)!
      .tenantIds[0]!;

    const refusals = [
      await removeOne(admin, idempotencyKey, PERSONAS.admin.objectId),
      await removeOne(admin, idempotencyKey, PERSONAS.user.objectId, tenantId),
      await harness.post(
        { query: REMOVE_OUTBOUND_BULK, variables: { userIds: [PERSONAS.user.objectId] } },
        admin,
        { 'idempotency-key': idempotencyKey },
      ),
      await harness.post(
        { query: REMOVE_INBOUND_BULK, variables: { userIds: [PERSONAS.user.objectId] } },
        admin,
        { 'idempotency-key': idempotencyKey },
      ),
      await harness.post(
        {
          query: EXPORT_INBOUND,
          variables: {
            userId: harness.graph.data.inbound[0]!.userId,
            storageLocation: 'https://contosoexports.blob.core.example/x',
          },
        },
        admin,
        { 'idempotency-key': idempotencyKey },
      ),
    ];
    for (const response of refusals) {
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors![0]!.extensions!.argumentName).toBe('Idempotency-Key');
    }
    expect(harness.graph.requests).toHaveLength(0);
    expect(await countRows()).toBe(rows);
  });

  it('keeps one caller’s key apart from another caller’s', async () => {
    const idempotencyKey = key();
    const mine = requestOf(await removeOne(user, idempotencyKey, PERSONAS.user.objectId));
    const theirs = requestOf(await removeOne(admin, idempotencyKey, PERSONAS.user.objectId));
    const otherUser = await harness.token('user', { oid: randomUUID() });
    const refused = await removeOne(otherUser, idempotencyKey, PERSONAS.user.objectId);

    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.requestedBy.userId).toBe(PERSONAS.admin.objectId);
    expect(harness.graph.requests).toHaveLength(2);
    // Another user may not remove this user's data: the key does not lend them the first answer.
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a control character', 'key\u0001x'],
    ['DEL', 'key\u007fx'],
    ['a tab inside', 'key\tx'],
    ['a non-ASCII character', 'clé'],
  ])('refuses a key that is %s with BAD_USER_INPUT, before any Graph call', async (_what, idempotencyKey) => {
    const rows = await countRows();
    const response = await removeOne(user, idempotencyKey, PERSONAS.user.objectId);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0]!.extensions!.argumentName).toBe('Idempotency-Key');
    expect(harness.graph.requests).toHaveLength(0);
    expect(await countRows()).toBe(rows);
  });

  it('accepts 255 printable ASCII characters', async () => {
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
    const idempotencyKey = `k${printable.repeat(3)}`.slice(0, 254) + 'k';
    expect(idempotencyKey).toHaveLength(255);
    const first = requestOf(await removeOne(user, idempotencyKey, PERSONAS.user.objectId));
    const again = requestOf(await removeOne(user, idempotencyKey, PERSONAS.user.objectId));
    expect(again.id).toBe(first.id);
    expect(harness.graph.requests).toHaveLength(1);
  });

  it('forgets a key after IDEMPOTENCY_TTL_HOURS', async () => {
    const idempotencyKey = key();
    const first = requestOf(await removeOne(user, idempotencyKey, PERSONAS.user.objectId));
    // Waiting out IDEMPOTENCY_TTL_HOURS (1 h at least) is not possible in a test: the key is made
    // to expire in the test's own database instead, as if the hours had passed. It is not purged
    // (the worker's purge runs hourly), which is the state a real key is in just after its expiry.
    const { rowCount } = await harness.database.query(
      `UPDATE idempotency_keys SET expires_at = now() - interval '1 s' WHERE key = $1`,
      [idempotencyKey],
    );
    expect(rowCount).toBe(1);

    const response = await removeOne(user, idempotencyKey, PERSONAS.user.objectId);

    const again = requestOf(response);
    expect(again.id).not.toBe(first.id);
    expect(harness.graph.requests).toHaveLength(2);
    // The key now stands for the new request.
    const third = requestOf(await removeOne(user, idempotencyKey, PERSONAS.user.objectId));
    expect(third.id).toBe(again.id);
    expect(harness.graph.requests).toHaveLength(2);
  });

  it('completes a throttled bulk with the worker, and the replay answers it without resending settled ids', async () => {
    const idempotencyKey = key();
    const userIds = outboundIds(3, 7);
    const [, throttledA, , throttledB] = userIds;
    for (const id of [throttledA, throttledB]) {
      harness.graph.faults.add({
        pathPattern: new RegExp(`${id}/removePersonalData$`),
        status: 429,
        retryAfter: '1',
      });
    }

    const first = bulkOf(await removeMany(admin, idempotencyKey, userIds));

    expect(first.results.map((r) => [r.ok, r.error?.code ?? null])).toEqual([
      [true, null],
      [false, 'THROTTLED'],
      [true, null],
      [false, 'THROTTLED'],
    ]);
    const pendingIds = [first.results[1]!.requestId!, first.results[3]!.requestId!];
    for (const id of pendingIds) {
      expect(await readRequest(harness, id, admin)).toMatchObject({
        status: 'PENDING',
        attempts: 1,
        error: { code: 'THROTTLED', retryAfterSeconds: 1 },
        completedAt: null,
      });
    }

    // Before the next attempt is due, the replay sends nothing.
    harness.graph.resetRecording();
    const early = bulkOf(await removeMany(admin, idempotencyKey, userIds));
    expect(early.batchId).toBe(first.batchId);
    expect(early.results.map((r) => r.ok)).toEqual([true, false, true, false]);
    expect(harness.graph.requests).toHaveLength(0);

    const { rows } = await harness.database.query<{ next_attempt_at: Date }>(
      'SELECT next_attempt_at FROM personal_data_requests WHERE id = ANY ($1::uuid[])',
      [pendingIds.map(requestUuid)],
    );
    const due = Math.max(...rows.map((row) => row.next_attempt_at.getTime()));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now() + 20)));
    await harness.gateway.ledgerWorker.runOnce();

    // The worker sent the throttled ids, and only them, with the gateway's application token.
    const sentPaths = harness.graph.requests
      .filter((call) => call.path !== '/$batch')
      .map((call) => call.path);
    expect(sentPaths.sort()).toEqual(
      [throttledA, throttledB]
        .map((id) => `/directory/outboundSharedUserProfiles/${id}/removePersonalData`)
        .sort(),
    );
    expect(harness.graph.requests.every((call) => call.idtyp === 'app' && call.scp === undefined)).toBe(true);

    harness.graph.resetRecording();
    const replay = bulkOf(await removeMany(admin, idempotencyKey, userIds));
    expect(replay.batchId).toBe(first.batchId);
    expect(replay.results.map((r) => [r.userId, r.ok, r.requestId, r.error])).toEqual(
      first.results.map((r) => [r.userId, true, r.requestId, null]),
    );
    expect(replay).toMatchObject({ accepted: 4, failed: 0 });
    expect(harness.graph.requests).toHaveLength(0);
    for (const id of pendingIds) {
      expect(await readRequest(harness, id, admin)).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    }
  });

  it('sends a due pending request on the replay itself, and only that one', async () => {
    const idempotencyKey = key();
    harness.graph.faults.add({ pathPattern: /removePersonalData$/, status: 503, retryAfter: '1' });

    const first = await removeOne(admin, idempotencyKey, PERSONAS.user.objectId);

    expect(errorCodes(first)).toEqual(['UPSTREAM_UNAVAILABLE']);
    const requestId = first.body.errors![0]!.extensions!.requestId as string;
    expect(await readRequest(harness, requestId, admin)).toMatchObject({ status: 'PENDING', attempts: 1 });

    const replay = await eventually(
      async () => {
        const response = await removeOne(admin, idempotencyKey, PERSONAS.user.objectId);
        return response.body.errors ? undefined : response;
      },
      5_000,
      'the replay to succeed',
    );
    expect(requestOf(replay)).toMatchObject({ id: requestId, status: 'SUCCEEDED', attempts: 2 });
    expect(harness.graph.requests).toHaveLength(2);
    // Replays before the request was due made no call.
    expect(harness.graph.requests.every((call) => call.path.endsWith('/removePersonalData'))).toBe(true);
  });
});
