import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import {
  RemoveInboundSharedUserProfilesPersonalDataDocument as RemoveInbound,
  RemoveOutboundSharedUserProfilesPersonalDataDocument as RemoveOutbound,
} from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';
import { LOOSE_LIMITS } from '../support/loose-limits.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const unknownId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('bulk removal of personal data', () => {
  let harness: GatewayHarness;
  let admin: string;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: LOOSE_LIMITS });
    admin = await harness.token('admin');
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.graph.faults.clear();
    harness.graph.resetRecording();
  });

  const batchCalls = () => harness.graph.requests.filter((call) => !call.viaBatch);
  const batchItems = () => harness.graph.requests.filter((call) => call.viaBatch);

  it('sends 45 ids as three JSON batches and answers one result per id, in order', async () => {
    const known = harness.graph.data.outbound.map((profile) => profile.userId);
    const userIds = [unknownId(1), ...known, ...[2, 3, 4, 5, 6, 7].map(unknownId)];
    expect(userIds).toHaveLength(45);

    const response = await harness.execute(RemoveOutbound, { userIds }, admin);

    expect(response.body.errors).toBeUndefined();
    const payload = response.body.data!.removeOutboundSharedUserProfilesPersonalData;
    expect(payload.results.map((result) => result.userId)).toEqual(userIds);
    expect(payload).toMatchObject({ accepted: known.length, failed: 7 });
    for (const result of payload.results) {
      expect(result.upstreamRequestId).toMatch(GUID);
      if (known.includes(result.userId)) expect(result).toMatchObject({ ok: true, error: null });
      else expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', retryAfterSeconds: null } });
    }
    expect(batchCalls().map((call) => `${call.method} ${call.path}`)).toEqual(Array(3).fill('POST /$batch'));
    expect(
      batchItems()
        .map((call) => call.path)
        .sort(),
    ).toEqual(userIds.map((id) => `/directory/outboundSharedUserProfiles/${id}/removePersonalData`).sort());
    // Every item carries its own client-request-id, which Graph echoes for support cases.
    expect(new Set(batchItems().map((call) => call.clientRequestId)).size).toBe(45);
  });

  it('keeps one id’s failure from failing the others', async () => {
    const [first, second, third] = harness.graph.data.outbound.map((profile) => profile.userId);
    harness.graph.faults.add({ pathPattern: new RegExp(`${second}/removePersonalData$`), status: 403 });
    harness.graph.faults.add({ pathPattern: new RegExp(`${third}/removePersonalData$`), status: 500 });

    const response = await harness.execute(RemoveOutbound, { userIds: [first!, second!, third!] }, admin);

    const payload = response.body.data!.removeOutboundSharedUserProfilesPersonalData;
    expect(payload).toMatchObject({ accepted: 1, failed: 2 });
    expect(payload.results.map((result) => [result.ok, result.error?.code ?? null])).toEqual([
      [true, null],
      [false, 'FORBIDDEN'],
      [false, 'UPSTREAM_ERROR'],
    ]);
    expect(payload.results[2]!.error!.message).toBe('Microsoft Graph could not complete the request.');
    expect(payload.results[1]!.upstreamRequestId).toMatch(GUID);
  });

  it('uses the tenant-scoped action for every id when tenantId is given', async () => {
    const profiles = harness.graph.data.outbound.slice(0, 3);
    const tenantId = profiles[0]!.tenantIds[0]!;
    const userIds = profiles.map((profile) => profile.userId);

    const response = await harness.execute(RemoveOutbound, { userIds, tenantId }, admin);

    const payload = response.body.data!.removeOutboundSharedUserProfilesPersonalData;
    const sharedWithTenant = profiles.map((profile) => profile.tenantIds.includes(tenantId));
    expect(payload.results.map((result) => result.ok)).toEqual(sharedWithTenant);
    expect(batchItems().map((call) => call.path)).toEqual(
      userIds.map(
        (id) => `/directory/outboundSharedUserProfiles/${id}/tenants/${tenantId}/removePersonalData`,
      ),
    );
  });

  it('removes inbound profiles in bulk through the inbound action', async () => {
    const userIds = [harness.graph.data.inbound[0]!.userId, unknownId(9)];

    const response = await harness.execute(RemoveInbound, { userIds }, await harness.token('app'));

    const payload = response.body.data!.removeInboundSharedUserProfilesPersonalData;
    expect(payload.results.map((result) => [result.userId, result.ok, result.error?.code ?? null])).toEqual([
      [userIds[0], true, null],
      [userIds[1], false, 'NOT_FOUND'],
    ]);
    expect(batchItems().map((call) => call.path)).toEqual(
      userIds.map((id) => `/directory/inboundSharedUserProfiles/${id}/removePersonalData`),
    );
    expect(batchItems().every((call) => call.idtyp === 'app')).toBe(true);
  });

  it('sends a repeated id once and answers it at each of its positions', async () => {
    const userId = PERSONAS.user.objectId;
    const userIds = [userId, userId.toUpperCase(), userId];

    const response = await harness.execute(RemoveOutbound, { userIds }, admin);

    const payload = response.body.data!.removeOutboundSharedUserProfilesPersonalData;
    expect(payload.results.map((result) => [result.userId, result.ok])).toEqual(
      userIds.map((id) => [id, true]),
    );
    expect(batchItems()).toHaveLength(1);
  });

  it('answers an empty list with an empty payload and no upstream call', async () => {
    const response = await harness.execute(RemoveOutbound, { userIds: [] }, admin);
    expect(response.body.data!.removeOutboundSharedUserProfilesPersonalData).toEqual({
      accepted: 0,
      failed: 0,
      results: [],
    });
    expect(harness.graph.requests).toHaveLength(0);
  });

  it('refuses more than 1000 ids as a whole, before any upstream call', async () => {
    const userIds = Array.from({ length: 1001 }, (_, n) => unknownId(n));

    const response = await harness.execute(RemoveOutbound, { userIds }, admin);

    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0]!.message).toMatch(/at most 1000 ids/);
    expect(response.body.data).toBeNull();
    expect(harness.graph.requests).toHaveLength(0);
  });

  it('refuses a malformed tenantId as a whole, before any upstream call', async () => {
    const response = await harness.execute(
      RemoveOutbound,
      { userIds: [PERSONAS.user.objectId], tenantId: '../../me' },
      admin,
    );
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0]!.extensions!.argumentName).toBe('tenantId');
    expect(harness.graph.requests).toHaveLength(0);
  });
});
