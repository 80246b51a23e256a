import { type DestinationStream, pino } from 'pino';
import type { YogaLogger } from 'graphql-yoga';
import type { LogLevel } from '../config/config.js';

export type Logger = pino.Logger;

/**
 * Structured JSON logs. Redaction is a safety net only: the gateway never hands tokens or secrets
 * to the logger in the first place. `fields` adds to every line (the trace's ids, when tracing is on).
 */
export function createLogger(
  level: LogLevel,
  destination?: DestinationStream,
  fields?: () => Record<string, string>,
): Logger {
  return pino(
    {
      level,
      base: undefined,
      ...(fields ? { mixin: fields } : {}),
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

/**
 * yoga's own messages (unexpected errors among them) as structured lines of ours. yoga logs a few
 * debug messages on every request: a level that is off gets a function that does nothing, so
 * those cost no arguments array and no object each.
 */
export function toYogaLogger(logger: Logger): YogaLogger {
  const log = (level: 'debug' | 'info' | 'warn' | 'error') =>
    logger.isLevelEnabled(level)
      ? (...args: unknown[]) => {
          const [first, ...rest] = args;
          if (first instanceof Error) logger[level]({ err: first.name }, first.message);
          else logger[level](rest.length ? { details: rest.map(String) } : {}, String(first));
        }
      : () => {};
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
