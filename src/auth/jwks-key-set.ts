import { type JWTVerifyGetKey, createRemoteJWKSet, customFetch, errors } from 'jose';
import type { Logger } from '../observability/logger.js';

export type JwksFetch = (
  url: string,
  init: { headers: Headers; method: 'GET'; signal: AbortSignal },
) => Promise<Response>;

export interface JwksKeySetOptions {
  uri: URL;
  /** Least time between two fetches caused by tokens (unknown `kid`, no keys yet). */
  cooldownMs: number;
  /** Period of the background refresh. */
  refreshMs: number;
  /** Fetch used for the JWKS, so that it shares the upstream pool and its trust settings. */
  fetch: JwksFetch;
  logger: Logger;
  timeoutMs?: number;
  /** Milliseconds since the epoch; a parameter so that tests can move time. */
  now?: () => number;
}

/** How often a gateway that has never loaded a key set may try again because a token arrived. */
const COLD_START_RETRY_MS = 1_000;

/**
 * The tenant's signing keys. jose fetches and parses the set and keeps the last good one when a
 * fetch fails; this class decides *when* to fetch. jose's own cooldown only starts on a successful
 * fetch, so while the authority fails every token with an unknown `kid` would fetch again: here
 * every attempt, failed or not, starts the cooldown, and tokens can never cause more than one
 * fetch per cooldown.
 */
export class JwksKeySet {
  /** For `jwtVerify`: resolves the key for a token's header from the cached set, never fetching. */
  readonly getKey: JWTVerifyGetKey;
  readonly #remote: ReturnType<typeof createRemoteJWKSet>;
  readonly #options: JwksKeySetOptions;
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout;
  /**
   * Last fetch a token caused. Scheduled refreshes do not count: a key rotated just after one
   * must still be fetched for the first token that names it.
   */
  #lastTokenFetchAt = Number.NEGATIVE_INFINITY;

  constructor(options: JwksKeySetOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    // Infinite cache age and cooldown: jose never refetches on its own, this class does.
    this.#remote = createRemoteJWKSet(options.uri, {
      cacheMaxAge: Number.POSITIVE_INFINITY,
      cooldownDuration: Number.POSITIVE_INFINITY,
      timeoutDuration: options.timeoutMs ?? 5_000,
      [customFetch]: options.fetch,
    });
    this.getKey = this.#remote;
    this.#timer = setInterval(() => void this.#settle(this.refresh()), options.refreshMs);
    this.#timer.unref();
  }

  hasKeys(): boolean {
    return this.#remote.jwks() !== undefined;
  }

  /** Fetches the set now; rejects when the fetch fails (the previous keys stay in use). */
  refresh(): Promise<void> {
    return this.#remote.reload();
  }

  /**
   * A token named a `kid` the set does not hold: the keys may have rotated. Fetches at most once
   * per cooldown; resolves true when a fresh set arrived (by this call or one already running).
   */
  refetchForUnknownKey(): Promise<boolean> {
    return this.#fetchIfDue(this.#options.cooldownMs);
  }

  /** Before the first successful fetch: tries again, but never more than once a second. */
  ensureLoaded(): Promise<boolean> {
    if (this.hasKeys()) return Promise.resolve(true);
    return this.#fetchIfDue(Math.min(COLD_START_RETRY_MS, this.#options.cooldownMs));
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #fetchIfDue(intervalMs: number): Promise<boolean> {
    // jose shares a running fetch between callers; waiting for it costs the authority nothing.
    if (this.#remote.reloading) return this.#settle(this.#remote.reload());
    if (this.#now() - this.#lastTokenFetchAt < intervalMs) return Promise.resolve(false);
    this.#lastTokenFetchAt = this.#now();
    return this.#settle(this.refresh());
  }

  #settle(fetching: Promise<void>): Promise<boolean> {
    return fetching.then(
      () => true,
      (error: unknown) => {
        this.#options.logger.warn(
          { err: describeJoseError(error) },
          'JWKS fetch failed; keeping the last keys',
        );
        return false;
      },
    );
  }
}

/** jose's stable error code, never a token or its claims. */
export function describeJoseError(error: unknown): string {
  if (error instanceof errors.JOSEError) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}
