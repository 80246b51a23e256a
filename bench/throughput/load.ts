import autocannon from 'autocannon';
import { startCpuMeter } from './proc-stats.js';

/** Something the load generator can hit with the removal: one HTTP request, sent over and over. */
export interface LoadTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The process whose CPU time is charged to this target's requests. */
  pid?: number;
}

/** CPU microseconds per response of the target and of the other processes watched (name → µs). */
export type CpuPerRequest = Record<string, number>;

export interface LoadOptions {
  connections: number;
  durationSeconds?: number;
  /** Requests to complete instead of a duration. */
  amount?: number;
  /** Requests per second across all connections (autocannon's `overallRate`); none is as fast as possible. */
  overallRate?: number;
  /** Latencies are kept in memory; a soak of many requests turns this off. */
  keepLatencies?: boolean;
  /** Other processes whose CPU time per response to report (name → pid), e.g. the upstream. */
  watch?: Record<string, number>;
  /** Called every second with the responses so far, e.g. to sample memory. */
  onSecond?: (responses: number) => void;
}

export interface LoadResult {
  target: string;
  requestsPerSecond: number;
  /** Milliseconds, from every 2xx response (sub-millisecond precision, unlike autocannon's histogram). */
  p50: number;
  p97_5: number;
  p99: number;
  responses: number;
  non2xx: number;
  errors: number;
  /** CPU time of `target.pid` per response, in microseconds. */
  cpuMicrosPerRequest: number | undefined;
  /** The same for the watched processes and for the load generator (`generator`). */
  cpuElsewhere: CpuPerRequest;
}

/** Starts metering the target's CPU and the watched processes'; `finish` splits the target's out. */
export function meterCpu(target: LoadTarget, watch: Record<string, number> = {}) {
  const meter = startCpuMeter({ ...watch, ...(target.pid === undefined ? {} : { target: target.pid }) });
  return (responses: number): Pick<LoadResult, 'cpuMicrosPerRequest' | 'cpuElsewhere'> => {
    const { target: own, ...elsewhere } = meter.stop(responses);
    return { cpuMicrosPerRequest: own, cpuElsewhere: elsewhere };
  };
}

/** One autocannon run against `target`, with latencies recorded exactly and the server's CPU time read around it. */
export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const cpu = meterCpu(target, options.watch);
  let responses = 0;
  let ticker: NodeJS.Timeout | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: 'POST',
        headers: target.headers,
        ...(target.body !== undefined ? { body: target.body } : {}),
        connections: options.connections,
        pipelining: 1,
        ...(options.amount !== undefined
          ? { amount: options.amount }
          : { duration: options.durationSeconds ?? 5 }),
        ...(options.overallRate !== undefined ? { overallRate: options.overallRate } : {}),
        timeout: 10,
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      responses += 1;
      if (options.keepLatencies !== false && status >= 200 && status < 300) latencies.push(responseTime);
    });
    if (options.onSecond) ticker = setInterval(() => options.onSecond?.(responses), 1_000);
  }).finally(() => clearInterval(ticker));
  const completed = result['2xx'] + result.non2xx;
  latencies.sort((a, b) => a - b);
  return {
    target: target.name,
    requestsPerSecond: completed / result.duration,
    p50: percentile(latencies, 50),
    p97_5: percentile(latencies, 97.5),
    p99: percentile(latencies, 99),
    responses: completed,
    non2xx: result.non2xx,
    errors: result.errors,
    ...cpu(completed),
  };
}

/** Nearest-rank percentile of an ascending list; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = Math.floor(finite.length / 2);
  return finite.length % 2 === 1
    ? (finite[middle] as number)
    : ((finite[middle - 1] as number) + (finite[middle] as number)) / 2;
}

/** The median of one figure over several runs; runs without it are left out. */
export function medianOf<T>(runs: readonly T[], pick: (run: T) => number | undefined): number {
  return median(runs.map((run) => pick(run) ?? Number.NaN));
}
