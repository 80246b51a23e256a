import { type Caller, GLOBAL_ADMINISTRATOR, GLOBAL_READER, PERSONAL_ACCOUNTS_TENANT } from './caller.js';

/**
 * The contract's authorization table as pure functions of the caller. Graph's own names are
 * used for scopes and roles so the table reads like Microsoft's permission reference.
 */
const PERMISSION = {
  read: 'CrossTenantUserProfileSharing.Read',
  readAll: 'CrossTenantUserProfileSharing.Read.All',
  readWrite: 'CrossTenantUserProfileSharing.ReadWrite',
  readWriteAll: 'CrossTenantUserProfileSharing.ReadWrite.All',
} as const;

const ANY_SCOPE = Object.values(PERMISSION);

function hasAny(granted: readonly string[], wanted: readonly string[]): boolean {
  return wanted.some((item) => granted.includes(item));
}

export function isPersonalAccount(caller: Caller): boolean {
  return caller.tenantId.toLowerCase() === PERSONAL_ACCOUNTS_TENANT;
}

function isSelf(caller: Caller, userId: string): boolean {
  return caller.kind === 'USER' && caller.objectId.toLowerCase() === userId.toLowerCase();
}

/** Remove the caller's own outbound shared profile data. */
export function mayRemoveOwnProfile(caller: Caller, userId: string): boolean {
  return (
    !isPersonalAccount(caller) &&
    isSelf(caller, userId) &&
    hasAny(caller.scopes, [PERMISSION.readWrite, PERMISSION.readWriteAll])
  );
}

/** Remove any user's shared profile data, outbound or inbound. */
export function mayRemoveAnyProfile(caller: Caller): boolean {
  if (isPersonalAccount(caller)) return false;
  if (caller.kind === 'APPLICATION') return caller.roles.includes(PERMISSION.readWriteAll);
  return (
    caller.scopes.includes(PERMISSION.readWriteAll) && caller.directoryRoles.includes(GLOBAL_ADMINISTRATOR)
  );
}

/** Read the caller's own outbound shared profile and its tenants. */
export function mayReadOwnProfile(caller: Caller, userId: string): boolean {
  return !isPersonalAccount(caller) && isSelf(caller, userId) && hasAny(caller.scopes, ANY_SCOPE);
}

/** Read or list any profile, and export inbound profile data. */
export function mayReadAnyProfile(caller: Caller): boolean {
  if (isPersonalAccount(caller)) return false;
  if (caller.kind === 'APPLICATION')
    return hasAny(caller.roles, [PERMISSION.readAll, PERMISSION.readWriteAll]);
  return (
    hasAny(caller.scopes, [PERMISSION.readAll, PERMISSION.readWriteAll]) &&
    hasAny(caller.directoryRoles, [GLOBAL_READER, GLOBAL_ADMINISTRATOR])
  );
}
