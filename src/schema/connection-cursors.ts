import { createCipheriv, createDecipheriv, hkdfSync, randomFillSync } from 'node:crypto';
import { z } from 'zod';
import { BadUserInputError } from '../errors/gateway-errors.js';
import type { GraphPageRequest } from '../graph/adapter/graph-adapter.js';

/** Where a connection resumes: a Graph page (the first one, or one at Graph's link) and how much of it was read. */
export interface CursorPosition {
  page: GraphPageRequest;
  /** Items of that page already returned to the client. */
  skip: number;
}

const CIPHER = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Longer than any link Graph hands out (a few hundred characters). */
const MAX_LINK_LENGTH = 4096;
/** The base64url length of a cursor holding the longest link, with room for the rest of its JSON. */
const MAX_CURSOR_LENGTH = Math.ceil(((NONCE_BYTES + MAX_LINK_LENGTH + 64 + TAG_BYTES) * 4) / 3);
const VERSION = 'v2';
/** Nonces drawn from the CSPRNG at once: one `randomBytes(12)` per cursor cost 2 µs, a page has 100. */
const NONCES_PER_DRAW = 256;

const payloadSchema = z.union([
  z.object({ l: z.string().min(1).max(MAX_LINK_LENGTH), s: z.number().int().min(0).max(100_000) }).strict(),
  z.object({ t: z.number().int().min(1).max(1000), s: z.number().int().min(0).max(100_000) }).strict(),
]);

/**
 * The key that seals cursors, derived from the gateway's client secret (HKDF with its own label,
 * so nothing of the secret can be learnt from cursors): every instance with the same
 * configuration accepts the others' cursors and they survive restarts; rotating the secret
 * invalidates open cursors.
 */
export function deriveCursorKey(secret: string): Buffer {
  return Buffer.from(
    hkdfSync(
      'sha256',
      secret,
      'shared-profile-gateway',
      'connection cursors v2 aes-256-gcm',
      32,
    ) as ArrayBuffer,
  );
}

/**
 * Opaque, tamper-proof connection cursors: `base64url(nonce ‖ AES-256-GCM(position) ‖ tag)`, with
 * a random nonce per cursor and the connection it was made for (e.g. one profile's `tenants`) as
 * associated data. A client learns nothing from a cursor (not Graph's address, not the position),
 * and a cursor edited, cut, forged or carried to another connection is refused with
 * BAD_USER_INPUT before anything is fetched. The link inside is Graph's own; the adapter checks it
 * again before following it.
 */
export class CursorCodec {
  private readonly nonces = Buffer.alloc(NONCE_BYTES * NONCES_PER_DRAW);
  private nextNonce = NONCES_PER_DRAW;

  constructor(private readonly key: Uint8Array) {}

  encode(connection: string, position: CursorPosition): string {
    const payload =
      'link' in position.page
        ? { l: position.page.link, s: position.skip }
        : { t: position.page.top, s: position.skip };
    return this.seal(connection, payload);
  }

  decode(connection: string, cursor: string): CursorPosition {
    const parsed = payloadSchema.safeParse(this.open(connection, cursor));
    if (!parsed.success) throw refusal();
    const payload = parsed.data;
    return { page: 'l' in payload ? { link: payload.l } : { top: payload.t }, skip: payload.s };
  }

  /** Seals any JSON value as a cursor of `connection`. */
  seal(connection: string, payload: unknown): string {
    const nonce = this.freshNonce();
    const cipher = createCipheriv(CIPHER, this.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(connection));
    const sealed = cipher.update(JSON.stringify(payload), 'utf8');
    return Buffer.concat([nonce, sealed, cipher.final(), cipher.getAuthTag()]).toString('base64url');
  }

  /** The JSON value sealed in `cursor` for `connection`; BAD_USER_INPUT for anything else. */
  open(connection: string, cursor: string): unknown {
    const refuse = refusal;
    if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse();
    const bytes = Buffer.from(cursor, 'base64url');
    // One spelling per cursor: base64url decoding ignores the last character's unused bits.
    if (bytes.length <= NONCE_BYTES + TAG_BYTES || bytes.toString('base64url') !== cursor) throw refuse();
    let json: unknown;
    try {
      const decipher = createDecipheriv(CIPHER, this.key, bytes.subarray(0, NONCE_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(associatedData(connection));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const opened = Buffer.concat([
        decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
      json = JSON.parse(opened.toString('utf8'));
    } catch {
      throw refuse();
    }
    return json;
  }

  /** A nonce never handed out before; a view of the pool, read before the next draw overwrites it. */
  private freshNonce(): Buffer {
    if (this.nextNonce === NONCES_PER_DRAW) {
      randomFillSync(this.nonces);
      this.nextNonce = 0;
    }
    const start = this.nextNonce * NONCE_BYTES;
    this.nextNonce += 1;
    return this.nonces.subarray(start, start + NONCE_BYTES);
  }
}

function refusal(): BadUserInputError {
  return new BadUserInputError('`after` is not a cursor of this connection.', 'after');
}

function associatedData(connection: string): Buffer {
  return Buffer.from(`${VERSION}\n${connection}`, 'utf8');
}
