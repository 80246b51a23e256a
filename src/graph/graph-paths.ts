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

/** The profile-wide removal, or the tenant-scoped one when `tenantId` is given. */
export function outboundRemovalPath(userId: string, tenantId?: string): string {
  const profile = outboundProfilePath(userId);
  return tenantId
    ? `${profile}/tenants/${encodeURIComponent(tenantId)}/removePersonalData`
    : `${profile}/removePersonalData`;
}

export function inboundRemovalPath(userId: string): string {
  return `${inboundProfilePath(userId)}/removePersonalData`;
}
