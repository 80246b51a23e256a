import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe('removeOutboundSharedUserProfilePersonalData', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  it('removes the caller’s own data and reports Graph’s request id', async () => {
    const userId = PERSONAS.user.objectId;
    const response = await harness.execute(Remove, { userId }, await harness.token('user'));

    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const payload = response.body.data!.removeOutboundSharedUserProfilePersonalData;
    expect(payload.userId).toBe(userId);
    expect(payload.tenantId).toBeNull();
    expect(Date.now() - Date.parse(payload.requestedAt)).toBeLessThan(60_000);
    expect(payload.upstreamRequestId).toMatch(GUID);

    const [call] = harness.graph.requests;
    expect(harness.graph.requests).toHaveLength(1);
    expect(call).toMatchObject({
      method: 'POST',
      path: `/directory/outboundSharedUserProfiles/${userId}/removePersonalData`,
    });
    expect(call!.clientRequestId).toMatch(GUID);
  });

  it('uses the tenant-scoped action when tenantId is given', async () => {
    const userId = PERSONAS.user.objectId;
    const tenantId = harness.graph.data.outbound.find((profile) => profile.userId === userId)!.tenantIds[0]!;
    const response = await harness.execute(Remove, { userId, tenantId }, await harness.token('user'));

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.removeOutboundSharedUserProfilePersonalData.tenantId).toBe(tenantId);
    expect(harness.graph.requests.map((call) => call.path)).toEqual([
      `/directory/outboundSharedUserProfiles/${userId}/tenants/${tenantId}/removePersonalData`,
    ]);
  });

  it('lets a Global Administrator remove another user’s data', async () => {
    const response = await harness.execute(
      Remove,
      { userId: PERSONAS.user.objectId },
      await harness.token('admin'),
    );
    expect(response.body.errors).toBeUndefined();
    expect(harness.graph.requests[0]).toMatchObject({ oid: PERSONAS.admin.objectId, idtyp: 'user' });
  });

  it('lets an application with the ReadWrite.All role remove any user’s data with its own token', async () => {
    const response = await harness.execute(
      Remove,
      { userId: PERSONAS.admin.objectId },
      await harness.token('app'),
    );
    expect(response.body.errors).toBeUndefined();
    expect(harness.graph.requests[0]).toMatchObject({ idtyp: 'app' });
  });

  it('answers NOT_FOUND with both request ids when Graph does not know the user', async () => {
    const unknown = '00000000-0000-4000-8000-000000000001';
    const response = await harness.execute(Remove, { userId: unknown }, await harness.token('admin'));

    expect(response.status).toBe(200);
    expect(response.body.data).toBeNull();
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    const extensions = response.body.errors![0]!.extensions!;
    expect(extensions.upstreamRequestId).toMatch(GUID);
    expect(extensions.clientRequestId).toBe(harness.graph.requests[0]!.clientRequestId);
  });
});
