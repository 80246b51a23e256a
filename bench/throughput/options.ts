export interface ThroughputOptions {
  /** Seconds of each measured run. */
  durationSeconds: number;
  /**
   * Seconds of each paced run at half rate. Longer than the others: a p99 of 6 s at ~1,500 req/s
   * is the 90th slowest response, so one stall of the shared rig (seen: 90 ms, in no process's
   * event loop) decided a run's p99 for the upstream alone as much as for the gateway.
   */
  latencyDurationSeconds: number;
  /** Seconds of the warm-up of each target, before any measured run. */
  warmupSeconds: number;
  /**
   * Seconds of unmeasured load right before each full-speed run. A target waits about 25 s between
   * its runs while the others are measured, and its first second back cost 420–470 µs per request
   * against 280 for the gateway (young generation shrunk while idle, caches cold), which a 6 s run
   * then averaged in. In production a gateway under load is not idle between requests.
   */
  settleSeconds: number;
  /** Measured runs per target; medians are reported. */
  rounds: number;
  connections: number;
}

export interface SoakOptions {
  requests: number;
  warmupRequests: number;
  connections: number;
}

type Env = Record<string, string | undefined>;

function positive(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

/**
 * The throughput bench's settings, from the environment (`npm run bench` passes its arguments on
 * as file filters). Five rounds, not three: on this shared machine one run in three or four lands in a
 * slow spell (the same build 15 % apart between rounds), and a median of three then reads it. The
 * whole run takes about nine minutes on two cores: five targets × five rounds × 6 s, 2 × 5 paced
 * runs of 20 s, 2 × 5 runs with protections off, 5 s warm-ups, the build and the starts, and one
 * second of settling before each full-speed run.
 */
export function throughputOptions(env: Env = process.env): ThroughputOptions {
  return {
    durationSeconds: positive(env, 'BENCH_DURATION_SECONDS', 6),
    latencyDurationSeconds: positive(env, 'BENCH_LATENCY_DURATION_SECONDS', 20),
    warmupSeconds: positive(env, 'BENCH_WARMUP_SECONDS', 5),
    settleSeconds: positive(env, 'BENCH_SETTLE_SECONDS', 1),
    rounds: Math.round(positive(env, 'BENCH_ROUNDS', 5)),
    connections: Math.round(positive(env, 'BENCH_CONNECTIONS', 32)),
  };
}

export function soakOptions(env: Env = process.env): SoakOptions {
  return {
    requests: Math.round(positive(env, 'BENCH_SOAK_REQUESTS', 200_000)),
    warmupRequests: Math.round(positive(env, 'BENCH_SOAK_WARMUP_REQUESTS', 30_000)),
    connections: Math.round(positive(env, 'BENCH_CONNECTIONS', 32)),
  };
}
