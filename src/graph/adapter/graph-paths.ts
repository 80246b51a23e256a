/** Graph paths of this resource family, below `GRAPH_BASE_URL`. Every id is encoded as one path segment. */
export const OUTBOUND_PROFILES = '/directory/outboundSharedUserProfiles';
export const INBOUND_PROFILES = '/directory/inboundSharedUserProfiles';

/** `…/outboundSharedUserProfiles/{userId}`. */
export function outboundProfilePath(userId: string): string {
  return `${OUTBOUND_PROFILES}/${encodeURIComponent(userId)}`;
}

/** `…/inboundSharedUserProfiles/{userId}`. */
export function inboundProfilePath(userId: string): string {
  return `${INBOUND_PROFILES}/${encodeURIComponent(userId)}`;
}

/** `…/outboundSharedUserProfiles/{userId}/tenants`: the tenants one profile is shared with. */
export function outboundProfileTenantsPath(userId: string): string {
  return `${outboundProfilePath(userId)}/tenants`;
}

/** The first page of a collection, `top` items long; later pages come from Graph's own links. */
export function firstPagePath(collection: string, top: number): string {
  return `${collection}?$top=${top}`;
}

/** The profile-wide removal, or the tenant-scoped one when `tenantId` is given. */
export function outboundRemovalPath(userId: string, tenantId?: string): string {
  return tenantId
    ? `${outboundProfileTenantsPath(userId)}/${encodeURIComponent(tenantId)}/removePersonalData`
    : `${outboundProfilePath(userId)}/removePersonalData`;
}

export function inboundRemovalPath(userId: string): string {
  return `${inboundProfilePath(userId)}/removePersonalData`;
}
