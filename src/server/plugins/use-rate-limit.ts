import type { Plugin } from 'graphql-yoga';
import { RateLimitedError } from '../../errors/gateway-errors.js';
import type { GatewayMetrics } from '../../observability/metrics.js';
import { callerKey } from '../../rate-limit/caller-key.js';
import { type CallerRateLimiter, WINDOW_SECONDS } from '../../rate-limit/caller-rate-limiter.js';
import { operationCost } from '../../rate-limit/operation-root-fields.js';
import type { GatewayPluginContext } from '../server-context.js';

/**
 * Per-caller rate limiting, counted per root field (an aliased or multi-field operation costs what
 * it asks for) with a stricter budget for removals and exports, where each id of a bulk counts.
 * It runs when execution starts: after the token is verified and the document validated, before
 * any resolver, so a refused operation never reaches Graph. Over the limit: `RATE_LIMITED`, HTTP
 * 429 and `Retry-After` in whole seconds.
 */
export function useRateLimit(
  limiter: CallerRateLimiter,
  metrics: GatewayMetrics,
): Plugin<GatewayPluginContext> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const cost = operationCost(args.document, args.operationName, args.variableValues);
      if (cost.operations === 0) return;
      const { caller, req } = args.contextValue;
      // An anonymous removal is refused with 401 before any upstream call; charging it would let
      // anonymous traffic from one address spend the removal budget and answer 429 instead.
      const charged = caller ? cost : { ...cost, removals: 0 };
      const verdict = await limiter.consume(callerKey(caller, req?.socket?.remoteAddress), charged);
      if (verdict.allowed) return;
      metrics.rateLimited.inc({ budget: verdict.budget });
      setResultAndStopExecution({
        errors: [
          // The contract's limit, so its code; the message says why waiting alone will not help.
          'exceedsBudget' in verdict
            ? new RateLimitedError(
                WINDOW_SECONDS,
                `This operation needs more ${verdict.budget} than the ${verdict.exceedsBudget} allowed per minute; split it.`,
              )
            : new RateLimitedError(verdict.retryAfterSeconds),
        ],
      });
    },
  };
}
