/** Answers that say Graph itself is unwell (not the request): what a circuit breaker counts. */
export const UNHEALTHY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * What the circuit counts against Graph: no answer in time or a dropped socket (`networkError`,
 * `TIMEOUT` for the deadline), or a 502/503/504. In a module of its own, so that the rule has a
 * unit test of its own.
 */
export function isUnhealthyExchange(exchange: { status: number; networkError: string | undefined }): boolean {
  return exchange.networkError !== undefined || UNHEALTHY_STATUSES.has(exchange.status);
}
