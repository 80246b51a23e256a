import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/graph/transport/retry-after.js';

const NOW = Date.parse('1994-11-06T08:49:30Z');

describe('Retry-After', () => {
  it.each([
    ['3', 3_000],
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
    ['Sun Nov  6 08:49:37 1994', 'asctime, in GMT whatever the local zone'],
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
});
