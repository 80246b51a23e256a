import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GRAPH_CALLS_PER_FIELD } from '../../src/server/paging-cost.js';
import { schema } from '../../src/schema/index.js';
import {
  OutboundSharedUserProfilesWithTenantsDocument as WithTenants,
  RemoveOutboundSharedUserProfilesPersonalDataDocument as BulkRemove,
} from '../generated/graphql.js';
import { GatewayHarness, type GraphQLHttpResponse, errorCodes } from '../support/gateway-harness.js';
import { LOOSE_LIMITS } from '../support/loose-limits.js';

/** The probe of issue 17: 15 aliased pages of 100 profiles, each profile with `tenants(first: N)`. */
const PROBE = `{ ${Array.from(
  { length: 15 },
  (_, i) =>
    `p${i + 1}: outboundSharedUserProfiles(first: 100) { edges { node { userId tenants(first: ${i + 1}) { edges { node { tenantId } } } } } }`,
).join(' ')} }`;

/** The same with every page size a variable. */
const PROBE_WITH_VARIABLES = `query Probe($first: Int, $tenants: Int) { ${Array.from(
  { length: 15 },
  (_, i) =>
    `p${i + 1}: outboundSharedUserProfiles(first: $first) { edges { node { userId tenants(first: $tenants) { edges { node { tenantId } } } } } }`,
).join(' ')} }`;

/** The same through fragments: a fragment spread counts what its fragment costs. */
const PROBE_WITH_FRAGMENTS = `query Probe($first: Int) { ${Array.from(
  { length: 15 },
  (_, i) => `p${i + 1}: outboundSharedUserProfiles(first: $first) { ...Page }`,
).join(' ')} }
fragment Page on OutboundSharedUserProfileConnection { edges { node { userId tenants(first: 3) { edges { node { tenantId } } } } } }`;

const distinctIds = (count: number) =>
  Array.from({ length: count }, (_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);

function expectOverBudget(
  harness: GatewayHarness,
  response: GraphQLHttpResponse<unknown>,
  calls: number,
  limit: number,
): void {
  expect(response.status).toBeLessThan(500);
  expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  expect(response.body.errors![0]!.message).toBe(
    `This request would need up to ${calls} Graph calls; the limit is ${limit} (MAX_GRAPH_CALLS).`,
  );
  expect(response.body.data ?? null).toBeNull();
  expect(harness.graph.requests).toHaveLength(0);
}

describe('the budget of Graph calls per request, with the default (101)', () => {
  let harness: GatewayHarness;
  let admin: string;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: LOOSE_LIMITS });
    admin = await harness.token('admin');
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  it('refuses the probe’s 15 aliased pages of profiles with their tenants, before any call', async () => {
    const exchanges = harness.identityProvider.stats.tokenRequests.on_behalf_of;
    expectOverBudget(harness, await harness.post({ query: PROBE }, admin), 15 * 101, 101);
    expect(harness.identityProvider.stats.tokenRequests.on_behalf_of).toBe(exchanges);
  });

  it('refuses it when the page sizes come as variables', async () => {
    const variables = { first: 100, tenants: 15 };
    expectOverBudget(
      harness,
      await harness.post({ query: PROBE_WITH_VARIABLES, variables }, admin),
      1515,
      101,
    );
  });

  it('counts 20 items for a page whose size is omitted or null', async () => {
    const response = await harness.post({ query: PROBE_WITH_VARIABLES, variables: { tenants: null } }, admin);
    expectOverBudget(harness, response, 15 * 21, 101);
  });

  it('counts what fragments select', async () => {
    const response = await harness.post({ query: PROBE_WITH_FRAGMENTS, variables: { first: 10 } }, admin);
    expectOverBudget(harness, response, 15 * 11, 101);
  });

  it('lets the largest legitimate query through: a page of 100 profiles with the tenants of each', async () => {
    const response = await harness.execute(WithTenants, { first: 100, tenantsFirst: 100 }, admin);
    expect(errorCodes(response)).toEqual([]);
    const profiles = response.body.data!.outboundSharedUserProfiles!.edges.length;
    expect(profiles).toBeGreaterThan(1);
    // What it really cost: the page, then the tenants of each profile on it.
    expect(harness.graph.requests).toHaveLength(1 + profiles);
  });

  it('lets a bulk removal of 1,000 ids through: 50 `$batch` calls of 20', async () => {
    const response = await harness.execute(BulkRemove, { userIds: distinctIds(1000) }, admin);
    expect(errorCodes(response)).toEqual([]);
    expect(harness.graph.requests.filter((call) => !call.viaBatch)).toHaveLength(50);
  });
});

describe('a configured budget (MAX_GRAPH_CALLS=50)', () => {
  let harness: GatewayHarness;
  let admin: string;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { ...LOOSE_LIMITS, MAX_GRAPH_CALLS: '50' } });
    admin = await harness.token('admin');
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.graph.resetRecording());

  it('refuses a smaller query over it and lets one within it through', async () => {
    expectOverBudget(
      harness,
      await harness.execute(WithTenants, { first: 50, tenantsFirst: 5 }, admin),
      51,
      50,
    );
    const within = await harness.execute(WithTenants, { first: 49, tenantsFirst: 5 }, admin);
    expect(errorCodes(within)).toEqual([]);
    expect(harness.graph.requests.length).toBeGreaterThan(0);
  });

  it('counts a bulk removal’s `$batch` calls: 1,000 ids are 50, 1,001 are 51', async () => {
    const over = await harness.execute(BulkRemove, { userIds: distinctIds(1001) }, admin);
    expectOverBudget(harness, over, 51, 50);
    const within = await harness.execute(BulkRemove, { userIds: distinctIds(1000) }, admin);
    expect(errorCodes(within)).toEqual([]);
  });
});

describe('the Graph-call model', () => {
  it('knows every field that reaches Graph: each root field, and `tenants`', () => {
    // The viewer and the ledger's queries read the gateway's own state, not Graph.
    const costless = new Set(['viewer', 'node', 'personalDataRequest', 'personalDataRequests']);
    const rootFields = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) =>
      Object.keys(type.getFields()),
    );
    for (const field of rootFields) {
      expect(costless.has(field) || field in GRAPH_CALLS_PER_FIELD, field).toBe(true);
    }
    expect(GRAPH_CALLS_PER_FIELD.tenants).toBe('one');
  });
});
