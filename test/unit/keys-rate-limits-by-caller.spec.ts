import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/auth/caller.js';
import { addressBucket, callerKey } from '../../src/rate-limit/caller-key.js';

const CALLER = { tenantId: 'tenant-a', objectId: 'object-b' } as const;

describe('whose budget a request draws from', () => {
  it('is the verified caller’s tenant and object id, whatever the address', () => {
    const caller: Caller = {
      kind: 'USER',
      ...CALLER,
      clientId: 'any client',
      scopes: [],
      roles: [],
      directoryRoles: [],
      expiresAt: 0,
      assertion: 'token',
      assertionHash: 'hash',
    };
    expect(callerKey(caller, '203.0.113.9')).toBe('caller:tenant-a:object-b');
    expect(callerKey({ ...caller, clientId: 'another', assertionHash: 'x' }, undefined)).toBe(
      'caller:tenant-a:object-b',
    );
  });

  it('is the network address for anyone else', () => {
    expect(callerKey(null, '203.0.113.9')).toBe('address:203.0.113.9');
    expect(callerKey(null, undefined)).toBe('address:unknown');
  });

  it.each([
    [undefined, 'unknown'],
    ['', 'unknown'],
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['::FFFF:203.0.113.9', '203.0.113.9'],
    ['::ffff:10.20.30.40', '10.20.30.40'],
    // Only a whole mapped address is unwrapped: not one inside another IPv6 address, nor with a tail.
    ['2001::ffff:1.2.3.4', '2001:0:0:0::/64'],
    ['::ffff:1.2.3.4x', '::ffff:1.2.3.4x'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    ['2001:0:0:0:0:0:0:1', '2001:0:0:0::/64'],
    ['1::2:3:4:5:6:7', '1:0:2:3::/64'],
    ['not an address', 'not an address'],
  ])('puts %j in bucket %j', (address, bucket) => {
    expect(addressBucket(address)).toBe(bucket);
  });
});
