import { describe, expect, it } from 'vitest';
import { requireGuid } from '../../src/schema/identifiers.js';

const GUID = '9bd1d0d0-7b1a-4a44-9a8b-0123456789ab';

describe('ids are GUIDs, checked before anything else', () => {
  it.each([GUID, GUID.toUpperCase(), '00000000-0000-0000-0000-000000000000'])('accepts %s', (id) => {
    expect(requireGuid(id, 'userId')).toBe(id);
  });

  // Issue 21, row "GUID check": junk before the GUID (the `^` anchor) or after it (the `$`).
  it.each([
    ['junk before', `../${GUID}`],
    ['a query before', `?x=1&${GUID}`],
    ['junk after', `${GUID}/../x`],
    ['a newline after', `${GUID}\n`],
    ['a character too few', GUID.slice(1)],
    ['a character too many', `${GUID}0`],
    ['no hyphens', GUID.replaceAll('-', '')],
    ['braces', `{${GUID}}`],
    ['a non-hex digit', GUID.replace('9', 'g')],
    ['an encoded slash', GUID.replace('-', '%2F')],
    ['nothing', ''],
  ])('refuses %s as BAD_USER_INPUT naming the argument', (_what, id) => {
    let thrown: unknown;
    try {
      requireGuid(id, 'userId');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      message: 'userId must be a GUID (a Microsoft Graph object id).',
      extensions: { code: 'BAD_USER_INPUT', argumentName: 'userId' },
    });
  });
});
