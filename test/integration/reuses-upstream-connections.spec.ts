import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayHarness } from '../support/gateway-harness.js';
import { LOOSE_LIMITS } from '../support/loose-limits.js';

const MUTATIONS = 200;
const CLIENTS = 8;

describe('the keep-alive pool to Graph', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: LOOSE_LIMITS });
  });
  afterAll(() => harness.close());

  it(`serves a steady stream of ${MUTATIONS} mutations from ${CLIENTS} clients with at most ${CLIENTS} sockets`, async () => {
    const token = await harness.token('user');
    harness.graph.setLatency(5);
    harness.graph.resetRecording();
    const tokenRequests = harness.identityProvider.stats.tokenRequests.on_behalf_of;

    let sent = 0;
    const client = async () => {
      while (sent < MUTATIONS) {
        sent += 1;
        const response = await harness.execute(Remove, { userId: PERSONAS.user.objectId }, token);
        expect(response.body.errors).toBeUndefined();
        // A real client's next request arrives over the network, an event-loop turn later at least;
        // yoga.fetch skips that, and undici reuses a socket only one turn after its last answer.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));

    expect(harness.graph.requests).toHaveLength(MUTATIONS);
    // One TLS handshake per concurrent request at most, not one per request.
    expect(harness.graph.connections).toBeGreaterThan(0);
    expect(harness.graph.connections).toBeLessThanOrEqual(CLIENTS);
    // And the user's Graph token was obtained once, not per mutation.
    expect(harness.identityProvider.stats.tokenRequests.on_behalf_of - tokenRequests).toBeLessThanOrEqual(1);
  });
});
