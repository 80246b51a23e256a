import type { GraphPrincipal } from './graph-emulator-auth.js';
import type { GraphRequest } from './graph-emulator-protocol.js';

/**
 * One Graph call as the emulator saw it, for tests to assert on. The claims come from the
 * verified bearer token, and are all undefined (roles empty) when it was missing or refused.
 */
export interface RecordedRequest {
  method: string;
  /** Below `/beta`, with the query, e.g. `/directory/outboundSharedUserProfiles?$top=5`. */
  path: string;
  clientRequestId: string | undefined;
  viaBatch: boolean;
  oid: string | undefined;
  tid: string | undefined;
  idtyp: string | undefined;
  /** `appid`, or `azp` for tokens that carry only that. */
  appid: string | undefined;
  scp: string | undefined;
  roles: readonly string[];
}

/** What the recording needs of a call; refused calls have no principal. */
type RecordableCall = Pick<GraphRequest, 'method' | 'pathAndQuery' | 'ids' | 'viaBatch'>;

/** Keeps what tests assert on: every call with its caller's claims, and every bearer token presented. */
export class GraphRecorder {
  /** Live: a test holding this array sees later calls too. */
  readonly requests: RecordedRequest[] = [];
  #tokens = new Set<string>();

  record(call: RecordableCall, principal: GraphPrincipal | undefined): void {
    const claims = principal?.claims ?? {};
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    this.requests.push({
      method: call.method,
      path: call.pathAndQuery,
      clientRequestId: call.ids.clientRequestId,
      viaBatch: call.viaBatch,
      oid: text(claims.oid),
      tid: text(claims.tid),
      idtyp: text(claims.idtyp),
      appid: text(claims.appid) ?? text(claims.azp),
      scp: text(claims.scp),
      roles: principal?.roles ?? [],
    });
  }

  sawToken(token: string): void {
    this.#tokens.add(token);
  }

  tokensSeen(): string[] {
    return [...this.#tokens];
  }

  reset(): void {
    this.requests.length = 0;
    this.#tokens.clear();
  }
}
