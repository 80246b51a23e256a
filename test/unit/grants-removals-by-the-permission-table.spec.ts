import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/auth/caller.js';
import { profileScopes } from '../../src/auth/permissions.js';

// The four rights and the personal-account test, read through the scopes scope-auth and the bulk
// mutations both take (`profileScopes`).
const mayRemoveOwnProfile = (who: Caller, userId: string) => profileScopes(who).removeOwnProfile(userId);
const mayRemoveAnyProfile = (who: Caller) => profileScopes(who).removeAnyProfile;
const mayReadOwnProfile = (who: Caller, userId: string) => profileScopes(who).readOwnProfile(userId);
const mayReadAnyProfile = (who: Caller) => profileScopes(who).readAnyProfile;
const isPersonalAccount = (who: Caller) => !profileScopes(who).organizationalAccount;

/**
 * The contract's authorization table (CONTRACT.md, "Authorization"), one row per caller, as pure
 * functions: which of the four rights each kind of caller holds. Written out from the contract,
 * not derived from the source, so that a changed rule fails here.
 */
// Microsoft's directory role template ids and the personal-accounts tenant, written out here (not
// imported) so that a changed constant in the source fails this table.
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
const PERSONAL_ACCOUNTS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const SELF = 'aaaaaaaa-0000-4000-8000-00000000000a';
const OTHER = 'bbbbbbbb-0000-4000-8000-00000000000b';
const TENANT = 'cccccccc-0000-4000-8000-00000000000c';
const S = 'CrossTenantUserProfileSharing';

function user(scopes: string[], directoryRoles: string[] = [], tenantId = TENANT): Caller {
  return caller({ kind: 'USER', scopes, directoryRoles, tenantId });
}

function app(roles: string[], tenantId = TENANT): Caller {
  return caller({ kind: 'APPLICATION', roles, tenantId });
}

function caller(fields: Partial<Caller>): Caller {
  return {
    kind: 'USER',
    objectId: SELF,
    tenantId: TENANT,
    clientId: 'client',
    scopes: [],
    roles: [],
    directoryRoles: [],
    expiresAt: 0,
    assertion: 'token',
    assertionHash: 'hash',
    ...fields,
  };
}

/** [who, caller, removeOwn, removeAny, readOwn, readAny] */
type Row = [string, Caller, boolean, boolean, boolean, boolean];

const TABLE: Row[] = [
  ['a user with no scope', user([]), false, false, false, false],
  ['a user with an unrelated scope', user(['User.Read']), false, false, false, false],
  ['a user with Read', user([`${S}.Read`]), false, false, true, false],
  ['a user with Read.All', user([`${S}.Read.All`]), false, false, true, false],
  ['a user with ReadWrite', user([`${S}.ReadWrite`]), true, false, true, false],
  ['a user with ReadWrite.All', user([`${S}.ReadWrite.All`]), true, false, true, false],
  ['a Global Reader with Read.All', user([`${S}.Read.All`], [GLOBAL_READER]), false, false, true, true],
  [
    'a Global Reader with ReadWrite.All',
    user([`${S}.ReadWrite.All`], [GLOBAL_READER]),
    true,
    false,
    true,
    true,
  ],
  ['a Global Reader with Read', user([`${S}.Read`], [GLOBAL_READER]), false, false, true, false],
  [
    'a Global Administrator with Read.All',
    user([`${S}.Read.All`], [GLOBAL_ADMINISTRATOR]),
    false,
    false,
    true,
    true,
  ],
  [
    'a Global Administrator with ReadWrite.All',
    user([`${S}.ReadWrite.All`], [GLOBAL_ADMINISTRATOR]),
    true,
    true,
    true,
    true,
  ],
  [
    'a Global Administrator with ReadWrite',
    user([`${S}.ReadWrite`], [GLOBAL_ADMINISTRATOR]),
    true,
    false,
    true,
    false,
  ],
  ['an application with no role', app([]), false, false, false, false],
  ['an application with Read.All', app([`${S}.Read.All`]), false, false, false, true],
  ['an application with ReadWrite.All', app([`${S}.ReadWrite.All`]), false, true, false, true],
  // Delegated permission names as roles grant an application nothing.
  [
    'an application with ReadWrite as a role',
    app([`${S}.ReadWrite`, `${S}.Read`]),
    false,
    false,
    false,
    false,
  ],
  // An application holding scopes (impossible from Entra) is still judged by its roles.
  [
    'an application with scopes only',
    caller({ kind: 'APPLICATION', scopes: [`${S}.ReadWrite.All`] }),
    false,
    false,
    false,
    false,
  ],
  // Roles grant a user nothing: only scopes and directory roles count.
  [
    'a user with ReadWrite.All as a role',
    caller({ kind: 'USER', roles: [`${S}.ReadWrite.All`] }),
    false,
    false,
    false,
    false,
  ],
  [
    'a personal account with every right',
    user([`${S}.ReadWrite.All`], [GLOBAL_ADMINISTRATOR], PERSONAL_ACCOUNTS_TENANT),
    false,
    false,
    false,
    false,
  ],
  // Issue 21, row "personal-account refusal": the tenant compares case-insensitively.
  [
    'a personal account in upper case with every right',
    user([`${S}.ReadWrite.All`], [GLOBAL_ADMINISTRATOR], PERSONAL_ACCOUNTS_TENANT.toUpperCase()),
    false,
    false,
    false,
    false,
  ],
  [
    'a personal-account application with every role',
    app([`${S}.ReadWrite.All`, `${S}.Read.All`], PERSONAL_ACCOUNTS_TENANT.toUpperCase()),
    false,
    false,
    false,
    false,
  ],
];

describe('the permission table', () => {
  it.each(TABLE)('%s', (_who, who, removeOwn, removeAny, readOwn, readAny) => {
    expect({
      removeOwn: mayRemoveOwnProfile(who, SELF),
      removeAny: mayRemoveAnyProfile(who),
      readOwn: mayReadOwnProfile(who, SELF),
      readAny: mayReadAnyProfile(who),
    }).toEqual({ removeOwn, removeAny, readOwn, readAny });
  });

  it.each(TABLE)('%s: has no "own" right over another user', (_who, who) => {
    expect(mayRemoveOwnProfile(who, OTHER)).toBe(false);
    expect(mayReadOwnProfile(who, OTHER)).toBe(false);
  });

  it('compares the caller with the user case-insensitively', () => {
    const writer = caller({ objectId: SELF.toUpperCase(), scopes: [`${S}.ReadWrite`] });
    expect(mayRemoveOwnProfile(writer, SELF)).toBe(true);
    expect(mayReadOwnProfile(writer, SELF.toUpperCase())).toBe(true);
    const reader = caller({ objectId: SELF, scopes: [`${S}.Read`] });
    expect(mayReadOwnProfile(reader, SELF.toUpperCase())).toBe(true);
  });

  it('gives an application no "own" profile, even under its own object id', () => {
    const application = app([`${S}.ReadWrite.All`]);
    expect(mayRemoveOwnProfile({ ...application, scopes: [`${S}.ReadWrite`] }, SELF)).toBe(false);
    expect(mayReadOwnProfile({ ...application, scopes: [`${S}.Read`] }, SELF)).toBe(false);
  });

  it.each([
    [PERSONAL_ACCOUNTS_TENANT, true],
    [PERSONAL_ACCOUNTS_TENANT.toUpperCase(), true],
    [TENANT, false],
  ])('knows %s for a personal account: %s', (tenantId, personal) => {
    expect(isPersonalAccount(caller({ tenantId }))).toBe(personal);
  });
});
