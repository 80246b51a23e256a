import {
  ForbiddenError,
  type GatewayError,
  PersonalAccountError,
  UnauthenticatedError,
} from '../errors/gateway-errors.js';
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

function isPersonalAccount(caller: Caller): boolean {
  return caller.tenantId.toLowerCase() === PERSONAL_ACCOUNTS_TENANT;
}

function isSelf(caller: Caller, userId: string): boolean {
  return caller.kind === 'USER' && caller.objectId.toLowerCase() === userId.toLowerCase();
}

/** The scopes a rule is made of. An own-profile scope is about one profile, named by its user id. */
export type ProfileScope = 'removeOwnProfile' | 'removeAnyProfile' | 'readOwnProfile' | 'readAnyProfile';

/**
 * What each scope asks of a caller of an organization (personal accounts hold none, see
 * `profileScopes`). `userId` is the profile at stake; the any-profile scopes ignore it.
 */
const SCOPE_TABLE: Readonly<Record<ProfileScope, (caller: Caller, userId: string) => boolean>> = {
  /** Remove the caller's own outbound shared profile data. */
  removeOwnProfile: (caller, userId) =>
    isSelf(caller, userId) && hasAny(caller.scopes, [PERMISSION.readWrite, PERMISSION.readWriteAll]),
  /** Remove any user's shared profile data, outbound or inbound. */
  removeAnyProfile: (caller) =>
    caller.kind === 'APPLICATION'
      ? caller.roles.includes(PERMISSION.readWriteAll)
      : caller.scopes.includes(PERMISSION.readWriteAll) &&
        caller.directoryRoles.includes(GLOBAL_ADMINISTRATOR),
  /** Read the caller's own outbound shared profile and its tenants. */
  readOwnProfile: (caller, userId) => isSelf(caller, userId) && hasAny(caller.scopes, ANY_SCOPE),
  /** Read or list any profile, and export inbound profile data. */
  readAnyProfile: (caller) =>
    caller.kind === 'APPLICATION'
      ? hasAny(caller.roles, [PERMISSION.readAll, PERMISSION.readWriteAll])
      : hasAny(caller.scopes, [PERMISSION.readAll, PERMISSION.readWriteAll]) &&
        hasAny(caller.directoryRoles, [GLOBAL_READER, GLOBAL_ADMINISTRATOR]),
};

/** Each operation's rule: the scopes of which any one allows it. */
export const PROFILE_RULES = {
  /** An outbound profile and its tenants: the user themself, or whoever may read any profile. */
  readOutboundProfile: ['readOwnProfile', 'readAnyProfile'],
  /** Listing, reading an inbound profile, exporting inbound data. */
  readAnyProfile: ['readAnyProfile'],
  removeOutboundProfile: ['removeOwnProfile', 'removeAnyProfile'],
  removeInboundProfile: ['removeAnyProfile'],
} as const satisfies Record<string, readonly ProfileScope[]>;

export type ProfileRule = keyof typeof PROFILE_RULES;

/** Own-profile scopes take the profile's user id; the others are plain grants. */
export type ScopeParameter<S extends ProfileScope> = S extends `${string}OwnProfile` ? string : boolean;

/** The scopes one caller holds, as scope-auth takes them (`builder.ts`) and bulk mutations read them per id. */
export interface CallerScopes {
  authenticated: boolean;
  /** An account of an organization: the contract refuses personal Microsoft accounts everywhere. */
  organizationalAccount: boolean;
  removeOwnProfile: (userId: string) => boolean;
  removeAnyProfile: boolean;
  readOwnProfile: (userId: string) => boolean;
  readAnyProfile: boolean;
}

/** The caller's scopes, worked out once per request. */
export function profileScopes(caller: Caller | null): CallerScopes {
  const member = caller !== null && !isPersonalAccount(caller) ? caller : null;
  const ownScope = (scope: ProfileScope) => (userId: string) =>
    member !== null && SCOPE_TABLE[scope](member, userId);
  return {
    authenticated: caller !== null,
    organizationalAccount: member !== null,
    removeOwnProfile: ownScope('removeOwnProfile'),
    removeAnyProfile: member !== null && SCOPE_TABLE.removeAnyProfile(member, ''),
    readOwnProfile: ownScope('readOwnProfile'),
    readAnyProfile: member !== null && SCOPE_TABLE.readAnyProfile(member, ''),
  };
}

/** Whether `rule` allows the caller holding `scopes` to act on `userId`'s profile. */
export function permits(scopes: CallerScopes, rule: ProfileRule, userId: string): boolean {
  return PROFILE_RULES[rule].some((scope) => {
    const held = scopes[scope];
    return typeof held === 'function' ? held(userId) : held;
  });
}

/** Why a caller is refused: no verified caller (401), a personal account, or a missing permission. */
export function refusalFor(caller: Caller | null): GatewayError {
  if (!caller) return new UnauthenticatedError();
  if (isPersonalAccount(caller)) return new PersonalAccountError();
  return new ForbiddenError();
}
