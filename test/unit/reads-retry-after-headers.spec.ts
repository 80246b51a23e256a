import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/graph/transport/retry-after.js';

const NOW = Date.parse('1994-11-06T08:49:30Z');

describe('Retry-After', () => {
  it.each([
    ['3', 3_000],
    ['12', 12_000],
    ['1.25', 1_250],
    ['.25', 250],
    [' 2 ', 2_000],
    ['0.25', 250],
    ['.5', 500],
    ['0', 0],
  ])('reads %j as seconds', (value, milliseconds) => {
    expect(parseRetryAfter(value, NOW)).toBe(milliseconds);
  });

  it.each([
    ['Sun, 06 Nov 1994 08:49:37 GMT', 'IMF-fixdate'],
    ['Sunday, 06-Nov-94 08:49:37 GMT', 'RFC 850'],
    ['Sun Nov  6 08:49:37 1994', 'asctime, in GMT'],
  ])('reads %j (%s) as an HTTP date', (value) => {
    expect(parseRetryAfter(value, NOW)).toBe(7_000);
  });

  it('waits nothing for a date already past', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:00 GMT', NOW)).toBe(0);
  });

  it.each(['-1', '+3', '1,5', 'Dec 25 2099', '2099-12-25', 'Sun, 6 Nov 1994 08:49:37 GMT', 'soon', ''])(
    'ignores %j',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    },
  );

  // CI sets no TZ and runs in UTC, where reading asctime as local time would go unnoticed: the
  // parse runs again in a child process whose zone is fixed to one that is never UTC.
  it('reads asctime as GMT whatever the local zone (run under TZ=America/New_York)', () => {
    const script = `
      import { parseRetryAfter } from './src/graph/transport/retry-after.ts';
      const now = Date.parse('1994-11-06T08:49:30Z');
      console.log(JSON.stringify({
        offsetMinutes: new Date(now).getTimezoneOffset(),
        asctime: parseRetryAfter('Sun Nov  6 08:49:37 1994', now),
        imf: parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now),
      }));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      env: { ...process.env, TZ: 'America/New_York' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.stderr).toBe('');
    // Eastern Standard Time in November 1994: the zone really is not UTC.
    expect(JSON.parse(child.stdout)).toEqual({ offsetMinutes: 300, asctime: 7_000, imf: 7_000 });
  });
});
