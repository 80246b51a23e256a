import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CursorCodec, type CursorPosition, deriveCursorKey } from '../../src/schema/connection-cursors.js';

const codec = new CursorCodec(deriveCursorKey('client-secret'));
const LINK = 'https://graph.example.test/beta/users/x/cloudLicensing?$skiptoken=abc';
const AT_LINK: CursorPosition = { page: { link: LINK }, skip: 3 };
const AT_TOP: CursorPosition = { page: { top: 20 }, skip: 0 };

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

const REFUSED = {
  message: '`after` is not a cursor of this connection.',
  extensions: { code: 'BAD_USER_INPUT', argumentName: 'after' },
};

describe('connection cursors', () => {
  it.each([AT_LINK, AT_TOP, { page: { top: 1000 }, skip: 100_000 }])('round-trip %j', (position) => {
    expect(codec.decode('outbound', codec.encode('outbound', position))).toEqual(position);
  });

  it('never repeat a nonce: the same position sealed twice differs', () => {
    const seen = new Set<string>();
    // More than one draw of the nonce pool (256 per draw).
    for (let index = 0; index < 600; index += 1) seen.add(codec.encode('outbound', AT_TOP).slice(0, 16));
    expect(seen.size).toBe(600);
  });

  it('say nothing of Graph or the position', () => {
    const cursor = codec.encode('outbound', AT_LINK);
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/graph|skiptoken|"s"/);
  });

  // Issue 21, row "cursor binding": a cursor of one connection is refused by another.
  it('are refused by any other connection', () => {
    const cursor = codec.encode('outboundSharedUserProfiles', AT_LINK);
    expect(refusal(() => codec.decode('inboundSharedUserProfiles', cursor))).toMatchObject(REFUSED);
    expect(refusal(() => codec.decode('outboundSharedUserProfiles', cursor))).toBeUndefined();
  });

  // Cursors outlive the instance that made them (restarts, other instances): the sealed format is
  // pinned, `nonce ‖ AES-256-GCM(JSON) ‖ tag` with "v2\n{connection}" as associated data.
  it('open a cursor sealed by hand in the documented format', () => {
    const key = deriveCursorKey('client-secret');
    const nonce = Buffer.alloc(12, 7);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from('v2\noutbound'));
    const sealed = Buffer.concat([cipher.update('{"t":20,"s":4}', 'utf8'), cipher.final()]);
    const cursor = Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString('base64url');
    expect(codec.decode('outbound', cursor)).toEqual({ page: { top: 20 }, skip: 4 });
  });

  it('are refused when sealed under another key (another secret)', () => {
    const other = new CursorCodec(deriveCursorKey('another-secret'));
    expect(refusal(() => other.decode('outbound', codec.encode('outbound', AT_LINK)))).toMatchObject(REFUSED);
  });

  it('derive the same key from the same secret, so that instances share cursors', () => {
    expect(deriveCursorKey('s')).toEqual(deriveCursorKey('s'));
    expect(deriveCursorKey('s')).toHaveLength(32);
    expect(deriveCursorKey('s')).not.toEqual(deriveCursorKey('t'));
  });

  it.each([
    ['a flipped bit', (cursor: string) => flip(cursor, 20)],
    ['a flipped tag bit', (cursor: string) => flip(cursor, Buffer.from(cursor, 'base64url').length - 1)],
    ['cut short', (cursor: string) => cursor.slice(0, -4)],
    [
      'only nonce and tag',
      (cursor: string) => Buffer.from(cursor, 'base64url').subarray(0, 28).toString('base64url'),
    ],
    ['not base64url', (cursor: string) => `${cursor.slice(0, -1)}+`],
    ['padded', (cursor: string) => `${cursor}=`],
    ['a second spelling of its last character', () => respell()],
    ['empty', () => ''],
    ['far too long', () => 'A'.repeat(6000)],
  ])('are refused when %s', (_what, edit) => {
    const cursor = codec.encode('outbound', AT_LINK);
    expect(refusal(() => codec.decode('outbound', edit(cursor)))).toMatchObject(REFUSED);
  });

  it('accept the longest link a cursor may hold', () => {
    const long: CursorPosition = { page: { link: `https://g.test/${'a'.repeat(4096 - 15)}` }, skip: 0 };
    expect(codec.decode('c', codec.encode('c', long))).toEqual(long);
  });

  it.each([
    ['a link too long', { page: { link: `https://g.test/${'a'.repeat(4096)}` }, skip: 0 }],
    ['an empty link', { page: { link: '' }, skip: 0 }],
    ['a negative skip', { page: { top: 5 }, skip: -1 }],
    ['a fractional skip', { page: { top: 5 }, skip: 1.5 }],
    ['a skip too large', { page: { top: 5 }, skip: 100_001 }],
    ['a page size of 0', { page: { top: 0 }, skip: 0 }],
    ['a page size too large', { page: { top: 1001 }, skip: 0 }],
  ])('refuse a sealed position with %s', (_what, position) => {
    const cursor = codec.encode('c', position as CursorPosition);
    expect(refusal(() => codec.decode('c', cursor))).toMatchObject(REFUSED);
  });
});

function flip(cursor: string, index: number): string {
  const bytes = Buffer.from(cursor, 'base64url');
  bytes[index]! ^= 1;
  return bytes.toString('base64url');
}

/**
 * A cursor of the same position spelt another way, with its last character's lowest unused bit
 * toggled (base64url decoding ignores it). The position is chosen so that unused bits exist.
 */
function respell(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let skip = 1; ; skip *= 10) {
    const cursor = codec.encode('outbound', { page: { top: 20 }, skip });
    if (cursor.length * 6 - Buffer.from(cursor, 'base64url').length * 8 === 0) continue;
    return `${cursor.slice(0, -1)}${alphabet[alphabet.indexOf(cursor.at(-1)!) ^ 1]!}`;
  }
}
