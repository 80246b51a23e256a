import { GATEWAY_URL } from './settings';
import type { ProblemCode } from './gateway-error';

/** What the person was doing, to finish sentences such as "You are not allowed to …". */
export type Attempt = string;

const seconds = (n: number) => (n === 1 ? '1 second' : `${n} seconds`);

/**
 * One sentence for each error of the gateway's contract, for people rather than developers: the
 * person reads what happened and what to do, never a JSON error.
 */
export function inWords(
  problem: { code: ProblemCode; message?: string; retryAfterSeconds?: number | null; status?: number },
  attempt: Attempt,
): string {
  const wait = problem.retryAfterSeconds;
  switch (problem.code) {
    case 'UNAUTHENTICATED':
      return 'Your sign-in is not valid or has expired: sign in again.';
    case 'FORBIDDEN':
      return `You are not allowed to ${attempt}.`;
    case 'RATE_LIMITED':
      return typeof wait === 'number'
        ? `Too many requests: try again in ${seconds(wait)}.`
        : 'Too many requests: try again in a minute.';
    case 'THROTTLED':
      return typeof wait === 'number'
        ? `Microsoft Graph is busy and asked us to slow down: try again in ${seconds(wait)}.`
        : 'Microsoft Graph is busy and asked us to slow down: try again in a moment.';
    case 'BAD_USER_INPUT':
      return `The gateway refused the request as not valid${problem.message ? `: ${problem.message}` : '.'}`;
    case 'NOT_FOUND':
      return 'Microsoft Graph does not know this user or tenant.';
    case 'UPSTREAM_TIMEOUT':
      return 'Microsoft Graph did not answer in time: try again later.';
    case 'UPSTREAM_UNAVAILABLE':
      return typeof wait === 'number'
        ? `Microsoft Graph cannot be reached right now: try again in ${seconds(wait)}.`
        : 'Microsoft Graph cannot be reached right now: try again later.';
    case 'UPSTREAM_ERROR':
      return 'Microsoft Graph could not handle the request: try again later.';
    case 'NETWORK':
      return `The gateway at ${GATEWAY_URL} cannot be reached: check that it is running (npm run example) and try again.`;
    case 'HTTP':
      return `The gateway answered with HTTP ${problem.status ?? 'error'} and no usable result: try again later.`;
  }
}
