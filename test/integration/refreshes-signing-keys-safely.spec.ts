import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { personaClaims } from '@shared-profile-gateway/emulators';
import { ViewerDocument } from '../generated/graphql.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/** Each request verifies its token: the cache would answer without consulting the key set. */
const NO_TOKEN_CACHE = { AUTH_TOKEN_CACHE_SIZE: '0' };

async function viewerStatus(harness: GatewayHarness, token: string): Promise<number> {
  return (await harness.execute(ViewerDocument, {}, token)).status;
}

/** A token signed with the provider's current key but naming a `kid` it never published. */
function unknownKidToken(harness: GatewayHarness): Promise<string> {
  return harness.identityProvider.issueToken(personaClaims('user'), { kid: randomUUID() });
}

describe('JWKS failures keep the last good key set', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({
      env: { ...NO_TOKEN_CACHE, AUTH_JWKS_REFRESH_MS: '400', AUTH_JWKS_COOLDOWN_MS: '50' },
    });
  });
  afterAll(() => harness.close());
  afterEach(() => harness.identityProvider.faults.clear());

  it('keeps verifying through failed background refreshes and failed forced refetches', async () => {
    const { stats, faults } = harness.identityProvider;
    faults.add({ route: 'jwks', status: 500, times: Infinity });
    const before = stats.jwksRequests;
    await until(() => stats.jwksRequests >= before + 2);
    expect(await viewerStatus(harness, await harness.token('user'))).toBe(200);

    // Just after a failed background refresh: past the cooldown, well before the next refresh.
    await sleep(100);
    const attempts = stats.jwksRequests;
    expect(await viewerStatus(harness, await unknownKidToken(harness))).toBe(401);
    expect(stats.jwksRequests).toBeGreaterThan(attempts);
    expect(await viewerStatus(harness, await harness.token('user', { jti: randomUUID() }))).toBe(200);
    expect(harness.logs()).toContain('JWKS fetch failed; keeping the last keys');
  });
  it('gives up on a JWKS host that never answers after its 5 s timeout, and keeps the keys', async () => {
    // The upstream agent leaves timing out to each request's own deadline (upstream-agent.ts).
    const { faults } = harness.identityProvider;
    faults.add({ route: 'jwks', hang: true, times: Infinity });
    await sleep(100); // past the cooldown
    const started = Date.now();
    expect(await viewerStatus(harness, await unknownKidToken(harness))).toBe(401);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(4_900);
    expect(elapsed).toBeLessThan(6_500);
    expect(await viewerStatus(harness, await harness.token('user', { jti: randomUUID() }))).toBe(200);
  });
});

describe('refetching the JWKS for an unknown kid', () => {
  const COOLDOWN_MS = 2_000;
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({
      env: { ...NO_TOKEN_CACHE, AUTH_JWKS_COOLDOWN_MS: String(COOLDOWN_MS) },
    });
  });
  afterAll(() => harness.close());

  it('happens at most once per cooldown under a flood of unknown kids', async () => {
    const flood = await Promise.all(Array.from({ length: 100 }, () => unknownKidToken(harness)));
    await sleep(COOLDOWN_MS + 100); // since the readiness probe's fetch
    const before = harness.identityProvider.stats.jwksRequests;

    const statuses = await Promise.all(flood.map((token) => viewerStatus(harness, token)));
    expect(new Set(statuses)).toEqual(new Set([401]));
    for (const token of flood.slice(0, 50)) expect(await viewerStatus(harness, token)).toBe(401);

    expect(harness.identityProvider.stats.jwksRequests - before).toBe(1);
    expect(harness.graph.requests).toHaveLength(0);
  });
});

describe('signing-key rotation', () => {
  // Longer than generating an RSA key takes on a slow machine, so the second rotation lands within it.
  const COOLDOWN_MS = 1_500;
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({
      env: { ...NO_TOKEN_CACHE, AUTH_JWKS_COOLDOWN_MS: String(COOLDOWN_MS) },
    });
  });
  afterAll(() => harness.close());

  it('accepts tokens under a new key after one refetch, once the cooldown allows it', async () => {
    const { stats } = harness.identityProvider;
    await sleep(COOLDOWN_MS + 50);
    await harness.identityProvider.rotateKeys();
    const before = stats.jwksRequests;
    expect(await viewerStatus(harness, await harness.token('user'))).toBe(200);
    expect(stats.jwksRequests - before).toBe(1);

    // Rotated again right away: still cooling down, so no fetch, and the token waits its turn.
    await harness.identityProvider.rotateKeys();
    const rotatedAgain = await harness.token('user');
    expect(await viewerStatus(harness, rotatedAgain)).toBe(401);
    expect(stats.jwksRequests - before).toBe(1);
    await sleep(COOLDOWN_MS + 50);
    expect(await viewerStatus(harness, rotatedAgain)).toBe(200);
    expect(stats.jwksRequests - before).toBe(2);
  });
});
