import { z } from 'zod';
import type { Caller } from '../auth/caller.js';
import { BadUserInputError, UpstreamError } from '../errors/gateway-errors.js';
import type {
  ExportReceipt,
  ExportTarget,
  GraphAdapter,
  GraphPage,
  GraphPageRequest,
  InboundSharedUserProfile,
  OutboundSharedUserProfile,
  TenantReference,
  UpstreamReceipt,
} from './graph-adapter.js';
import type { GraphHttpClient, GraphResponse } from './graph-http-client.js';
import { parseRetryAfter, toRetryAfterSeconds } from './retry-after.js';

const OUTBOUND = '/directory/outboundSharedUserProfiles';
const INBOUND = '/directory/inboundSharedUserProfiles';

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
  | 'removeInboundSharedUserProfilePersonalData'
  | 'exportInboundSharedUserProfilePersonalData'
>;

/**
 * The adapter's reads, the inbound removal and the export over HTTPS. Ids arrive validated and are
 * still encoded as path segments; page links are followed only after `pageLinkPath` vouched for them.
 */
export function createHttpProfileReads(client: GraphHttpClient): ReadMethods {
  function idsOf(response: GraphResponse) {
    return { upstreamRequestId: response.upstreamRequestId, clientRequestId: response.clientRequestId };
  }

  /** A body that is not what Graph documents is an upstream failure, not a crash. */
  function parse<T extends z.ZodType>(schema: T, response: GraphResponse): z.output<T> {
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) throw new UpstreamError('UPSTREAM_ERROR', idsOf(response));
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
      throw new UpstreamError('UPSTREAM_ERROR', idsOf(response));
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

  const profilePath = (collectionPath: string, userId: string) =>
    `${collectionPath}/${encodeURIComponent(userId)}`;

  return {
    listOutboundSharedUserProfiles: (caller, page, signal): Promise<GraphPage<OutboundSharedUserProfile>> =>
      readPage(caller, 'listOutboundProfiles', OUTBOUND, outboundProfile, page, signal),

    getOutboundSharedUserProfile: (caller, userId, signal): Promise<OutboundSharedUserProfile | null> =>
      readEntity(caller, 'getOutboundProfile', profilePath(OUTBOUND, userId), outboundProfile, signal),

    listOutboundSharedUserProfileTenants: (
      caller,
      userId,
      page,
      signal,
    ): Promise<GraphPage<TenantReference>> =>
      readPage(
        caller,
        'listOutboundProfileTenants',
        `${profilePath(OUTBOUND, userId)}/tenants`,
        tenantReference,
        page,
        signal,
      ),

    listInboundSharedUserProfiles: (caller, page, signal): Promise<GraphPage<InboundSharedUserProfile>> =>
      readPage(caller, 'listInboundProfiles', INBOUND, inboundProfile, page, signal),

    getInboundSharedUserProfile: (caller, userId, signal): Promise<InboundSharedUserProfile | null> =>
      readEntity(caller, 'getInboundProfile', profilePath(INBOUND, userId), inboundProfile, signal),

    async removeInboundSharedUserProfilePersonalData(caller, userId, signal): Promise<UpstreamReceipt> {
      const response = await client.send(
        caller,
        {
          operation: 'removeInboundPersonalData',
          method: 'POST',
          path: `${profilePath(INBOUND, userId)}/removePersonalData`,
        },
        signal,
      );
      return idsOf(response);
    },

    async exportInboundSharedUserProfilePersonalData(
      caller,
      { userId, storageLocation }: ExportTarget,
      signal,
    ): Promise<ExportReceipt> {
      const response = await client.send(
        caller,
        {
          operation: 'exportInboundPersonalData',
          method: 'POST',
          path: `${profilePath(INBOUND, userId)}/exportPersonalData`,
          body: { storageLocation },
        },
        signal,
      );
      const location = firstHeader(response.headers.location);
      // Without the operation's location a client could never learn how the export went.
      if (!location) throw new UpstreamError('UPSTREAM_ERROR', idsOf(response));
      const retryAfterMs = parseRetryAfter(firstHeader(response.headers['retry-after']), Date.now());
      return {
        ...idsOf(response),
        operationLocation: location,
        retryAfterSeconds: retryAfterMs === undefined ? undefined : toRetryAfterSeconds(retryAfterMs),
      };
    },
  };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
