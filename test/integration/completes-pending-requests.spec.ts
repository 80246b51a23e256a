import { PERSONAS } from '@shared-profile-gateway/emulators';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/ledger/ledger-store.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

const REMOVAL = /\/outboundSharedUserProfiles\/[^/]+\/removePersonalData$/;
const REMOVE = `mutation Remove($userId: ID!) {
  removeOutboundSharedUserProfilePersonalData(userId: $userId) { request { id status attempts } }
}`;
const READ = `query Read($id: ID!) {
  personalDataRequest(id: $id) { status attempts completedAt error { code } upstreamRequestId }
}`;

interface Row {
  status: string;
  attempts: number;
  error_code: string | null;
  leased_by: string | null;
  next_attempt_at: Date;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Contract, "Settling": a removal that Graph did not settle stays PENDING and is completed later,
 * by any gateway process, with the gateway's application token, honouring Retry-After, until it
 * settles or LEDGER_RETRY_FOR_MS has passed since requestedAt.
 */
describe('a pending personal-data request', () => {
  let harness: GatewayHarness;
  let token: string;
  const userId = PERSONAS.user.objectId;

  beforeAll(async () => {
    harness = await GatewayHarness.start({
      env: { GRAPH_MAX_ATTEMPTS: '1', GRAPH_TIMEOUT_MS: '1500', LEDGER_RETRY_FOR_MS: '4000' },
    });
    token = await harness.token('user');
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.graph.faults.clear();
    harness.graph.resetRecording();
  });

  const row = async (requestId: string): Promise<Row> => {
    const id = Buffer.from(requestId, 'base64').toString('utf8').split(':')[1];
    const { rows } = await harness.database.query<Row>(
      'SELECT status, attempts, error_code, leased_by, next_attempt_at FROM personal_data_requests WHERE id = $1',
      [id],
    );
    return rows[0]!;
  };

  async function throttledRemoval(retryAfter = '1'): Promise<string> {
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 429, retryAfter, times: 1 });
    const response = await harness.post<unknown>({ query: REMOVE, variables: { userId } }, token);
    expect(errorCodes(response)).toEqual(['THROTTLED']);
    const requestId = response.body.errors![0]!.extensions!.requestId;
    expect(typeof requestId).toBe('string');
    return requestId as string;
  }

  it('answers THROTTLED with extensions.requestId, and the worker completes it with the application token', async () => {
    const requestId = await throttledRemoval('1');
    expect(await row(requestId)).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      error_code: 'THROTTLED',
      leased_by: null,
    });

    // Not before Graph's Retry-After.
    await harness.gateway.ledgerWorker.runOnce();
    expect(harness.graph.requests).toHaveLength(1);

    await sleep(1_050);
    await harness.gateway.ledgerWorker.runOnce();
    const [first, second] = harness.graph.requests;
    expect(harness.graph.requests).toHaveLength(2);
    expect(first).toMatchObject({ oid: userId, scp: expect.any(String) });
    // The caller's token is never stored: the retry goes with the gateway's own.
    expect(second).toMatchObject({ appid: harness.config.azure.clientId, scp: undefined });
    expect(second!.path).toBe(first!.path);
    expect(second!.clientRequestId).not.toBe(first!.clientRequestId);

