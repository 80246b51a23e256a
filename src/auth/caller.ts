/** Who is calling, as established from a verified Entra ID access token. */
export interface Caller {
  /** USER for delegated tokens (`scp` present), APPLICATION for app-only tokens (`roles` without `scp`). */
  kind: 'USER' | 'APPLICATION';
  /** The `oid` claim: the user's or the service principal's object id. */
  objectId: string;
  /** The `tid` claim. */
  tenantId: string;
  /** The client application that obtained the token (`azp` or `appid`). */
  clientId: string | undefined;
  /** Delegated permissions from `scp`. Empty for applications. */
  scopes: readonly string[];
  /** Application permissions from `roles`. */
  roles: readonly string[];
  /** Directory role template ids from `wids`. */
  directoryRoles: readonly string[];
  /** `exp`, in seconds since the epoch. */
  expiresAt: number;
  /**
   * The caller's own token, kept only as the assertion of the on-behalf-of exchange.
   * It is never logged, returned or forwarded to Graph.
   */
  assertion: string;
  /** SHA-256 of `assertion`, computed once per request: the key of every per-token cache. */
  assertionHash: string;
}

export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
export const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
/** Tenant of personal Microsoft accounts, which the contract refuses. */
export const PERSONAL_ACCOUNTS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

/**
 * The gateway itself as a caller: what the ledger's worker completes pending requests with, so
 * that they go to Graph with the application's client-credentials token.
 */
export function applicationCaller(application: { clientId: string; tenantId: string }): Caller {
  return {
    kind: 'APPLICATION',
    objectId: application.clientId,
    tenantId: application.tenantId,
    clientId: application.clientId,
    scopes: [],
    roles: [],
    directoryRoles: [],
    expiresAt: Number.MAX_SAFE_INTEGER,
    assertion: '',
    assertionHash: 'gateway-application',
  };
}
