import { describe, expect, it, vi } from 'vitest';
import { redisServerInstalled } from '../support/redis-server.js';

/** Where `redis-server` cannot be found: a PATH with nothing on it. */
const NO_REDIS = { PATH: '/nonexistent' };

describe('the Redis tests without redis-server', () => {
  it.each(['true', '1', 'yes', 'false'])('fail when CI=%s (any non-empty value)', (ci) => {
    expect(() => redisServerInstalled({ ...NO_REDIS, CI: ci })).toThrow(/redis-server is not installed/);
  });

  it.each([
    ['CI unset', {}],
    ['CI empty', { CI: '' }],
  ])('skip, saying how to enable them, with %s', (_what, ci) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(redisServerInstalled({ ...NO_REDIS, ...ci })).toBe(false);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/install redis-server/));
    } finally {
      warn.mockRestore();
    }
  });
});
