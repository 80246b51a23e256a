import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayHarness } from '../support/gateway-harness.js';

describe('Graph tokens are never shared between callers', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());

  it('calls Graph on behalf of each user and as the app for applications, with cached tokens', async () => {
    const callers = [
      { persona: 'user' as const, oid: PERSONAS.user.objectId, idtyp: 'user' },
      { persona: 'admin' as const, oid: PERSONAS.admin.objectId, idtyp: 'user' },
      { persona: 'app' as const, idtyp: 'app' },
    ];
    const tokens = await Promise.all(callers.map(({ persona }) => harness.token(persona)));
    const before = { ...harness.identityProvider.stats.tokenRequests };

    // Interleaved and repeated, so that a cache keyed wrongly would hand out a neighbour's token.
    for (let round = 0; round < 3; round++) {
      harness.graph.resetRecording();
      const responses = await Promise.all(
        callers.map((_caller, index) =>
          harness.execute(Remove, { userId: PERSONAS.user.objectId }, tokens[index]),
        ),
      );
      for (const response of responses) expect(response.body.errors).toBeUndefined();
      const seen = harness.graph.requests.map((call) => ({ oid: call.oid, idtyp: call.idtyp }));
      expect(seen).toHaveLength(3);
      expect(seen).toEqual(
        expect.arrayContaining([
          { oid: PERSONAS.user.objectId, idtyp: 'user' },
          { oid: PERSONAS.admin.objectId, idtyp: 'user' },
          expect.objectContaining({ idtyp: 'app' }),
        ]),
      );
    }

    const after = harness.identityProvider.stats.tokenRequests;
    // One on-behalf-of exchange per user; the app token was fetched already by the readiness probe.
    expect(after.on_behalf_of - before.on_behalf_of).toBe(2);
    expect(after.client_credentials - before.client_credentials).toBe(0);
  });

  it('exchanges a new token for the same user when the user presents a different token', async () => {
    const before = harness.identityProvider.stats.tokenRequests.on_behalf_of;
    const fresh = await harness.token('user', { uti: 'another-session' });
    const response = await harness.execute(Remove, { userId: PERSONAS.user.objectId }, fresh);
    expect(response.body.errors).toBeUndefined();
    expect(harness.identityProvider.stats.tokenRequests.on_behalf_of - before).toBe(1);
  });

  it('exchanges again five minutes before the Graph token expires, not at its expiry', async () => {
    // The on-behalf-of token lives no longer than the user's: 303 s, so it is kept 1 to 3 s (whole
    // seconds on the way: the user's `exp`, the authority's `expires_in`).
    const shortLived = await harness.token('user', {
      uti: 'short-session',
      exp: Math.floor(Date.now() / 1000) + 303,
    });
    const exchanges = () => harness.identityProvider.stats.tokenRequests.on_behalf_of;
    const before = exchanges();
    const remove = async () => {
      const response = await harness.execute(Remove, { userId: PERSONAS.user.objectId }, shortLived);
      expect(response.body.errors).toBeUndefined();
    };
    await remove();
    await remove();
    expect(exchanges() - before).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    await remove();
    expect(exchanges() - before).toBe(2);
  });
});
