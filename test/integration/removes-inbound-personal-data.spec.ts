import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RemoveInboundSharedUserProfilePersonalDataDocument as RemoveInbound } from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe('removeInboundSharedUserProfilePersonalData', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  it('asks Graph to remove what a guest user shares with this tenant', async () => {
    const userId = harness.graph.data.inbound[3]!.userId;
    const response = await harness.execute(RemoveInbound, { userId }, await harness.token('admin'));

    expect(response.body.errors).toBeUndefined();
    const payload = response.body.data!.removeInboundSharedUserProfilePersonalData;
    expect(payload).toMatchObject({ userId, tenantId: null });
    expect(payload.upstreamRequestId).toMatch(GUID);
    expect(Date.now() - Date.parse(payload.requestedAt)).toBeLessThan(60_000);
    expect(harness.graph.requests).toHaveLength(1);
    expect(harness.graph.requests[0]).toMatchObject({
      method: 'POST',
      path: `/directory/inboundSharedUserProfiles/${userId}/removePersonalData`,
    });
  });

  it('answers NOT_FOUND with both request ids for a user Graph does not know', async () => {
    const unknown = '00000000-0000-4000-8000-000000000002';
    const response = await harness.execute(RemoveInbound, { userId: unknown }, await harness.token('app'));
    expect(response.body.data).toBeNull();
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(response.body.errors![0]!.extensions).toMatchObject({
      upstreamRequestId: expect.stringMatching(GUID),
      clientRequestId: harness.graph.requests[0]!.clientRequestId,
    });
  });

  it('refuses an id that is not a GUID before any upstream call', async () => {
    const response = await harness.execute(
      RemoveInbound,
      { userId: `${harness.graph.data.inbound[0]!.userId}/../x` },
      await harness.token('admin'),
    );
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(harness.graph.requests).toHaveLength(0);
  });
});
