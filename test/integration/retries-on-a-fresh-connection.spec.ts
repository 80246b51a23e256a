import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayHarness } from '../support/gateway-harness.js';
import { LOOSE_LIMITS } from '../support/loose-limits.js';

const REMOVAL = /removePersonalData$/;

describe('the connection a retry uses', () => {
  let harness: GatewayHarness;
  let token: string;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: LOOSE_LIMITS });
    token = await harness.token('user');
  });
  afterAll(() => harness.close());
  beforeEach(async () => {
    harness.graph.faults.clear();
    // A warm pool: one kept-alive connection to Graph that the next call will reuse. undici hands
    // a socket out again one event-loop turn after its last answer; a real client's next request
    // arrives over the network, which yoga.fetch skips, so the turn is taken here.
    expect((await remove()).body.errors).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    harness.graph.resetRecording();
  });

  const remove = () => harness.execute(Remove, { userId: PERSONAS.user.objectId }, token);

  it('retries after a 503 on a new connection, as Graph asks, and does not keep it', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 503, times: 1 });

    expect((await remove()).body.errors).toBeUndefined();
    expect(harness.graph.requests).toHaveLength(2);
    expect(harness.graph.connections).toBe(1);

    // The pool is untouched: the next call rides the warm connection again.
    expect((await remove()).body.errors).toBeUndefined();
    expect(harness.graph.connections).toBe(1);
  });

  it('retries a dropped connection on a new connection, and does not keep it', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, drop: true, times: 1 });

    expect((await remove()).body.errors).toBeUndefined();
    expect(harness.graph.requests).toHaveLength(2);
    // The connection that dropped was the warm pooled one; the retry opened exactly one more.
    expect(harness.graph.connections).toBe(1);

    // The pool opens a connection of its own again; the retry's was closed after its one exchange.
    expect((await remove()).body.errors).toBeUndefined();
    expect(harness.graph.connections).toBe(2);
  });

  it('retries after a 429 on the pooled connection', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 429, retryAfter: '0', times: 1 });

    expect((await remove()).body.errors).toBeUndefined();
    expect(harness.graph.requests).toHaveLength(2);
    expect(harness.graph.connections).toBe(0);
  });
});
