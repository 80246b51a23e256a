import { describe, expect, it } from 'vitest';
import { type VerifiedCaller, VerifiedTokenCache } from '../../src/auth/verified-token-cache.js';

const SKEW_SECONDS = 60;

function caller(expiresAt: number): VerifiedCaller {
  return {
    kind: 'USER',
    objectId: 'o',
    tenantId: 't',
    clientId: 'c',
    scopes: [],
    roles: [],
    directoryRoles: [],
    expiresAt,
  };
}

/** A cache whose clock the test moves (milliseconds). */
function cacheAt(startMs: number, size = 10) {
  let now = startMs;
  const cache = new VerifiedTokenCache(size, SKEW_SECONDS, () => now);
  return { cache, setNow: (ms: number) => (now = ms) };
}

describe('the verified-token cache', () => {
  it('keys tokens by their SHA-256, never by the token', () => {
    expect(VerifiedTokenCache.keyOf('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(VerifiedTokenCache.keyOf('abc')).not.toContain('abc');
  });

  it('remembers a caller until exp plus the skew, and not a millisecond longer', () => {
    const exp = 1_000;
    const { cache, setNow } = cacheAt(900_000);
    cache.set('k', caller(exp));
    expect(cache.get('k')).toEqual(caller(exp));
    setNow((exp + SKEW_SECONDS) * 1000 - 1);
    expect(cache.get('k')).toEqual(caller(exp));
    setNow((exp + SKEW_SECONDS) * 1000);
    expect(cache.get('k')).toBeUndefined();
    // Gone for good: moving the clock back does not bring it back.
    setNow(900_000);
    expect(cache.get('k')).toBeUndefined();
  });

  it('does not store a caller already past exp plus the skew', () => {
    const { cache } = cacheAt((1_000 + SKEW_SECONDS) * 1000);
    cache.set('k', caller(1_000));
    expect(cache.get('k')).toBeUndefined();
  });

  it('knows nothing of tokens it was not given', () => {
    expect(cacheAt(0).cache.get('nothing')).toBeUndefined();
  });

  it('holds at most its size, dropping the least recently used', () => {
    const { cache } = cacheAt(0, 2);
    cache.set('a', caller(1_000));
    cache.set('b', caller(1_000));
    cache.get('a');
    cache.set('c', caller(1_000));
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toBeDefined();
  });
});
