import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RemoveOutboundSharedUserProfilesPersonalDataDocument as RemoveOutbound } from '../generated/graphql.js';
import { GatewayHarness } from '../support/gateway-harness.js';
import { LOOSE_LIMITS } from '../support/loose-limits.js';

const removalOf = (userId: string) => new RegExp(`/${userId}/removePersonalData$`);

describe('retries inside JSON batches', () => {
  let harness: GatewayHarness;
  let admin: string;
  let userIds: string[];

  beforeAll(async () => {
    harness = await GatewayHarness.start({
      env: { ...LOOSE_LIMITS, GRAPH_TIMEOUT_MS: '2500', GRAPH_MAX_ATTEMPTS: '3' },
    });
    admin = await harness.token('admin');
    userIds = harness.graph.data.outbound.slice(0, 25).map((profile) => profile.userId);
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.graph.faults.clear();
    harness.graph.resetRecording();
  });

  const remove = () => harness.execute(RemoveOutbound, { userIds }, admin);
  const payloadOf = (response: Awaited<ReturnType<typeof remove>>) =>
    response.body.data!.removeOutboundSharedUserProfilesPersonalData;
  const batchCalls = () => harness.graph.requests.filter((call) => !call.viaBatch);
  const itemsFor = (userId: string) =>
    harness.graph.requests.filter((call) => call.viaBatch && removalOf(userId).test(call.path));

  it('resends only the throttled items, together, after the longest Retry-After', async () => {
    const [a, b] = [userIds[3]!, userIds[22]!];
    harness.graph.faults.add({ pathPattern: removalOf(a), status: 429, retryAfter: '0.2' });
    harness.graph.faults.add({ pathPattern: removalOf(b), status: 429, retryAfter: '0.5' });
    const started = Date.now();

    const response = await remove();

    expect(payloadOf(response)).toMatchObject({ accepted: 25, failed: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(480);
    // Two batches (20 + 5), then one with just the two throttled items.
    expect(batchCalls()).toHaveLength(3);
    expect(harness.graph.requests.filter((call) => call.viaBatch)).toHaveLength(27);
    expect(itemsFor(a)).toHaveLength(2);
    expect(itemsFor(b)).toHaveLength(2);
    // A resent item keeps its client-request-id: one logical request, seen twice.
    expect(itemsFor(a)[1]!.clientRequestId).toBe(itemsFor(a)[0]!.clientRequestId);
  });

  it('resends items that failed with 503 or 504, backing off without Retry-After', async () => {
    harness.graph.faults.add({ pathPattern: removalOf(userIds[0]!), status: 503 });
    harness.graph.faults.add({ pathPattern: removalOf(userIds[1]!), status: 504 });

    const response = await remove();

    expect(payloadOf(response)).toMatchObject({ accepted: 25, failed: 0 });
    expect(itemsFor(userIds[0]!)).toHaveLength(2);
    expect(itemsFor(userIds[1]!)).toHaveLength(2);
  });

  it('answers THROTTLED with retryAfterSeconds for the one id Graph keeps throttling', async () => {
    const stubborn = userIds[7]!;
    harness.graph.faults.add({
      pathPattern: removalOf(stubborn),
      status: 429,
      retryAfter: '0.1',
      times: Infinity,
    });

    const response = await remove();

    const payload = payloadOf(response);
    expect(payload).toMatchObject({ accepted: 24, failed: 1 });
    expect(payload.results[7]).toMatchObject({
      userId: stubborn,
      ok: false,
      error: { code: 'THROTTLED', retryAfterSeconds: 1 },
    });
    expect(payload.results[7]!.upstreamRequestId).toMatch(/^[0-9a-f-]{36}$/);
    // GRAPH_MAX_ATTEMPTS bounds how often one id is sent.
    expect(itemsFor(stubborn)).toHaveLength(3);
  });

  it('does not wait for a Retry-After that outlasts the deadline', async () => {
    harness.graph.faults.add({ pathPattern: removalOf(userIds[0]!), status: 429, retryAfter: '120' });
    const started = Date.now();

    const response = await remove();

    expect(Date.now() - started).toBeLessThan(2000);
    expect(payloadOf(response).results[0]!.error).toMatchObject({
      code: 'THROTTLED',
      retryAfterSeconds: 120,
    });
    expect(itemsFor(userIds[0]!)).toHaveLength(1);
  });

  it('retries a batch that Graph throttled as a whole', async () => {
    harness.graph.faults.add({ pathPattern: /^\/\$batch$/, status: 429, retryAfter: '0.1' });

    const response = await remove();

    expect(payloadOf(response)).toMatchObject({ accepted: 25, failed: 0 });
    expect(batchCalls()).toHaveLength(3);
  });

  it('keeps the answers it has when the deadline passes, and reports the rest as UPSTREAM_TIMEOUT', async () => {
    // Graph answers a batch only when all its items are done: one hung item holds its batch.
    harness.graph.faults.add({ pathPattern: removalOf(userIds[2]!), hang: true });

    const response = await remove();

    const { results } = payloadOf(response);
    expect(results.slice(0, 20).every((result) => result.error?.code === 'UPSTREAM_TIMEOUT')).toBe(true);
    expect(results.slice(20).every((result) => result.ok)).toBe(true);
  });
});
