import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayHarness } from '../support/gateway-harness.js';
import { expectRateLimited, freshAdmin, removeOnce, upstreamCalls } from '../support/rate-limit-probes.js';
import { RedisServer, redisServerInstalled } from '../support/redis-server.js';

const REMOVALS_PER_MINUTE = 4;

// Skips (saying how to enable it) where redis-server is missing; fails instead when CI is set.
describe.skipIf(!redisServerInstalled())('rate limits shared through Redis (REDIS_URL)', () => {
  let redis: RedisServer;
  let first: GatewayHarness;
  let second: GatewayHarness;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const env = { REDIS_URL: redis.url, RATE_LIMIT_REMOVALS_PER_MINUTE: String(REMOVALS_PER_MINUTE) };
    [first, second] = await Promise.all([GatewayHarness.start({ env }), GatewayHarness.start({ env })]);
    // Redis does not hold readiness back (the limiter falls back to memory): wait until it answered.
    await Promise.all([first.untilSettled(), second.untilSettled()]);
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await redis?.stop();
  });
  beforeEach(() => {
    first.graph.resetRecording();
    second.graph.resetRecording();
  });

  it('refuses brute force on one instance past the shared budget, before any upstream call', async () => {
    const [token] = await freshAdmin([first]);
    for (let i = 0; i < REMOVALS_PER_MINUTE; i += 1)
      expect((await removeOnce(first, token!)).status).toBe(200);
    const spent = upstreamCalls(first);
    for (let i = 0; i < 10; i += 1) expectRateLimited(await removeOnce(first, token!));
    expect(upstreamCalls(first)).toBe(spent);
  });

  // README: "a caller over the limit is also remembered in memory for the rest of the window, so
  // brute force costs no Redis round trip" (rate-limiter-flexible's in-memory block).
  it('refuses a caller already over the limit without asking Redis again', async () => {
    const client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
    try {
      const commands = async () =>
        Number(/total_commands_processed:(\d+)/.exec(await client.info('stats'))![1]);
      const [token] = await freshAdmin([first]);
      for (let i = 0; i < REMOVALS_PER_MINUTE; i += 1)
        expect((await removeOnce(first, token!)).status).toBe(200);
      expectRateLimited(await removeOnce(first, token!));
      const before = await commands();
      for (let i = 0; i < 10; i += 1) expectRateLimited(await removeOnce(first, token!));
      // The INFO command that reads the count is the only one Redis saw.
      expect((await commands()) - before).toBe(1);
    } finally {
      client.disconnect();
    }
  });

  it('gives a caller one budget across two instances, not one each', async () => {
    const [onFirst, onSecond] = await freshAdmin([first, second]);
    for (let i = 0; i < REMOVALS_PER_MINUTE / 2; i += 1) {
      expect((await removeOnce(first, onFirst!)).status).toBe(200);
      expect((await removeOnce(second, onSecond!)).status).toBe(200);
    }
    const spent = upstreamCalls(first, second);
    expectRateLimited(await removeOnce(first, onFirst!));
    expectRateLimited(await removeOnce(second, onSecond!));
    expect(upstreamCalls(first, second)).toBe(spent);
  });

  it('keeps limiting, per instance, while Redis is unreachable', async () => {
    await redis.stop();
    const [token] = await freshAdmin([first]);
    for (let i = 0; i < REMOVALS_PER_MINUTE; i += 1)
      expect((await removeOnce(first, token!)).status).toBe(200);
    expectRateLimited(await removeOnce(first, token!));
    expect(first.logs()).toContain('rate-limit store unreachable');
  });
});
