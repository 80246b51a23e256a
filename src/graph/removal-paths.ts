const OUTBOUND = '/directory/outboundSharedUserProfiles';
const INBOUND = '/directory/inboundSharedUserProfiles';

/** `…/outboundSharedUserProfiles/{userId}`, the id encoded as one path segment. */
export function outboundProfilePath(userId: string): string {
  return `${OUTBOUND}/${encodeURIComponent(userId)}`;
}

/** The profile-wide removal, or the tenant-scoped one when `tenantId` is given. */
export function outboundRemovalPath(userId: string, tenantId?: string): string {
  const profile = outboundProfilePath(userId);
  return tenantId
    ? `${profile}/tenants/${encodeURIComponent(tenantId)}/removePersonalData`
    : `${profile}/removePersonalData`;
}

export function inboundRemovalPath(userId: string): string {
  return `${INBOUND}/${encodeURIComponent(userId)}/removePersonalData`;
}
