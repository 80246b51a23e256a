import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayHarness } from '../support/gateway-harness.js';

describe('logs', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { GRAPH_TIMEOUT_MS: '800' } });
  });
  afterAll(() => harness.close());

  it('never contain a caller token, a Graph token or the client secret, at debug level', async () => {
    const userToken = await harness.token('user');
    const expired = await harness.token('user', { exp: Math.floor(Date.now() / 1000) - 3600 });
    harness.graph.faults.add({ pathPattern: /removePersonalData$/, status: 429, retryAfter: '0', times: 1 });
    harness.graph.faults.add({ pathPattern: /removePersonalData$/, status: 500, times: 1 });

    await harness.execute(Remove, { userId: PERSONAS.user.objectId }, userToken);
    await harness.execute(Remove, { userId: PERSONAS.user.objectId }, userToken);
    await harness.execute(Remove, { userId: PERSONAS.admin.objectId }, userToken);
    await harness.execute(Remove, { userId: PERSONAS.user.objectId }, expired);
    await harness.execute(Remove, { userId: PERSONAS.user.objectId }, await harness.token('app'));

    const logs = harness.logs();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain('Graph refused a request');
    for (const secret of [
      userToken,
      expired,
      harness.config.azure.clientSecret,
      ...harness.graph.tokensSeen(),
    ]) {
      expect(secret.length).toBeGreaterThan(10);
      expect(logs).not.toContain(secret);
      // A token's signature alone is as good as the token for a replay attempt.
      expect(logs).not.toContain(secret.split('.').at(-1));
    }
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });
});
