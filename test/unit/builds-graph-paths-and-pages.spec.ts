import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PAGES } from '../../src/graph/adapter/graph-pages.js';
import {
  firstPagePath,
  outboundProfileTenantsPath,
  outboundRemovalPath,
} from '../../src/graph/adapter/graph-paths.js';
import { fragmentsOf } from '../../src/rate-limit/operation-root-fields.js';

const USER = 'a/b';
const TENANT = '33333333-3333-4333-8333-333333333333';

describe('Graph paths and pages, each built in one place', () => {
  it('writes a profile’s tenants, their first page and the tenant-scoped removal from one path', () => {
    const tenants = outboundProfileTenantsPath(USER);
    expect(tenants).toBe('/directory/outboundSharedUserProfiles/a%2Fb/tenants');
    expect(firstPagePath(tenants, 100)).toBe(`${tenants}?$top=100`);
    expect(outboundRemovalPath(USER, TENANT)).toBe(`${tenants}/${TENANT}/removePersonalData`);
    expect(outboundRemovalPath(USER)).toBe('/directory/outboundSharedUserProfiles/a%2Fb/removePersonalData');
  });

  it('keeps only the contract’s properties of a tenants page and refuses one Graph did not document', () => {
    const page = PAGES.tenants.parse({
      value: [{ tenantId: TENANT, '@odata.type': 'x' }],
      '@odata.nextLink': 'https://graph.microsoft.com/next',
      '@odata.context': 'y',
    });
    expect(page).toEqual({
      value: [{ tenantId: TENANT }],
      '@odata.nextLink': 'https://graph.microsoft.com/next',
    });
    expect(PAGES.tenants.safeParse({ value: [{ tenantId: '' }] }).success).toBe(false);
  });

  it('finds a document’s fragments once and hands the same map to every reader', () => {
    const document = parse(
      'query { ...A } fragment A on Query { __typename } fragment B on Query { __typename }',
    );
    const fragments = fragmentsOf(document);
    expect([...fragments.keys()]).toEqual(['A', 'B']);
    expect(fragmentsOf(document)).toBe(fragments);
  });
});
