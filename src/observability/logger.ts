import { type DestinationStream, pino } from 'pino';
import type { LogLevel } from '../config/config.js';

export type Logger = pino.Logger;

/**
 * Structured JSON logs. Redaction is a safety net only: the gateway never hands tokens or secrets
 * to the logger in the first place.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          '*.authorization',
          '*.Authorization',
          '*.assertion',
          '*.clientSecret',
          '*.accessToken',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
