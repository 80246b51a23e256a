import { FaultBook, type CountedFault, type FaultControls } from './fault-book.js';

/** A scripted misbehaviour for the Graph calls it matches (every call when nothing narrows it). */
export interface GraphFault extends CountedFault {
  /** e.g. `POST`; any method when absent. */
  method?: string;
  /** Tested against the path below `/beta` (e.g. `/directory/...` or `/$batch`), query excluded. */
  pathPattern?: RegExp;
  /** The status to answer instead of running the route; without it the call proceeds (after any delay). */
  status?: number;
  /** `Retry-After` header value: whole or fractional seconds, or an HTTP date. */
  retryAfter?: string;
  /** Never answer; the connection stays open until the client aborts or the emulator closes. */
  hang?: boolean;
  /**
   * Drop the connection without answering (the socket is destroyed, as when a load balancer or
   * Graph's front end resets it); inside a `$batch` the whole exchange is dropped.
   */
  drop?: boolean;
  /** Answer 200 with a JSON body of at least this many bytes instead of running the route. */
  answerBytes?: number;
  delayMs?: number;
}

export interface GraphFaultControls extends FaultControls<GraphFault> {
  /** Fails this share of calls (0 to 1) with `status`, drawn from a seeded generator so runs repeat. */
  setFailureRate(rate: number, status?: number): void;
}

// Any fixed seed works; fixing it is what makes a failure-rate run repeat exactly.
const FAILURE_SEED = 0x5eed;

/** mulberry32: tiny, fast and good enough to spread failures evenly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export class GraphFaultInjector implements GraphFaultControls {
  #book = new FaultBook<GraphFault>();
  #failureRate = 0;
  #failureStatus = 503;
  #random = seededRandom(FAILURE_SEED);

  add(fault: GraphFault): void {
    this.#book.add(fault);
  }

  /** Removes the scripted faults; the failure rate stays until set to 0. */
  clear(): void {
    this.#book.clear();
  }

  setFailureRate(rate: number, status = 503): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`A failure rate is between 0 and 1, not ${rate}.`);
    this.#failureRate = rate;
    this.#failureStatus = status;
    this.#random = seededRandom(FAILURE_SEED);
  }

  /** The fault this call meets: a scripted one first, otherwise maybe a random failure. */
  next(method: string, path: string): GraphFault | undefined {
    const scripted = this.#book.take(
      (fault) =>
        (fault.method === undefined || fault.method.toUpperCase() === method) &&
        // search() ignores lastIndex, so a pattern with the g flag still matches every time.
        (fault.pathPattern === undefined || path.search(fault.pathPattern) !== -1),
    );
    if (scripted) return scripted;
    if (this.#failureRate > 0 && this.#random() < this.#failureRate) return { status: this.#failureStatus };
    return undefined;
  }
}

const FAULT_ERRORS: Readonly<Record<number, { code: string; message: string }>> = {
  400: { code: 'BadRequest', message: 'The request is malformed or incorrect.' },
  401: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' },
  403: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' },
  404: { code: 'Request_ResourceNotFound', message: 'The requested resource does not exist.' },
  429: {
    code: 'TooManyRequests',
    message: 'Too many requests. Retry after the time in the Retry-After header.',
  },
  500: { code: 'InternalServerError', message: 'An internal server error occurred.' },
  502: { code: 'BadGateway', message: 'The upstream service answered with an invalid response.' },
  503: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' },
  504: { code: 'GatewayTimeout', message: 'The service did not answer in time.' },
};

/** Graph's error code and wording for a status a fault answers with. */
export function describeFaultStatus(status: number): { code: string; message: string } {
  return FAULT_ERRORS[status] ?? { code: 'UnknownError', message: `The service answered ${status}.` };
}
