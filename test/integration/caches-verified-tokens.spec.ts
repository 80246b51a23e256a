import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ViewerDocument } from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';
import { metricValue } from '../support/metric-values.js';

const now = () => Math.floor(Date.now() / 1000);
const verifications = (harness: GatewayHarness, outcome: string) =>
  metricValue(harness, 'gateway_token_verifications_total', { outcome });

describe('verified-token cache', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());

  it('verifies a token once and answers its next requests from the cache', async () => {
    const token = await harness.token('user', { jti: randomUUID() });
    const verifiedBefore = await verifications(harness, 'verified');
    const cachedBefore = await verifications(harness, 'cached');

    for (let i = 0; i < 3; i += 1) {
      const response = await harness.execute(ViewerDocument, {}, token);
      expect(response.body.data?.viewer.kind).toBe('USER');
    }
    expect(await verifications(harness, 'verified')).toBe(verifiedBefore + 1);
    expect(await verifications(harness, 'cached')).toBe(cachedBefore + 2);
  });

  it('verifies each distinct token of the same caller', async () => {
    const verifiedBefore = await verifications(harness, 'verified');
    for (let i = 0; i < 2; i += 1) {
      await harness.execute(ViewerDocument, {}, await harness.token('user', { jti: randomUUID() }));
    }
    expect(await verifications(harness, 'verified')).toBe(verifiedBefore + 2);
  });

  it('refuses a cached token once it has expired (beyond the 60 s skew)', async () => {
    // Expired 58 s ago: still within the skew, so accepted and cached for about two seconds.
    const exp = now() - 58;
    const token = await harness.token('user', { iat: exp - 3600, nbf: exp - 3600, exp, jti: randomUUID() });
    expect((await harness.execute(ViewerDocument, {}, token)).status).toBe(200);
    expect((await harness.execute(ViewerDocument, {}, token)).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, (exp + 60) * 1000 - Date.now() + 1_100));
    const late = await harness.execute(ViewerDocument, {}, token);
    expect(late.status).toBe(401);
    expect(errorCodes(late)).toEqual(['UNAUTHENTICATED']);
    expect(late.body.errors![0]!.message).toMatch(/expired/);
  });

  it('never caches a refused token', async () => {
    const forged = `${(await harness.token('user')).slice(0, -4)}AAAA`;
    const refusedBefore = await verifications(harness, 'refused');
    for (let i = 0; i < 3; i += 1)
      expect((await harness.execute(ViewerDocument, {}, forged)).status).toBe(401);
    expect(await verifications(harness, 'refused')).toBe(refusedBefore + 3);
  });
});
