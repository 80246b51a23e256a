import { once } from 'node:events';
import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';
import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { GatewayConfig } from '../config/config.js';
import type { Logger } from '../observability/logger.js';

/** What one operation costs against the per-caller budgets. */
export interface OperationCost {
  /** Root fields, each one operation. */
  operations: number;
  /** Mutation root fields, each weighing the number of ids it lists (at least one). */
  removals: number;
}

export type Budget = keyof OperationCost;

export type Verdict =
  | { allowed: true }
  /** Over the budget for now: retry after the window rolls over. */
  | { allowed: false; budget: Budget; retryAfterSeconds: number }
  /** Costs more than a whole window's budget: it can never pass as it is. */
  | { allowed: false; budget: Budget; exceedsBudget: number };

export interface CallerRateLimiter {
  /** Takes the operation's cost from the caller's budgets, or says why it may not run. */
  consume(key: string, cost: OperationCost): Promise<Verdict>;
  /** Resolves once the shared store answers; at once when the budgets are in memory. */
  probe(): Promise<void>;
  close(): Promise<void>;
}

/** Budgets are fixed windows of this many seconds. */
export const WINDOW_SECONDS = 60;
/** A Redis round trip on the hot path: beyond this, the per-instance insurance budget answers. */
const REDIS_COMMAND_TIMEOUT_MS = 1_000;

/**
 * Per-caller budgets over fixed one-minute windows, with rate-limiter-flexible. In memory by
 * default; with `REDIS_URL`, in Redis so that every instance draws from the same budget. When
 * Redis does not answer, each instance falls back to an in-memory budget of the same size (the
 * library's insurance limiter): the gateway keeps serving and limiting, per instance, until Redis
 * is back. A caller over the limit is also remembered in memory for the rest of the window, so
 * that brute force costs no Redis round trip.
 */
export function createCallerRateLimiter(
  config: Omit<GatewayConfig['rateLimit'], 'enabled'>,
  logger: Logger,
): CallerRateLimiter {
  const redis = config.redisUrl ? connect(config.redisUrl, logger) : undefined;
  const budgets: Record<Budget, { points: number; limiter: RateLimiterAbstract }> = {
    operations: budget('operations', config.operationsPerMinute, redis),
    removals: budget('removals', config.removalsPerMinute, redis),
  };

  async function take(name: Budget, key: string, points: number): Promise<Verdict> {
    if (points === 0) return { allowed: true };
    const { limiter, points: perWindow } = budgets[name];
    if (points > perWindow) return { allowed: false, budget: name, exceedsBudget: perWindow };
    try {
      await limiter.consume(key, points);
      return { allowed: true };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return {
        allowed: false,
        budget: name,
        retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
      };
    }
  }

  return {
    async consume(key, cost) {
      // The stricter budget first, so that a refused removal leaves the operations budget alone.
      const removals = await take('removals', key, cost.removals);
      if (!removals.allowed) return removals;
      const operations = await take('operations', key, cost.operations);
      if (!operations.allowed && cost.removals > 0) {
        await budgets.removals.limiter.reward(key, cost.removals);
      }
      return operations;
    },
    async probe() {
      if (!redis) return;
      if (redis.status !== 'ready') await once(redis, 'ready', { signal: AbortSignal.timeout(5_000) });
      await redis.ping();
    },
    async close() {
      if (!redis) return;
      redis.removeAllListeners('close');
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function budget(
  name: Budget,
  points: number,
  redis: Redis | undefined,
): { points: number; limiter: RateLimiterAbstract } {
  const memory = new RateLimiterMemory({ keyPrefix: `gateway-${name}`, points, duration: WINDOW_SECONDS });
  if (!redis) return { points, limiter: memory };
  const shared = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `gateway-rate-limit:${name}`,
    points,
    duration: WINDOW_SECONDS,
    rejectIfRedisNotReady: true,
    inMemoryBlockOnConsumed: points + 1,
    insuranceLimiter: memory,
  });
  return { points, limiter: shared };
}

const load = createRequire(import.meta.url);

function connect(url: string, logger: Logger): Redis {
  // Loaded only with REDIS_URL: ioredis adds about 25 MiB of RSS that an in-memory gateway never needs.
  const { Redis: RedisClient } = load('ioredis') as typeof IORedis;
  const redis = new RedisClient(url, {
    // Queued commands would hold requests while Redis is away; the insurance budget answers instead.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  // One warning per outage, not one per reconnection attempt.
  let healthy = true;
  redis.on('ready', () => {
    if (!healthy) logger.info('rate-limit store reachable again');
    healthy = true;
  });
  const outage = (reason: string) => {
    if (!healthy) return;
    healthy = false;
    logger.warn({ reason }, 'rate-limit store unreachable; limiting per instance meanwhile');
  };
  redis.on('error', (error: Error) => outage(error.message));
  redis.on('close', () => outage('connection closed'));
  return redis;
}
