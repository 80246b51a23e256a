import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAL_ACCOUNTS_TENANT } from '../../src/auth/caller.js';
import {
  DIRECTORY_ROLES,
  type PersonaName,
  PERSONAS,
  PROFILE_SHARING_PERMISSIONS as P,
} from '@shared-profile-gateway/emulators';
import {
  RemoveInboundSharedUserProfilesPersonalDataDocument as RemoveInbound,
  RemoveOutboundSharedUserProfilesPersonalDataDocument as RemoveOutbound,
} from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';
import { LOOSE_LIMITS } from '../support/loose-limits.js';

describe('per-id authorization of the bulk removals', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: LOOSE_LIMITS });
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  const own = PERSONAS.user.objectId;
  const other = PERSONAS.admin.objectId;
  const items = () => harness.graph.requests.filter((call) => call.viaBatch);

  it('decides each id on its own: allowed ids go upstream, the others are refused in place', async () => {
    const userIds = [other, own, 'not-a-guid', '../../me/removePersonalData'];

    const response = await harness.execute(RemoveOutbound, { userIds }, await harness.token('user'));

    expect(response.body.errors).toBeUndefined();
    const payload = response.body.data!.removeOutboundSharedUserProfilesPersonalData;
    expect(payload.results.map((result) => [result.userId, result.ok, result.error?.code ?? null])).toEqual([
      [other, false, 'FORBIDDEN'],
      [own, true, null],
      ['not-a-guid', false, 'BAD_USER_INPUT'],
      ['../../me/removePersonalData', false, 'BAD_USER_INPUT'],
    ]);
    expect(payload.results[2]!.error!.message).toBe(
      'userIds[2] must be a GUID (a Microsoft Graph object id).',
    );
    expect(payload.results[0]!.upstreamRequestId).toBeNull();
    expect(payload).toMatchObject({ accepted: 1, failed: 3 });
    expect(items().map((call) => call.path)).toEqual([
      `/directory/outboundSharedUserProfiles/${own}/removePersonalData`,
    ]);
  });

  // [caller, persona, extra claims, may remove [own, other] outbound data]
  const outboundTable: Array<[string, PersonaName, Record<string, unknown>, [boolean, boolean]]> = [
    ['a user with ReadWrite', 'user', {}, [true, false]],
    ['a user with Read.All', 'user', { scp: P.readAll }, [false, false]],
    ['a Global Reader', 'reader', {}, [false, false]],
    ['ReadWrite.All without a directory role', 'user', { scp: P.readWriteAll }, [true, false]],
    ['a Global Administrator', 'admin', {}, [true, true]],
    ['an application with ReadWrite.All', 'app', {}, [true, true]],
    ['an application with only Read.All', 'app', { roles: [P.readAll] }, [false, false]],
    [
      'a personal Microsoft account with admin rights',
      'user',
      { scp: P.readWriteAll, wids: [DIRECTORY_ROLES.globalAdministrator], tid: PERSONAL_ACCOUNTS_TENANT },
      [false, false],
    ],
  ];
  it.each(outboundTable)(
    'lets %s remove outbound data exactly as the single mutation would',
    async (_name, persona, claims, expected) => {
      const tokenRequests = { ...harness.identityProvider.stats.tokenRequests };
      const response = await harness.execute(
        RemoveOutbound,
        { userIds: [own, other] },
        await harness.token(persona, claims),
      );

      const { results } = response.body.data!.removeOutboundSharedUserProfilesPersonalData;
      expect(results.map((result) => result.ok)).toEqual(expected);
      for (const result of results.filter((r) => !r.ok)) expect(result.error!.code).toBe('FORBIDDEN');
      expect(items()).toHaveLength(expected.filter(Boolean).length);
      if (!expected.some(Boolean)) {
        // Nothing allowed: not even a Graph token is asked for.
        expect(harness.graph.requests).toHaveLength(0);
        expect(harness.identityProvider.stats.tokenRequests).toEqual(tokenRequests);
      }
    },
  );

  it('says why a personal Microsoft account is refused', async () => {
    const token = await harness.token('admin', { tid: PERSONAL_ACCOUNTS_TENANT });
    const response = await harness.execute(RemoveOutbound, { userIds: [other] }, token);
    const [result] = response.body.data!.removeOutboundSharedUserProfilesPersonalData.results;
    expect(result!.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/personal/i) });
  });

  it('lets only administrators and applications remove inbound data, even for themselves', async () => {
    const inbound = harness.graph.data.inbound[0]!.userId;
    const asUser = await harness.execute(
      RemoveInbound,
      { userIds: [inbound, own] },
      await harness.token('user', { scp: P.readWriteAll }),
    );
    expect(
      asUser.body.data!.removeInboundSharedUserProfilesPersonalData.results.map((r) => r.error?.code),
    ).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(harness.graph.requests).toHaveLength(0);

    const asAdmin = await harness.execute(
      RemoveInbound,
      { userIds: [inbound] },
      await harness.token('admin'),
    );
    expect(asAdmin.body.data!.removeInboundSharedUserProfilesPersonalData.accepted).toBe(1);
  });

  it('answers 401 without a token, before looking at any id', async () => {
    const response = await harness.execute(RemoveOutbound, { userIds: ['not-a-guid'] });
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(harness.graph.requests).toHaveLength(0);
  });
});
