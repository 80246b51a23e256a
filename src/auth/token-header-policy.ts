import { decodeProtectedHeader } from 'jose';

/** Far above any Entra access token (a few KB even with many claims), far below the header limit. */
export const MAX_TOKEN_LENGTH = 16_384;

/**
 * Checks a token's protected header before any cryptography, so that a flood of malformed or
 * foreign tokens costs a base64 decode each, not a signature verification or a key lookup.
 * Returns why the token is refused, or undefined when verification may proceed.
 *
 * - `alg` must be one we accept (jose checks again; refusing here skips the key lookup).
 * - `kid` is required: Entra always names its key, and a key set is only ever searched by it.
 * - `crit` is refused outright: Entra never sets it, and accepting extensions that jose happens to
 *   understand (`b64`) would let a token change how its own signature is read.
 * - `typ`, when present, must say JWT (RFC 7519 §5.1; compared like jose does, case-insensitively
 *   and without `application/`): an ID token profile, a DPoP proof or a logout token is not an
 *   access token for this API.
 */
export function refuseUnexpectedHeader(token: string, algorithms: readonly string[]): string | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return 'token too long';
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return 'header not decodable';
  }
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) return 'alg not allowed';
  if (typeof header.kid !== 'string' || header.kid.length === 0) return 'kid missing';
  if (header.crit !== undefined) return 'crit header present';
  if (header.typ !== undefined && normalizeMediaType(header.typ) !== 'jwt') return 'typ not JWT';
  return undefined;
}

function normalizeMediaType(value: unknown): string {
  const lower = String(value).toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}
