import { type JWK, errors, exportJWK, generateKeyPair } from 'jose';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JwksKeySet, describeJoseError } from '../../src/auth/jwks-key-set.js';

let jwk: JWK;
beforeAll(async () => {
  const { publicKey } = await generateKeyPair('RS256', { extractable: true });
  jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
});

const sets: JwksKeySet[] = [];
afterEach(() => {
  for (const set of sets.splice(0)) set.close();
  vi.useRealTimers();
});

/** A key set whose fetches the test answers (`fail` makes them fail) and whose clock it moves. */
function keySet(cooldownMs = 10_000, refreshMs = 3_600_000) {
  const state = { now: 1_000_000, fail: false, fetches: 0 };
  const warnings: unknown[] = [];
  const logger = pino({ level: 'silent' });
  vi.spyOn(logger, 'warn').mockImplementation(((fields: unknown, message: string) => {
    warnings.push({ fields, message });
  }) as typeof logger.warn);
  const set = new JwksKeySet({
    uri: new URL('https://login.example.test/keys'),
    cooldownMs,
    refreshMs,
    fetch: () => {
      state.fetches += 1;
      if (state.fail) return Promise.reject(new TypeError('fetch failed'));
      return Promise.resolve(
        new Response(JSON.stringify({ keys: [jwk] }), { headers: { 'content-type': 'application/json' } }),
      );
    },
    logger,
    now: () => state.now,
  });
  sets.push(set);
  return { set, state, warnings };
}

describe('the signing keys', () => {
  it('are fetched on first use, then answered from memory', async () => {
    const { set, state } = keySet();
    expect(set.hasKeys()).toBe(false);
    expect(await set.ensureLoaded()).toBe(true);
    expect(set.hasKeys()).toBe(true);
    expect(await set.ensureLoaded()).toBe(true);
    expect(state.fetches).toBe(1);
  });

  it('are fetched again for an unknown kid at most once per cooldown, the first fetch included', async () => {
    const { set, state } = keySet(10_000);
    await set.ensureLoaded();
    expect(await set.refetchForUnknownKey()).toBe(false);
    state.now += 9_999;
    expect(await set.refetchForUnknownKey()).toBe(false);
    state.now += 1;
    expect(await set.refetchForUnknownKey()).toBe(true);
    expect(await set.refetchForUnknownKey()).toBe(false);
    expect(state.fetches).toBe(2);
  });

  it('share a fetch already running', async () => {
    const { set, state } = keySet(10_000);
    const [first, second] = await Promise.all([set.refetchForUnknownKey(), set.refetchForUnknownKey()]);
    expect([first, second]).toEqual([true, true]);
    expect(state.fetches).toBe(1);
  });

  it('count a failed fetch against the cooldown too, and keep the last good set', async () => {
    const { set, state, warnings } = keySet(10_000);
    await set.ensureLoaded();
    state.now += 10_000;
    state.fail = true;
    expect(await set.refetchForUnknownKey()).toBe(false);
    expect(await set.refetchForUnknownKey()).toBe(false);
    expect(state.fetches).toBe(2);
    expect(set.hasKeys()).toBe(true);
    expect(warnings).toEqual([
      { fields: { err: 'TypeError' }, message: 'JWKS fetch failed; keeping the last keys' },
    ]);
  });

  it('are tried again before the first success no more than once a second', async () => {
    const { set, state } = keySet(60_000);
    state.fail = true;
    expect(await set.ensureLoaded()).toBe(false);
    state.now += 999;
    expect(await set.ensureLoaded()).toBe(false);
    expect(state.fetches).toBe(1);
    state.now += 1;
    state.fail = false;
    expect(await set.ensureLoaded()).toBe(true);
    expect(state.fetches).toBe(2);
  });

  it('use the cooldown before the first success when it is under a second', async () => {
    const { set, state } = keySet(200);
    state.fail = true;
    await set.ensureLoaded();
    state.now += 200;
    await set.ensureLoaded();
    expect(state.fetches).toBe(2);
  });

  it('are refreshed in the background every refresh period, and refresh() rejects on failure', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { set, state } = keySet(10_000, 5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(state.fetches).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(state.fetches).toBe(2);
    state.fail = true;
    await expect(set.refresh()).rejects.toThrow();
    set.close();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(state.fetches).toBe(3);
  });
});

describe('jose errors in logs', () => {
  it('are their stable code, or the error’s name, never its message', () => {
    expect(describeJoseError(new errors.JWTExpired('secret claim', {}))).toBe('ERR_JWT_EXPIRED');
    expect(describeJoseError(new TypeError('secret'))).toBe('TypeError');
    expect(describeJoseError('secret')).toBe('unknown');
  });
});
