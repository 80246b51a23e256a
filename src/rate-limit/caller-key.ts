import { isIPv6 } from 'node:net';
import type { Caller } from '../auth/caller.js';

/**
 * Whose budget an operation draws from: a verified caller by tenant and object id (the same user
 * behind many tokens or clients has one budget), anyone else by network address.
 */
export function callerKey(caller: Caller | null, remoteAddress: string | undefined): string {
  if (caller) return `caller:${caller.tenantId}:${caller.objectId}`;
  return `address:${addressBucket(remoteAddress)}`;
}

/**
 * IPv4 addresses are their own bucket. An IPv6 client usually holds a whole /64 and could change
 * address on every request, so its bucket is the /64 prefix. Without an address (a request that
 * did not come through the Node server), every such request shares one bucket.
 */
export function addressBucket(address: string | undefined): string {
  if (!address) return 'unknown';
  const bare = address.split('%')[0]!;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (!isIPv6(bare)) return bare;
  return `${expandIPv6(bare).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
}
