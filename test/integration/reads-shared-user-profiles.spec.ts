import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import {
  InboundSharedUserProfileDocument as OneInbound,
  InboundSharedUserProfilesDocument as InboundPage,
  OutboundSharedUserProfileDocument as OneOutbound,
  OutboundSharedUserProfilesDocument as OutboundPage,
} from '../generated/graphql.js';
import { GatewayHarness } from '../support/gateway-harness.js';

const UNKNOWN = '00000000-0000-4000-8000-00000000abcd';

describe('reading outbound and inbound shared profiles', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  it('lists outbound profiles for a Global Reader, on the reader’s own Graph token', async () => {
    const response = await harness.execute(OutboundPage, { first: 5 }, await harness.token('reader'));
    expect(response.body.errors).toBeUndefined();
    const connection = response.body.data!.outboundSharedUserProfiles!;
    expect(connection.edges.map((edge) => edge.node.userId)).toEqual(
      harness.graph.data.outbound.slice(0, 5).map((profile) => profile.userId),
    );
    expect(connection.pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: connection.edges[0]!.cursor,
      endCursor: connection.edges[4]!.cursor,
    });
    expect(harness.graph.requests).toHaveLength(1);
    expect(harness.graph.requests[0]).toMatchObject({
      method: 'GET',
      path: '/directory/outboundSharedUserProfiles?$top=5',
      oid: PERSONAS.reader.objectId,
      idtyp: 'user',
    });
  });

  it('reads one outbound profile and its tenants in two calls', async () => {
    const userId = PERSONAS.user.objectId;
    const response = await harness.execute(OneOutbound, { userId }, await harness.token('admin'));
    expect(response.body.errors).toBeUndefined();
    const profile = response.body.data!.outboundSharedUserProfile!;
    expect(profile.userId).toBe(userId);
    expect(profile.tenants!.edges.map((edge) => edge.node.tenantId)).toEqual(
      harness.graph.data.outbound.find((candidate) => candidate.userId === userId)!.tenantIds,
    );
    expect(profile.tenants!.pageInfo).toEqual({
      hasNextPage: false,
      endCursor: profile.tenants!.edges[2]!.cursor,
    });
    expect(harness.graph.requests.map((call) => call.path)).toEqual([
      `/directory/outboundSharedUserProfiles/${userId}`,
      `/directory/outboundSharedUserProfiles/${userId}/tenants?$top=20`,
    ]);
  });

  it('answers null without an error for an outbound profile Graph does not know', async () => {
    const response = await harness.execute(OneOutbound, { userId: UNKNOWN }, await harness.token('admin'));
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({ outboundSharedUserProfile: null });
    expect(harness.graph.requests).toHaveLength(1);
  });

  it('lists inbound profiles with their details for an application with Read.All', async () => {
    const app = await harness.token('app', { roles: ['CrossTenantUserProfileSharing.Read.All'] });
    const first = await harness.execute(InboundPage, { first: 20 }, app);
    expect(first.body.errors).toBeUndefined();
    const rest = await harness.execute(
      InboundPage,
      { first: 20, after: first.body.data!.inboundSharedUserProfiles!.pageInfo.endCursor! },
      app,
    );
    const nodes = [first, rest].flatMap((response) =>
      response.body.data!.inboundSharedUserProfiles!.edges.map((edge) => edge.node),
    );
    expect(nodes).toEqual(harness.graph.data.inbound);
    expect(rest.body.data!.inboundSharedUserProfiles!.pageInfo.hasNextPage).toBe(false);
    expect(harness.graph.requests.every((call) => call.idtyp === 'app')).toBe(true);
  });

  it('reads one inbound profile, and null for one Graph does not know', async () => {
    const known = harness.graph.data.inbound[7]!;
    const admin = await harness.token('admin');
    const response = await harness.execute(OneInbound, { userId: known.userId }, admin);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.inboundSharedUserProfile).toEqual(known);

    const unknown = await harness.execute(OneInbound, { userId: UNKNOWN }, admin);
    expect(unknown.body).toEqual({ data: { inboundSharedUserProfile: null } });
    expect(harness.graph.requests.map((call) => call.path)).toEqual([
      `/directory/inboundSharedUserProfiles/${known.userId}`,
      `/directory/inboundSharedUserProfiles/${UNKNOWN}`,
    ]);
  });

  it('keeps the failure of one root field from nulling its siblings', async () => {
    harness.graph.faults.add({
      pathPattern: /^\/directory\/inboundSharedUserProfiles$/,
      status: 500,
      times: 1,
    });
    const response = await harness.post(
      {
        query: `{ inboundSharedUserProfiles(first: 1) { edges { node { userId } } }
                  outboundSharedUserProfiles(first: 1) { edges { node { userId } } } }`,
      },
      await harness.token('reader'),
    );
    expect(response.body.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([
      ['UPSTREAM_ERROR', ['inboundSharedUserProfiles']],
    ]);
    expect(response.body.data).toEqual({
      inboundSharedUserProfiles: null,
      outboundSharedUserProfiles: { edges: [{ node: { userId: harness.graph.data.outbound[0]!.userId } }] },
    });
  });
});
