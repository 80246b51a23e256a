import { randomUUID } from 'node:crypto';

/**
 * An OAuth error as Entra ID words it: an `AADSTS` code in `error_codes` and at the start of
 * `error_description`. Thrown by the identity provider's handlers, rendered by `entraErrorBody`.
 */
export class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadstsCode: number,
    readonly description: string,
  ) {
    super(`AADSTS${aadstsCode}: ${description}`);
    this.name = 'EntraError';
  }
}

/** Entra's timestamp style: `2024-05-01 12:34:56Z`. */
function entraTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

export function entraErrorBody(error: EntraError, correlationId: string): Record<string, unknown> {
  const traceId = randomUUID();
  const timestamp = entraTimestamp(new Date());
  return {
    error: error.error,
    error_description: `${error.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [error.aadstsCode],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
  };
}
