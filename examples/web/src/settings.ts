/** The gateway's origin, from `VITE_GATEWAY_URL` (the embedded gateway's default address otherwise). */
export const GATEWAY_URL = (import.meta.env.VITE_GATEWAY_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');

/**
 * Whether to send only each document's SHA-256, as a gateway started with `TRUSTED_DOCUMENTS`
 * requires (it refuses any request with a `query`). Off, the full document travels, as any
 * gateway without a manifest requires.
 */
export const TRUSTED_DOCUMENTS = import.meta.env.VITE_TRUSTED_DOCUMENTS === 'true';
