import type { CORSOptions, Plugin } from 'graphql-yoga';
import type { GatewayConfig } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { createCallerRateLimiter } from '../rate-limit/caller-rate-limiter.js';
import { corsPolicy } from './cors-policy.js';
import type { ReadinessProbe } from './readiness.js';
import type { GatewayPluginContext } from './server-context.js';
import { useDocumentLimits } from './plugins/use-document-limits.js';
import { useFieldSuggestionMasking } from './plugins/use-field-suggestion-masking.js';
import { useIntrospectionSwitch } from './plugins/use-introspection-switch.js';
import { useRateLimit } from './plugins/use-rate-limit.js';

export interface Hardening {
  /** In order: introspection switch, suggestion masking, document limits, rate limit. */
  plugins: Array<Plugin | Plugin<GatewayPluginContext>>;
  cors: (request: Request) => CORSOptions | false;
  /** Dependencies worth reporting on `/readiness`: the shared rate-limit store, when there is one. */
  readinessProbes: ReadinessProbe[];
  close(): Promise<void>;
}

/**
 * The protections that are switched by configuration, assembled once per gateway (limiters and
 * rules are built here, never per request). See SECURITY.md for what each one stops.
 */
export function createHardening(config: GatewayConfig, logger: Logger, metrics: GatewayMetrics): Hardening {
  const limiter = config.rateLimit.enabled ? createCallerRateLimiter(config.rateLimit, logger) : undefined;
  const off = [
    ...(config.rateLimit.enabled ? [] : ['RATE_LIMITING']),
    ...(config.ledger.recording ? [] : ['LEDGER_RECORDING']),
    ...(config.documentLimits.enabled ? [] : ['DOCUMENT_LIMITS']),
  ];
  if (off.length > 0) logger.warn({ off }, 'protections turned off by configuration');
  const plugins: Hardening['plugins'] = [useIntrospectionSwitch(config.http.introspection)];
  // Suggestions name fields and types: shown only where anyone may introspect anyway.
  if (config.http.introspection !== true || config.production) plugins.push(useFieldSuggestionMasking());
  if (config.documentLimits.enabled) plugins.push(useDocumentLimits(config.documentLimits));
  if (limiter) plugins.push(useRateLimit(limiter, metrics));
  return {
    plugins,
    cors: corsPolicy(config.http.corsOrigins),
    readinessProbes:
      limiter && config.rateLimit.redisUrl
        ? [{ name: 'rate-limit-store', check: () => limiter.probe(), informational: true }]
        : [],
    close: async () => {
      await limiter?.close();
    },
  };
}
