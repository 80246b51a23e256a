import { z } from 'zod';
import type { Caller } from '../auth/caller.js';
import { BadUserInputError, UpstreamError } from '../errors/gateway-errors.js';
import type {
  GraphAdapter,
  GraphPage,
  GraphPageRequest,
  InboundSharedUserProfile,
  OutboundSharedUserProfile,
  TenantReference,
} from './graph-adapter.js';
import { type GraphHttpClient, type GraphResponse, receiptOf } from './graph-http-client.js';
import {
  INBOUND_PROFILES,
  OUTBOUND_PROFILES,
  inboundProfilePath,
  outboundProfilePath,
} from './graph-paths.js';

/** Graph may add properties (`@odata.*`, new beta fields); only the contract's are kept. */
const outboundProfile = z.object({ userId: z.string().min(1) }).transform(({ userId }) => ({ userId }));
const tenantReference = z.object({ tenantId: z.string().min(1) }).transform(({ tenantId }) => ({ tenantId }));
const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? null);
const inboundProfile = z
  .object({
    userId: z.string().min(1),
    displayName: optionalText,
    homeTenantId: optionalText,
    userPrincipalName: optionalText,
  })
  .transform(({ userId, displayName, homeTenantId, userPrincipalName }) => ({
    userId,
    displayName,
    homeTenantId,
    userPrincipalName,
  }));

function collection<T extends z.ZodType>(item: T) {
  return z.object({ value: z.array(item), '@odata.nextLink': z.string().optional() });
}

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

  async function readPage<T extends z.ZodType>(
    caller: Caller,
    operation: string,
    collectionPath: string,
    item: T,
    page: GraphPageRequest,
    signal: AbortSignal | undefined,
  ): Promise<GraphPage<z.output<T>>> {
    const path =
      'link' in page ? client.pageLinkPath(page.link, collectionPath) : `${collectionPath}?$top=${page.top}`;
    if (path === undefined) {
      throw new BadUserInputError('The cursor does not belong to this connection.', 'after');
    }
    const response = await client.send(caller, { operation, method: 'GET', path }, signal);
    const body = parse(collection(item), response);
    const nextLink = body['@odata.nextLink'];
    // A link elsewhere is never followed, not even to report it: the page fails instead.
    if (nextLink !== undefined && client.pageLinkPath(nextLink, collectionPath) === undefined) {
      throw new UpstreamError('UPSTREAM_ERROR', receiptOf(response));
    }
    return { items: body.value as Array<z.output<T>>, nextLink };
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
      readPage(caller, 'listOutboundProfiles', OUTBOUND_PROFILES, outboundProfile, page, signal),

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
        `${outboundProfilePath(userId)}/tenants`,
        tenantReference,
        page,
        signal,
      ),

    listInboundSharedUserProfiles: (caller, page, signal): Promise<GraphPage<InboundSharedUserProfile>> =>
      readPage(caller, 'listInboundProfiles', INBOUND_PROFILES, inboundProfile, page, signal),

    getInboundSharedUserProfile: (caller, userId, signal): Promise<InboundSharedUserProfile | null> =>
      readEntity(caller, 'getInboundProfile', inboundProfilePath(userId), inboundProfile, signal),
  };
}