    const read = await harness.post<{ personalDataRequest: Record<string, unknown> }>(
      { query: READ, variables: { id: requestId } },
      token,
    );
    expect(read.body.data!.personalDataRequest).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 2,
      error: null,
      completedAt: expect.any(String),
    });
    const { rows } = await harness.database.query<{
      attempt: number;
      http_status: number;
      error_code: string;
    }>(
      `SELECT attempt, http_status, error_code FROM personal_data_request_attempts
       WHERE request_id = $1 ORDER BY attempt`,
      [Buffer.from(requestId, 'base64').toString('utf8').split(':')[1]],
    );
    expect(rows).toEqual([
      { attempt: 1, http_status: 429, error_code: 'THROTTLED' },
      { attempt: 2, http_status: 204, error_code: null },
    ]);
  });

  it('is not taken from a live process that holds its lease, and is once that lease expires', async () => {
    const requestId = await throttledRemoval('0');
    const id = Buffer.from(requestId, 'base64').toString('utf8').split(':')[1];
    await harness.database.query(
      `UPDATE personal_data_requests SET leased_by = 'another-process', leased_until = now() + interval '1 minute',
         next_attempt_at = now() WHERE id = $1`,
      [id],
    );
    await harness.gateway.ledgerWorker.runOnce();
    expect(harness.graph.requests).toHaveLength(1);

    await harness.database.query(
      `UPDATE personal_data_requests SET leased_until = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await harness.gateway.ledgerWorker.runOnce();
    expect(harness.graph.requests).toHaveLength(2);
    expect(await row(requestId)).toMatchObject({ status: 'SUCCEEDED', attempts: 2, leased_by: null });
  });

  it('settles a permanent answer as FAILED and never sends it again', async () => {
    const unknown = '0b7c8d2e-1f3a-4b5c-8d9e-0f1a2b3c4d5e';
    const admin = await harness.token('admin');
    const response = await harness.post<unknown>({ query: REMOVE, variables: { userId: unknown } }, admin);
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    const requestId = response.body.errors![0]!.extensions!.requestId as string;
    expect(await row(requestId)).toMatchObject({ status: 'FAILED', attempts: 1, error_code: 'NOT_FOUND' });
    await harness.gateway.ledgerWorker.runOnce();
    expect(harness.graph.requests).toHaveLength(1);
  });

  it('keeps a 5xx pending, and fails what Graph has not accepted within LEDGER_RETRY_FOR_MS', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 500, times: 100 });
    const response = await harness.post<unknown>({ query: REMOVE, variables: { userId } }, token);
    expect(errorCodes(response)).toEqual(['UPSTREAM_ERROR']);
    const requestId = response.body.errors![0]!.extensions!.requestId as string;
    expect(await row(requestId)).toMatchObject({ status: 'PENDING', error_code: 'UPSTREAM_ERROR' });

    // Retried while the window lasts (1 s, then 2 s of backoff), then FAILED with the last error.
    const deadline = Date.now() + 8_000;
    while ((await row(requestId)).status === 'PENDING' && Date.now() < deadline) {
      await harness.gateway.ledgerWorker.runOnce();
      await sleep(250);
    }
    expect(await row(requestId)).toMatchObject({ status: 'FAILED', error_code: 'UPSTREAM_ERROR' });
    expect(harness.graph.requests.length).toBeGreaterThanOrEqual(2);
    const sent = harness.graph.requests.length;
    await harness.gateway.ledgerWorker.runOnce();
    expect(harness.graph.requests).toHaveLength(sent);
  });

  it('is given back to the worker when the caller goes away before Graph answers', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, hang: true, times: 1 });
    const departed = new AbortController();
    const answered = harness
      .fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: REMOVE, variables: { userId } }),
        signal: departed.signal,
      })
      .catch(() => undefined);
    const deadline = Date.now() + 5_000;
    while (harness.graph.requests.length === 0 && Date.now() < deadline) await sleep(20);
    departed.abort();
    await answered;
    const pending = async () =>
      (
        await harness.database.query<Row>(
          `SELECT status, attempts, error_code, leased_by, next_attempt_at FROM personal_data_requests
           WHERE status = 'PENDING' AND leased_by IS NULL AND error_code IS NULL`,
        )
      ).rows;
    while ((await pending()).length === 0 && Date.now() < deadline) await sleep(20);
    expect(await pending()).toHaveLength(1);

    await harness.gateway.ledgerWorker.runOnce();
    expect(harness.graph.requests.at(-1)).toMatchObject({
      appid: harness.config.azure.clientId,
      scp: undefined,
    });
    expect(await pending()).toHaveLength(0);
  });

  it('deletes settled requests past LEDGER_RETENTION_DAYS with their attempts, and never a pending one', async () => {
    const settled = await harness.post<unknown>({ query: REMOVE, variables: { userId } }, token);
    expect(settled.body.errors).toBeUndefined();
    const { rows } = await harness.database.query<{ id: string; status: string }>(
      'SELECT id, status FROM personal_data_requests',
    );
    const ids = rows.map((row) => row.id);
    // Every request, settled or not, made 731 days old: only the settled ones go.
    await harness.database.query(
      `UPDATE personal_data_requests SET requested_at = requested_at - interval '731 days',
         completed_at = completed_at - interval '731 days'`,
    );
    expect(await purgeExpired(harness.database, 730)).toMatchObject({
      requests: rows.filter((row) => row.status !== 'PENDING').length,
    });
    const left = await harness.database.query<{ status: string }>(
      'SELECT status FROM personal_data_requests',
    );
    expect(left.rows.every((row) => row.status === 'PENDING')).toBe(true);
    const attempts = await harness.database.query(
      `SELECT 1 FROM personal_data_request_attempts a
       WHERE NOT EXISTS (SELECT 1 FROM personal_data_requests r WHERE r.id = a.request_id)`,
    );
    expect(attempts.rows).toEqual([]);
    expect(ids.length).toBeGreaterThan(left.rows.length);
  });
});
