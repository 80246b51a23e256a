/** Identifiers that Entra ID and Microsoft Graph define; the emulators use Microsoft's real values. */

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

/** Graph's delegated scopes and application roles for cross-tenant user-profile sharing. */
export const PROFILE_SHARING_PERMISSIONS = {
  read: 'CrossTenantUserProfileSharing.Read',
  readAll: 'CrossTenantUserProfileSharing.Read.All',
  readWrite: 'CrossTenantUserProfileSharing.ReadWrite',
  readWriteAll: 'CrossTenantUserProfileSharing.ReadWrite.All',
} as const;

/** Directory role template ids, as they appear in the `wids` claim. */
export const DIRECTORY_ROLES = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
} as const;
