import { afterEach, describe, expect, it } from 'vitest';
import { OutboundSharedUserProfilesWithTenantsDocument as WithTenants } from '../generated/graphql.js';
import { errorCodes, suiteHarness } from '../support/gateway-harness.js';

/** README, "Upstream": a per-request bulkhead of **8** concurrent upstream calls. The documented number, not the source's constant. */
const DOCUMENTED_BULKHEAD = 8;
const TENANTS = /^\/directory\/outboundSharedUserProfiles\/[0-9a-f-]{36}\/tenants\?\$top=5$/;

describe('tenants on many profiles (the N+1 bound)', () => {
  const suite = suiteHarness('reader');
  afterEach(() => suite.harness.graph.setLatency(0));

  it('makes one call for the page and one per profile, run in parallel up to the bound', async () => {
    suite.harness.graph.setLatency(40);
    const response = await suite.harness.execute(WithTenants, { first: 30, tenantsFirst: 5 }, suite.token);

    expect(response.body.errors).toBeUndefined();
    const edges = response.body.data!.outboundSharedUserProfiles!.edges;
    expect(edges).toHaveLength(30);
    for (const { node } of edges) {
      const expected = suite.harness.graph.data.outbound.find(
        (profile) => profile.userId === node.userId,
      )!.tenantIds;
      expect(node.tenants!.edges.map((edge) => edge.node.tenantId)).toEqual(expected);
    }

    const paths = suite.harness.graph.requests.map((call) => call.path);
    expect(paths).toHaveLength(1 + 30);
    expect(paths[0]).toBe('/directory/outboundSharedUserProfiles?$top=30');
    expect(paths.slice(1).every((path) => TENANTS.test(path))).toBe(true);
    expect(new Set(paths).size).toBe(paths.length);
    // Neither one call after another nor an unbounded burst.
    // Exactly the bulkhead: 30 lookups of 40 ms each fill it.
    expect(suite.harness.graph.peakConcurrency).toBe(DOCUMENTED_BULKHEAD);
  });

  it('asks Graph once for the same tenants page requested twice in one query', async () => {
    const response = await suite.harness.post(
      {
        query: `query ($userId: ID!) {
          a: outboundSharedUserProfile(userId: $userId) { tenants(first: 2) { edges { node { tenantId } } } }
          b: outboundSharedUserProfile(userId: $userId) { tenants(first: 2) { edges { node { tenantId } } } }
        }`,
        variables: { userId: suite.harness.graph.data.outbound[0]!.userId },
      },
      suite.token,
    );
    expect(response.body.errors).toBeUndefined();
    expect(suite.harness.graph.requests.map((call) => call.path)).toEqual([
      `/directory/outboundSharedUserProfiles/${suite.harness.graph.data.outbound[0]!.userId}`,
      `/directory/outboundSharedUserProfiles/${suite.harness.graph.data.outbound[0]!.userId}/tenants?$top=2`,
    ]);
  });

  it('keeps the other profiles’ tenants when one profile’s lookup fails', async () => {
    const failing = suite.harness.graph.data.outbound[2]!.userId;
    suite.harness.graph.faults.add({ pathPattern: new RegExp(`${failing}/tenants$`), status: 500 });
    try {
      const response = await suite.harness.execute(WithTenants, { first: 4, tenantsFirst: 5 }, suite.token);
      expect(errorCodes(response)).toEqual(['UPSTREAM_ERROR']);
      expect(response.body.errors![0]!.path).toEqual([
        'outboundSharedUserProfiles',
        'edges',
        2,
        'node',
        'tenants',
      ]);
      const nodes = response.body.data!.outboundSharedUserProfiles!.edges.map((edge) => edge.node);
      expect(nodes.map((node) => node.tenants === null)).toEqual([false, false, true, false]);
    } finally {
      suite.harness.graph.faults.clear();
    }
  });
});
