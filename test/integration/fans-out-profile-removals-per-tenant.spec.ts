import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import {
  RemoveOutboundSharedUserProfilePersonalDataDocument as Remove,
  RemoveOutboundSharedUserProfilesPersonalDataDocument as RemoveMany,
} from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';
import { LOOSE_LIMITS } from '../support/loose-limits.js';

const PROFILES = '/directory/outboundSharedUserProfiles';
const unknown = '00000000-0000-4000-8000-00000000abcd';

describe('GRAPH_OUTBOUND_REMOVAL=per-tenant', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { ...LOOSE_LIMITS, GRAPH_OUTBOUND_REMOVAL: 'per-tenant' } });
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.graph.faults.clear();
    harness.graph.resetRecording();
  });

  const tenantsOf = (userId: string) =>
    harness.graph.data.outbound.find((profile) => profile.userId === userId)!.tenantIds;
  const calls = () => harness.graph.requests.map((call) => `${call.method} ${call.path}`);

  it('removes a profile by listing its tenants and removing per tenant, in batches', async () => {
    const userId = PERSONAS.user.objectId;
    const response = await harness.execute(Remove, { userId }, await harness.token('user'));

    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.removeOutboundSharedUserProfilePersonalData.upstreamRequestId).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    expect(tenantsOf(userId)).toHaveLength(3);
    expect(calls()).toEqual([
      'POST /$batch',
      `GET ${PROFILES}/${userId}/tenants?$top=100`,
      'POST /$batch',
      ...tenantsOf(userId).map(
        (tenantId) => `POST ${PROFILES}/${userId}/tenants/${tenantId}/removePersonalData`,
      ),
    ]);
    expect(calls()).not.toContain(`POST ${PROFILES}/${userId}/removePersonalData`);
  });

  it('fans a bulk removal out per profile and answers per profile', async () => {
    const userIds = [PERSONAS.user.objectId, unknown, PERSONAS.admin.objectId];
    const response = await harness.execute(RemoveMany, { userIds }, await harness.token('admin'));

    const payload = response.body.data!.removeOutboundSharedUserProfilesPersonalData;
    expect(payload.results.map((result) => [result.ok, result.error?.code ?? null])).toEqual([
      [true, null],
      [false, 'NOT_FOUND'],
      [true, null],
    ]);
    const removals = harness.graph.requests.filter((call) =>
      /tenants\/.+\/removePersonalData$/.test(call.path),
    );
    expect(removals).toHaveLength(tenantsOf(userIds[0]!).length + tenantsOf(userIds[2]!).length);
    // Two batches of listings and removals, whatever the number of profiles and tenants.
    expect(harness.graph.requests.filter((call) => !call.viaBatch)).toHaveLength(2);
  });

  it('fails a profile whose removal failed for one of its tenants, and only that profile', async () => {
    const [first, second] = [PERSONAS.user.objectId, PERSONAS.admin.objectId];
    const failing = tenantsOf(first)[1]!;
    harness.graph.faults.add({
      pathPattern: new RegExp(`${first}/tenants/${failing}/removePersonalData$`),
      status: 403,
    });

    const response = await harness.execute(
      RemoveMany,
      { userIds: [first, second] },
      await harness.token('admin'),
    );

    const { results } = response.body.data!.removeOutboundSharedUserProfilesPersonalData;
    expect(results.map((result) => result.error?.code ?? 'ok')).toEqual(['FORBIDDEN', 'ok']);
  });

  it('answers the single mutation with the failure of the listing', async () => {
    const response = await harness.execute(Remove, { userId: unknown }, await harness.token('admin'));
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
  });

  it('follows further pages of tenants, and only within the collection', async () => {
    const profile = harness.graph.data.outbound[10]!;
    const extra = Array.from(
      { length: 150 },
      (_, n) => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    );
    profile.tenantIds.push(...extra);

    const response = await harness.execute(Remove, { userId: profile.userId }, await harness.token('admin'));

    expect(response.body.errors).toBeUndefined();
    const listings = harness.graph.requests.filter((call) => call.path.includes('/tenants?'));
    expect(listings).toHaveLength(2);
    expect(listings[1]!.viaBatch).toBe(false);
    const removals = harness.graph.requests.filter((call) => call.path.endsWith('/removePersonalData'));
    expect(removals).toHaveLength(profile.tenantIds.length);
  });

  it('still calls the tenant-scoped action directly when tenantId is given', async () => {
    const userId = PERSONAS.user.objectId;
    const tenantId = tenantsOf(userId)[0]!;
    const response = await harness.execute(Remove, { userId, tenantId }, await harness.token('user'));
    expect(response.body.errors).toBeUndefined();
    expect(calls()).toEqual([`POST ${PROFILES}/${userId}/tenants/${tenantId}/removePersonalData`]);
  });
});
