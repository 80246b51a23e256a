import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilesPersonalDataDocument as BulkRemove } from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';
import { metricValue } from '../support/metric-values.js';
import { expectRateLimited, freshAdmin, removeOnce, upstreamCalls } from '../support/rate-limit-probes.js';

const OPERATIONS_PER_MINUTE = 8;
const REMOVALS_PER_MINUTE = 3;

const ids = (count: number) => ({ userIds: Array.from({ length: count }, () => PERSONAS.user.objectId) });

describe('per-caller rate limits (in memory)', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({
      env: {
        RATE_LIMIT_OPERATIONS_PER_MINUTE: String(OPERATIONS_PER_MINUTE),
        RATE_LIMIT_REMOVALS_PER_MINUTE: String(REMOVALS_PER_MINUTE),
      },
    });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  it('refuses brute force past the removal budget with 429 and Retry-After, before any upstream call', async () => {
    const [token] = await freshAdmin([harness]);
    for (let i = 0; i < REMOVALS_PER_MINUTE; i += 1) {
      expect((await removeOnce(harness, token!)).status).toBe(200);
    }
    const callsWithinBudget = upstreamCalls(harness);
    expect(callsWithinBudget).toBeGreaterThanOrEqual(REMOVALS_PER_MINUTE);

    for (let i = 0; i < 20; i += 1) expectRateLimited(await removeOnce(harness, token!));
    expect(upstreamCalls(harness)).toBe(callsWithinBudget);
  });

  it('counts every root field of an operation, not the HTTP request', async () => {
    const token = await harness.token('reader', { oid: randomUUID() });
    const threeFields = { query: '{ a: viewer { kind } b: viewer { kind } c: viewer { kind } }' };
    expect((await harness.post(threeFields, token)).status).toBe(200);
    expect((await harness.post(threeFields, token)).status).toBe(200);
    // 6 of 8 used: three more fields do not fit, one more does.
    expectRateLimited(await harness.post(threeFields, token));
  });

  it('keys the budget by tenant and object id, not by token', async () => {
    const oid = randomUUID();
    const token = await harness.token('admin', { oid });
    for (let i = 0; i < REMOVALS_PER_MINUTE; i += 1) await removeOnce(harness, token);
    expectRateLimited(await removeOnce(harness, await harness.token('admin', { oid, jti: randomUUID() })));

    const [someoneElse] = await freshAdmin([harness]);
    expect((await removeOnce(harness, someoneElse!)).status).toBe(200);
  });

  it('counts each id of a bulk removal as one removal', async () => {
    const [token] = await freshAdmin([harness]);
    const bulk = await harness.execute(BulkRemove, ids(REMOVALS_PER_MINUTE - 1), token);
    expect(bulk.status).toBe(200);
    expect(errorCodes(bulk)).toEqual([]);
    expect((await removeOnce(harness, token!)).status).toBe(200);
    harness.graph.resetRecording();

    expectRateLimited(await harness.execute(BulkRemove, ids(1), token));
    expect(upstreamCalls(harness)).toBe(0);
  });

  it('refuses a bulk larger than a whole minute’s budget as RATE_LIMITED, without spending it', async () => {
    const [token] = await freshAdmin([harness]);
    const tooLarge = await harness.execute(BulkRemove, ids(REMOVALS_PER_MINUTE + 1), token);
    expectRateLimited(tooLarge);
    expect(tooLarge.body.errors![0]!.message).toMatch(/split it/);
    expect(upstreamCalls(harness)).toBe(0);
    expect((await removeOnce(harness, token!)).status).toBe(200);
  });

  it('answers anonymous removals with 401, never spending a removal budget on them', async () => {
    for (let i = 0; i < REMOVALS_PER_MINUTE + 2; i += 1) {
      const response = await harness.execute(BulkRemove, ids(REMOVALS_PER_MINUTE + 1));
      expect(response.status).toBe(401);
      expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    }
    expect(upstreamCalls(harness)).toBe(0);
  });

  it('leaves the operations budget alone when a removal is refused', async () => {
    const [token] = await freshAdmin([harness]);
    for (let i = 0; i < REMOVALS_PER_MINUTE; i += 1) await removeOnce(harness, token!);
    for (let i = 0; i < 10; i += 1) expectRateLimited(await removeOnce(harness, token!));
    // 3 operations spent on the removals that ran; the refused ones cost nothing.
    const viewer = await harness.post({ query: '{ viewer { kind } }' }, token);
    expect(viewer.status).toBe(200);
  });

  it('groups anonymous IPv6 callers by /64, since one client holds the whole prefix', async () => {
    const fromAddress = (remoteAddress: string) =>
      harness.gateway.yoga.fetch(
        new Request('http://gateway.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ __typename }' }),
        }),
        { req: { socket: { remoteAddress } } },
      );
    for (let i = 1; i <= OPERATIONS_PER_MINUTE; i += 1) {
      expect((await fromAddress(`2001:db8:1:2::${i.toString(16)}`)).status).toBe(200);
    }
    expect((await fromAddress('2001:db8:1:2:ffff:ffff:ffff:ffff')).status).toBe(429);
    expect((await fromAddress('2001:0db8:0001:0002::beef%eth0')).status).toBe(429);
    expect((await fromAddress('2001:db8:1:3::1')).status).toBe(200);
    expect((await fromAddress('::ffff:192.0.2.1')).status).toBe(200);
  });

  it('keys anonymous callers by their network address', async () => {
    const server = await GatewayHarness.start({
      env: { PORT: '0', RATE_LIMIT_OPERATIONS_PER_MINUTE: String(OPERATIONS_PER_MINUTE) },
    });
    try {
      const base = await server.gateway.listen();
      const anonymous = () =>
        fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ __typename }' }),
        });
      for (let i = 0; i < OPERATIONS_PER_MINUTE; i += 1) expect((await anonymous()).status).toBe(200);
      const refused = await anonymous();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);

      // Requests from elsewhere (here: not through the socket at all) draw from another budget.
      expect((await server.post({ query: '{ __typename }' })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('the rate limit in metrics, and switched off', () => {
  it('counts each refusal in gateway_rate_limited_total, by budget', async () => {
    const harness = await GatewayHarness.start({
      env: { RATE_LIMIT_OPERATIONS_PER_MINUTE: '100', RATE_LIMIT_REMOVALS_PER_MINUTE: '1' },
    });
    try {
      const [token] = await freshAdmin([harness]);
      expect((await removeOnce(harness, token!)).status).toBe(200);
      for (let i = 0; i < 3; i += 1) expectRateLimited(await removeOnce(harness, token!));
      expect(await metricValue(harness, 'gateway_rate_limited_total', { budget: 'removals' })).toBe(3);
      expect(await metricValue(harness, 'gateway_rate_limited_total', { budget: 'operations' })).toBe(0);
    } finally {
      await harness.close();
    }
  });

  // README: RATE_LIMITING=false turns the per-caller rate limit off (benchmarks, emergencies; logged).
  it('lets every request through with RATE_LIMITING=false, and says so in the log', async () => {
    const harness = await GatewayHarness.start({
      env: {
        RATE_LIMITING: 'false',
        RATE_LIMIT_OPERATIONS_PER_MINUTE: '2',
        RATE_LIMIT_REMOVALS_PER_MINUTE: '1',
      },
    });
    try {
      const [token] = await freshAdmin([harness]);
      for (let i = 0; i < 5; i += 1) expect((await removeOnce(harness, token!)).status).toBe(200);
      expect(upstreamCalls(harness)).toBe(5);
      expect(harness.logEntries()).toContainEqual(
        expect.objectContaining({ msg: 'protections turned off by configuration', off: ['RATE_LIMITING'] }),
      );
      expect(await metricValue(harness, 'gateway_rate_limited_total', { budget: 'removals' })).toBe(0);
    } finally {
      await harness.close();
    }
  });
});
