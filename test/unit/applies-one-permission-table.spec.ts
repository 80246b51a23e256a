import { describe, expect, it } from 'vitest';
import {
  type Caller,
  GLOBAL_ADMINISTRATOR,
  GLOBAL_READER,
  PERSONAL_ACCOUNTS_TENANT,
} from '../../src/auth/caller.js';
import {
  PROFILE_RULES,
  type ProfileRule,
  permits,
  profileScopes,
  refusalFor,
} from '../../src/auth/permissions.js';
import { planBulkRemoval } from '../../src/schema/bulk-removal-plan.js';
import { ruleScopes } from '../../src/schema/authorization.js';

const S = 'CrossTenantUserProfileSharing';
const SELF = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const TENANT = '33333333-3333-4333-8333-333333333333';

function caller(overrides: Partial<Caller>): Caller {
  return {
    kind: 'USER',
    objectId: SELF,
    tenantId: TENANT,
    clientId: undefined,
    scopes: [],
    roles: [],
    directoryRoles: [],
    expiresAt: 0,
    assertion: '',
    assertionHash: '',
    ...overrides,
  };
}

const CALLERS = {
  reader: caller({ scopes: [`${S}.Read`] }),
  writer: caller({ scopes: [`${S}.ReadWrite`] }),
  readAll: caller({ scopes: [`${S}.Read.All`] }),
  globalReader: caller({ scopes: [`${S}.Read.All`], directoryRoles: [GLOBAL_READER] }),
  readWriteAll: caller({ scopes: [`${S}.ReadWrite.All`] }),
  globalAdmin: caller({ scopes: [`${S}.ReadWrite.All`], directoryRoles: [GLOBAL_ADMINISTRATOR] }),
  appReadAll: caller({ kind: 'APPLICATION', roles: [`${S}.Read.All`] }),
  appReadWriteAll: caller({ kind: 'APPLICATION', roles: [`${S}.ReadWrite.All`] }),
  personalAdmin: caller({
    scopes: [`${S}.ReadWrite.All`],
    directoryRoles: [GLOBAL_ADMINISTRATOR],
    tenantId: PERSONAL_ACCOUNTS_TENANT.toUpperCase(),
  }),
} satisfies Record<string, Caller>;

type Row = [keyof typeof CALLERS, ProfileRule, own: boolean, other: boolean];

/** The contract's authorization table: whether each caller may act on its own profile and another's. */
const TABLE: Row[] = [
  ['reader', 'readOutboundProfile', true, false],
  ['reader', 'readAnyProfile', false, false],
  ['reader', 'removeOutboundProfile', false, false],
  ['writer', 'readOutboundProfile', true, false],
  ['writer', 'removeOutboundProfile', true, false],
  ['writer', 'removeInboundProfile', false, false],
  ['readAll', 'readAnyProfile', false, false],
  ['globalReader', 'readOutboundProfile', true, true],
  ['globalReader', 'readAnyProfile', true, true],
  ['globalReader', 'removeOutboundProfile', false, false],
  ['readWriteAll', 'removeOutboundProfile', true, false],
  ['readWriteAll', 'removeInboundProfile', false, false],
  ['globalAdmin', 'readAnyProfile', true, true],
  ['globalAdmin', 'removeOutboundProfile', true, true],
  ['globalAdmin', 'removeInboundProfile', true, true],
  ['appReadAll', 'readAnyProfile', true, true],
  ['appReadAll', 'removeInboundProfile', false, false],
  ['appReadWriteAll', 'readOutboundProfile', true, true],
  ['appReadWriteAll', 'removeOutboundProfile', true, true],
  ['appReadWriteAll', 'removeInboundProfile', true, true],
  ['personalAdmin', 'readOutboundProfile', false, false],
  ['personalAdmin', 'readAnyProfile', false, false],
  ['personalAdmin', 'removeOutboundProfile', false, false],
  ['personalAdmin', 'removeInboundProfile', false, false],
];

describe('the permission table, as single fields and bulk ids both use it', () => {
  it.each(TABLE)('%s under %s: own profile %s, another %s', (name, rule, own, other) => {
    const scopes = profileScopes(CALLERS[name]);
    expect([permits(scopes, rule, SELF), permits(scopes, rule, OTHER)]).toEqual([own, other]);
  });

  it.each(TABLE)('%s under %s: the bulk plan decides each id as the table does', (name, rule, own, other) => {
    if (rule !== 'removeOutboundProfile' && rule !== 'removeInboundProfile') return;
    const plan = planBulkRemoval(CALLERS[name], [SELF, OTHER], rule);
    expect(plan.map((id) => 'send' in id)).toEqual([own, other]);
  });

  it('hands scope-auth the same rule: any one of its scopes, own-profile scopes with the id', () => {
    expect(ruleScopes('removeOutboundProfile', OTHER)).toEqual({
      removeOwnProfile: OTHER,
      removeAnyProfile: true,
    });
    expect(ruleScopes('readOutboundProfile', OTHER)).toEqual({
      readOwnProfile: OTHER,
      readAnyProfile: true,
    });
    expect(ruleScopes('removeInboundProfile', OTHER)).toEqual({ removeAnyProfile: true });
    expect(ruleScopes('readAnyProfile', OTHER)).toEqual({ readAnyProfile: true });
    expect(Object.keys(PROFILE_RULES)).toHaveLength(4);
  });

  it('grants nothing without a verified caller', () => {
    const scopes = profileScopes(null);
    expect(scopes).toMatchObject({
      authenticated: false,
      organizationalAccount: false,
      removeAnyProfile: false,
      readAnyProfile: false,
    });
    expect(scopes.removeOwnProfile(OTHER)).toBe(false);
    expect(profileScopes(CALLERS.globalReader).authenticated).toBe(true);
  });

  it('refuses personal accounts, whatever they hold, and says why', () => {
    const scopes = profileScopes(CALLERS.personalAdmin);
    expect(scopes).toMatchObject({ authenticated: true, organizationalAccount: false });
    expect(refusalFor(CALLERS.personalAdmin).message).toMatch(/personal/i);
    expect(refusalFor(CALLERS.globalReader)).toMatchObject({
      code: 'FORBIDDEN',
      message: 'The caller is not allowed to perform this operation.',
    });
    expect(refusalFor(null).code).toBe('UNAUTHENTICATED');
    const plan = planBulkRemoval(CALLERS.personalAdmin, [OTHER], 'removeInboundProfile');
    expect(plan[0]).toMatchObject({
      refusal: { code: 'FORBIDDEN', message: expect.stringMatching(/personal/i) },
    });
  });

  it('matches user ids case-insensitively for the own-profile scopes', () => {
    expect(permits(profileScopes(CALLERS.writer), 'removeOutboundProfile', SELF.toUpperCase())).toBe(true);
  });
});
