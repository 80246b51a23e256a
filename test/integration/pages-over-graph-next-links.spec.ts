import { afterEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import {
  InboundSharedUserProfilesDocument as InboundPage,
  OutboundSharedUserProfileDocument as OneProfile,
  OutboundSharedUserProfilesDocument as OutboundPage,
} from '../generated/graphql.js';
import { errorCodes, suiteHarness } from '../support/gateway-harness.js';

const OUTBOUND = '/directory/outboundSharedUserProfiles';

describe('paging over Graph’s @odata.nextLink', () => {
  const suite = suiteHarness('reader');
  afterEach(() => suite.harness.graph.setMaxPageSize(undefined));

  const allIds = () => suite.harness.graph.data.outbound.map((profile) => profile.userId);
  const paths = () => suite.harness.graph.requests.map((call) => call.path);

  async function page(variables: { first?: number; after?: string }) {
    const response = await suite.harness.execute(OutboundPage, variables, suite.token);
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.outboundSharedUserProfiles!;
  }

  it('fills `first: 25` across three Graph pages of ten, then resumes mid-page to the end', async () => {
    suite.harness.graph.setMaxPageSize(10);
    const first = await page({ first: 25 });

    expect(first.edges.map((edge) => edge.node.userId)).toEqual(allIds().slice(0, 25));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(paths()).toHaveLength(3);
    expect(paths()[0]).toBe(`${OUTBOUND}?$top=25`);
    // Later pages are Graph's own links, followed as given.
    for (const path of paths().slice(1))
      expect(path).toMatch(/^\/directory\/outboundSharedUserProfiles\?\$top=25&\$skiptoken=/);

    suite.harness.graph.resetRecording();
    const rest = await page({ first: 25, after: first.pageInfo.endCursor! });
    expect(rest.edges.map((edge) => edge.node.userId)).toEqual(allIds().slice(25));
    expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    // The cursor sat in the middle of the third page: that page is read again, then the last one.
    expect(paths()).toHaveLength(2);
  });

  it('resumes at a page boundary with exactly one call to Graph’s next link', async () => {
    const first = await page({ first: 10 });
    expect(paths()).toEqual([`${OUTBOUND}?$top=10`]);

    suite.harness.graph.resetRecording();
    const second = await page({ first: 10, after: first.pageInfo.endCursor! });
    expect(second.edges.map((edge) => edge.node.userId)).toEqual(allIds().slice(10, 20));
    expect(paths()).toHaveLength(1);
    expect(paths()[0]).toMatch(/\$skiptoken=/);
  });

  it('resumes right after any edge’s cursor', async () => {
    const first = await page({ first: 8 });
    const next = await page({ first: 3, after: first.edges[4]!.cursor });
    expect(next.edges.map((edge) => edge.node.userId)).toEqual(allIds().slice(5, 8));
  });

  it('returns 20 items when `first` is omitted and everything with `first: 100`', async () => {
    expect((await page({})).edges).toHaveLength(20);
    const all = await page({ first: 100 });
    expect(all.edges.map((edge) => edge.node.userId)).toEqual(allIds());
    expect(all.pageInfo.hasNextPage).toBe(false);
  });

  it('stops after ten Graph pages and hands out a cursor to continue', async () => {
    suite.harness.graph.setMaxPageSize(3);
    const first = await page({ first: 100 });
    expect(paths()).toHaveLength(10);
    expect(first.edges).toHaveLength(30);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await page({ first: 100, after: first.pageInfo.endCursor! });
    expect([...first.edges, ...rest.edges].map((edge) => edge.node.userId)).toEqual(allIds());
  });

  it.each([0, -1, 101, 1_000_000])(
    'refuses first: %s with BAD_USER_INPUT before any upstream call',
    async (first) => {
      const response = await suite.harness.execute(OutboundPage, { first }, suite.token);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors![0]!.extensions!.argumentName).toBe('first');
      expect(response.body.data).toEqual({ outboundSharedUserProfiles: null });
      expect(suite.harness.graph.requests).toHaveLength(0);
    },
  );

  it('pages one profile’s tenants over Graph pages, with cursors bound to that profile', async () => {
    suite.harness.graph.setMaxPageSize(1);
    const userId = PERSONAS.user.objectId;
    const tenantIds = suite.harness.graph.data.outbound.find(
      (profile) => profile.userId === userId,
    )!.tenantIds;
    const admin = await suite.harness.token('admin');
    const response = await suite.harness.execute(OneProfile, { userId, first: 2 }, admin);
    const tenants = response.body.data!.outboundSharedUserProfile!.tenants!;
    expect(tenants.edges.map((edge) => edge.node.tenantId)).toEqual(tenantIds.slice(0, 2));
    expect(paths()).toEqual([
      `${OUTBOUND}/${userId}`,
      `${OUTBOUND}/${userId}/tenants?$top=2`,
      expect.stringMatching(new RegExp(`^${OUTBOUND}/${userId}/tenants\\?\\$top=2&\\$skiptoken=`)),
    ]);

    const rest = await suite.harness.execute(
      OneProfile,
      { userId, first: 2, after: tenants.pageInfo.endCursor! },
      admin,
    );
    expect(
      rest.body.data!.outboundSharedUserProfile!.tenants!.edges.map((edge) => edge.node.tenantId),
    ).toEqual(tenantIds.slice(2));

    suite.harness.graph.resetRecording();
    const other = PERSONAS.admin.objectId;
    const foreign = await suite.harness.execute(
      OneProfile,
      { userId: other, after: tenants.pageInfo.endCursor! },
      admin,
    );
    expect(errorCodes(foreign)).toEqual(['BAD_USER_INPUT']);
    expect(foreign.body.data!.outboundSharedUserProfile).toEqual({ userId: other, tenants: null });
    expect(paths()).toEqual([`${OUTBOUND}/${other}`]);
  });

  it('refuses a cursor of another connection', async () => {
    const outbound = await page({ first: 2 });
    suite.harness.graph.resetRecording();
    const response = await suite.harness.execute(
      InboundPage,
      { after: outbound.pageInfo.endCursor! },
      suite.token,
    );
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0]!.extensions!.argumentName).toBe('after');
    expect(suite.harness.graph.requests).toHaveLength(0);
  });
});
