import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { BadUserInputError } from '../errors/gateway-errors.js';
import type { GraphPageRequest } from '../graph/graph-adapter.js';

/** Where a connection resumes: a Graph page (the first one, or one at Graph's link) and how much of it was read. */
export interface CursorPosition {
  page: GraphPageRequest;
  /** Items of that page already returned to the client. */
  skip: number;
}

/** Longer than any cursor the gateway makes (Graph's links are a few hundred characters). */
const MAX_CURSOR_LENGTH = 4096;
const VERSION = 'v1';

const payloadSchema = z.union([
  z.object({ l: z.string().min(1).max(MAX_CURSOR_LENGTH), s: z.number().int().min(0).max(100_000) }).strict(),
  z.object({ t: z.number().int().min(1).max(1000), s: z.number().int().min(0).max(100_000) }).strict(),
]);

/**
 * The key that signs cursors, derived from the gateway's client secret (HKDF with its own label,
 * so the MAC reveals nothing of the secret): every instance with the same configuration accepts
 * the others' cursors and they survive restarts; rotating the secret invalidates open cursors.
 */
export function deriveCursorKey(secret: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', secret, 'shared-profile-gateway', 'connection cursors v1', 32) as ArrayBuffer,
  );
}

/**
 * Opaque, tamper-proof connection cursors. A cursor is `payload.mac` (base64url) where the HMAC
 * covers the connection it was made for (e.g. one profile's `tenants`): a cursor edited, forged
 * or carried to another connection is refused with BAD_USER_INPUT before anything is fetched.
 * The link inside is Graph's own; the adapter checks it again before following it.
 */
export class CursorCodec {
  constructor(private readonly key: Uint8Array) {}

  encode(connection: string, position: CursorPosition): string {
    const payload =
      'link' in position.page
        ? { l: position.page.link, s: position.skip }
        : { t: position.page.top, s: position.skip };
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${encoded}.${this.mac(connection, encoded).toString('base64url')}`;
  }

  decode(connection: string, cursor: string): CursorPosition {
    const refuse = () => new BadUserInputError('`after` is not a cursor of this connection.', 'after');
    if (cursor.length > MAX_CURSOR_LENGTH) throw refuse();
    const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(cursor);
    if (!match?.[1] || !match[2]) throw refuse();
    const [, encoded, mac] = match;
    // Compared as text: base64url decoding ignores the last character's unused bits, so a
    // comparison of the decoded bytes would accept several spellings of one signature.
    const expected = Buffer.from(this.mac(connection, encoded).toString('base64url'));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse();
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    } catch {
      throw refuse();
    }
    const parsed = payloadSchema.safeParse(json);
    if (!parsed.success) throw refuse();
    const payload = parsed.data;
    return { page: 'l' in payload ? { link: payload.l } : { top: payload.t }, skip: payload.s };
  }

  private mac(connection: string, encoded: string): Buffer {
    return createHmac('sha256', this.key).update(`${VERSION}\n${connection}\n${encoded}`).digest();
  }
}
