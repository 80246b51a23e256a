import type { z } from 'zod';
import type { Caller } from '../../auth/caller.js';
import { BadUserInputError, UpstreamError } from '../../errors/gateway-errors.js';
import type {
  GraphAdapter,
  GraphPage,
  GraphPageRequest,
  InboundSharedUserProfile,
  OutboundSharedUserProfile,
  TenantReference,
} from './graph-adapter.js';
import { type GraphHttpClient, type GraphResponse, receiptOf } from '../transport/graph-http-client.js';
import { PAGES, type PageSchema, inboundProfile, outboundProfile } from './graph-pages.js';
import {
  INBOUND_PROFILES,
  OUTBOUND_PROFILES,
  firstPagePath,
  inboundProfilePath,
  outboundProfilePath,
  outboundProfileTenantsPath,
} from './graph-paths.js';

type ReadMethods = Pick<
  GraphAdapter,
  | 'listOutboundSharedUserProfiles'
  | 'getOutboundSharedUserProfile'
  | 'listOutboundSharedUserProfileTenants'
  | 'listInboundSharedUserProfiles'
  | 'getInboundSharedUserProfile'
>;

/**
 * The adapter's reads over HTTPS. Ids arrive validated and are
 * still encoded as path segments; page links are followed only after `pageLinkPath` vouched for them.
 */
export function createHttpProfileReads(client: GraphHttpClient): ReadMethods {
  /** A body that is not what Graph documents is an upstream failure, not a crash. */
  function parse<T extends z.ZodType>(schema: T, response: GraphResponse): z.output<T> {
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) throw new UpstreamError('UPSTREAM_ERROR', receiptOf(response));
    return parsed.data;
  }

  async function readPage<T>(
    caller: Caller,
    operation: string,
    collectionPath: string,
    pageSchema: PageSchema<T>,
    page: GraphPageRequest,
    signal: AbortSignal | undefined,
  ): Promise<GraphPage<T>> {
    const path =
      'link' in page
        ? client.pageLinkPath(page.link, collectionPath)
        : firstPagePath(collectionPath, page.top);
    if (path === undefined) {
      throw new BadUserInputError('The cursor does not belong to this connection.', 'after');
    }
    const response = await client.send(caller, { operation, method: 'GET', path }, signal);
    const body = parse(pageSchema, response);
    const nextLink = body['@odata.nextLink'];
    // A link elsewhere is never followed, not even to report it: the page fails instead.
    if (nextLink !== undefined && client.pageLinkPath(nextLink, collectionPath) === undefined) {
      throw new UpstreamError('UPSTREAM_ERROR', receiptOf(response));
    }
    return { items: body.value, nextLink };
  }

  async function readEntity<T extends z.ZodType>(
    caller: Caller,
    operation: string,
    path: string,
    entity: T,
    signal: AbortSignal | undefined,
  ): Promise<z.output<T> | null> {
    try {
      return parse(entity, await client.send(caller, { operation, method: 'GET', path }, signal));
    } catch (error) {
      if (error instanceof UpstreamError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  return {
    listOutboundSharedUserProfiles: (caller, page, signal): Promise<GraphPage<OutboundSharedUserProfile>> =>
      readPage(caller, 'listOutboundProfiles', OUTBOUND_PROFILES, PAGES.outboundProfiles, page, signal),

    getOutboundSharedUserProfile: (caller, userId, signal): Promise<OutboundSharedUserProfile | null> =>
      readEntity(caller, 'getOutboundProfile', outboundProfilePath(userId), outboundProfile, signal),

    listOutboundSharedUserProfileTenants: (
      caller,
      userId,
      page,
      signal,
    ): Promise<GraphPage<TenantReference>> =>
      readPage(
        caller,
        'listOutboundProfileTenants',
        outboundProfileTenantsPath(userId),
        PAGES.tenants,
        page,
        signal,
      ),

    listInboundSharedUserProfiles: (caller, page, signal): Promise<GraphPage<InboundSharedUserProfile>> =>
      readPage(caller, 'listInboundProfiles', INBOUND_PROFILES, PAGES.inboundProfiles, page, signal),

    getInboundSharedUserProfile: (caller, userId, signal): Promise<InboundSharedUserProfile | null> =>
      readEntity(caller, 'getInboundProfile', inboundProfilePath(userId), inboundProfile, signal),
  };
}
