import { createDemoData } from './graph-emulator-data.js';
import { PERSONAS } from './personas.js';

/**
 * The administrator's GraphiQL tab: every read, the paging, and the inbound actions, each ready to
 * run as the `admin` persona against the demo directory.
 */
export function administratorExamples(): string {
  const admin = PERSONAS.admin;
  const user = PERSONAS.user;
  const guest = createDemoData().inbound[0];
  if (!guest) throw new Error('The demo directory has no inbound profile.');
  return `# Signed in as the demo persona "admin" (${admin.displayName}): ${admin.description}
# Pick an operation with the run button. To page on, copy pageInfo.endCursor into \`after\`.

# 1 upstream call: Graph is asked for $top=5.
query OutboundProfiles {
  outboundSharedUserProfiles(first: 5) {
    edges { cursor node { userId } }
    pageInfo { hasNextPage endCursor }
  }
}

# 11 upstream calls: 1 for the page, then 1 per profile for its tenants, 8 at a time (not one by one).
query OutboundProfilesWithTenants {
  outboundSharedUserProfiles(first: 10) {
    edges { node { userId tenants(first: 5) { edges { node { tenantId } } } } }
    pageInfo { hasNextPage endCursor }
  }
}

# 2 upstream calls: the profile, then its tenants. An id Graph does not know answers null.
query OneOutboundProfile {
  outboundSharedUserProfile(userId: "${user.objectId}") {
    userId
    tenants(first: 20) { edges { node { tenantId } } pageInfo { hasNextPage endCursor } }
  }
}

# 1 upstream call.
query InboundProfiles {
  inboundSharedUserProfiles(first: 5) {
    edges { node { userId displayName homeTenantId userPrincipalName } }
    pageInfo { hasNextPage endCursor }
  }
}

# 1 upstream call.
query OneInboundProfile {
  inboundSharedUserProfile(userId: "${guest.userId}") { userId displayName homeTenantId userPrincipalName }
}

# 1 upstream call: Graph answers 202 with the operation to poll.
mutation ExportGuestData {
  exportInboundSharedUserProfilePersonalData(
    userId: "${guest.userId}"
    storageLocation: "https://contosoexports.blob.core.windows.net/exports?sv=2024-01-01&sig=demo"
  ) { userId operationLocation retryAfterSeconds requestedAt upstreamRequestId }
}

# 1 upstream call.
mutation RemoveGuestData {
  removeInboundSharedUserProfilePersonalData(userId: "${guest.userId}") { userId requestedAt upstreamRequestId }
}
`;
}
