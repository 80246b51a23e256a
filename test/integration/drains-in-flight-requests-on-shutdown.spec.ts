import { print } from 'graphql';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const REMOVAL = /removePersonalData$/;

/** README: `SHUTDOWN_GRACE_MS`, how long shutting down waits for in-flight requests. */
describe('shutting down with requests in flight (SHUTDOWN_GRACE_MS)', () => {
  let harness: GatewayHarness | undefined;
  afterEach(async () => {
    await harness?.services.close();
    harness = undefined;
  });

  async function startRemoval(graceMs: number, fault: { delayMs?: number; hang?: boolean }) {
    harness = await GatewayHarness.start({
      env: {
        PORT: '0',
        SHUTDOWN_GRACE_MS: String(graceMs),
        GRAPH_TIMEOUT_MS: '30000',
        GRAPH_MAX_ATTEMPTS: '1',
      },
    });
    const started = harness;
    const origin = await started.gateway.listen();
    started.graph.faults.add({ pathPattern: REMOVAL, ...fault, times: 1 });
    const token = await started.token('user');
    const answer = request(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: print(Remove), variables: { userId: PERSONAS.user.objectId } }),
    }).then(
      async (response) => ({ status: response.statusCode, body: await response.body.text() }),
      (error: unknown) => ({ status: 0, body: String(error) }),
    );
    while (started.graph.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    return { started, answer };
  }

  it('lets a request that ends within the grace period finish, then closes', async () => {
    const { started, answer } = await startRemoval(5_000, { delayMs: 300 });
    const closingAt = Date.now();
    await started.gateway.close();
    const closedAfter = Date.now() - closingAt;

    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({
      data: { removeOutboundSharedUserProfilePersonalData: { userId: PERSONAS.user.objectId } },
    });
    // It waited for the request (about 300 ms), not for the whole grace period.
    expect(closedAfter).toBeGreaterThanOrEqual(200);
    expect(closedAfter).toBeLessThan(2_000);
  });

  it('cuts a request still running when the grace period ends', async () => {
    const { started, answer } = await startRemoval(400, { hang: true });
    const closingAt = Date.now();
    await started.gateway.close();
    const closedAfter = Date.now() - closingAt;

    expect((await answer).status).toBe(0);
    expect(closedAfter).toBeGreaterThanOrEqual(350);
    expect(closedAfter).toBeLessThan(2_000);
  });
});
