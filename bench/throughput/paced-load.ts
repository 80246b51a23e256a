import { Agent, request } from 'undici';
import { type LoadResult, type LoadTarget, meterCpu, percentile } from './load.js';

export interface PacedOptions {
  /** Requests per second, spread evenly over each second. */
  rate: number;
  durationSeconds: number;
  /**
   * Connections at most, opened while settling. A stall then queues requests (their latency still
   * counts from when they were due) instead of opening new ones: TLS handshakes to the HTTPS
   * upstream in the middle of a measured run cost the core it shares with this generator hundreds
   * of milliseconds (seen: the upstream's own p99 at 8 ms in one run, 382 ms in the next).
   */
  connections: number;
  /** PEM of the loopback CA, for HTTPS targets. */
  ca: string;
  /** Other processes whose CPU time per response to report (name → pid). */
  watch?: Record<string, number>;
  /** Called when the measured part begins, after the settling one. */
  onMeasureStart?: () => Promise<void>;
}

/** Unmeasured pacing first: the connections are opened then, not during the measured seconds. */
const SETTLE_SECONDS = 1;

/** How long the last requests of a pace may still take before the target counts as hung. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Waits for the requests still pending after a pace. Those requests carry no deadline of their
 * own (see `runPaced`), so a target that stops answering is caught here: the pool is destroyed,
 * which fails every request in it, and the run throws.
 */
async function drain(pending: Set<Promise<void>>, dispatcher: Agent, target: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(resolve, DRAIN_TIMEOUT_MS, 'hung');
  });
  const outcome = await Promise.race([Promise.all(pending), hung]);
  clearTimeout(timer);
  if (outcome !== 'hung') return;
  const unanswered = pending.size;
  await dispatcher.destroy();
  throw new Error(
    `${target} left ${unanswered} requests unanswered ${DRAIN_TIMEOUT_MS / 1000} s after its run`,
  );
}

/**
 * An open-loop load at a steady rate: request i is due at start + i / rate, whatever happened to
 * the ones before, and its latency counts from when it was due (so a stall is not hidden by
 * sending later). autocannon's `overallRate` was not used here: it lets each connection send its
 * per-second quota back to back and then idle, so "half the rate" is full concurrency for half of
 * every second and its percentiles measure that burst's queue, not the added latency.
 */
export async function runPaced(target: LoadTarget, options: PacedOptions): Promise<LoadResult> {
  // No header or body timeout per request: each was an undici timer that outlived a few of this
  // process's scavenges and was promoted, and this process's collections delay every target's
  // requests. A hung target is caught by `drain` instead.
  const dispatcher = new Agent({
    connections: options.connections,
    connect: { ca: options.ca },
    keepAliveTimeout: 30_000,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let record = false;

  const send = (due: number) =>
    request(target.url, {
      method: 'POST',
      headers: target.headers,
      body: target.body ?? null,
      dispatcher,
    })
      .then(async (response) => {
        await response.body.dump();
        if (!record) return;
        if (response.statusCode >= 200 && response.statusCode < 300) latencies.push(performance.now() - due);
        else non2xx += 1;
      })
      .catch(() => {
        if (record) errors += 1;
      });

  async function pace(seconds: number): Promise<void> {
    // Only the requests still pending. Holding every request's promise to the end of the run kept
    // tens of thousands alive in the load generator: the upstream alone's p99 at 2,075 req/s read
    // 4.1–6.9 ms that way and 2.9–3.3 ms this way (four alternating pairs of 20 s).
    const pending = new Set<Promise<void>>();
    const total = Math.round(options.rate * seconds);
    const intervalMs = 1000 / options.rate;
    const start = performance.now();
    for (let sent = 0; sent < total;) {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) {
        const response = send(start + sent * intervalMs);
        pending.add(response);
        void response.finally(() => pending.delete(response));
        sent += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + sent * intervalMs - now - 0.5)));
    }
    await drain(pending, dispatcher, target.name);
  }

  try {
    await pace(SETTLE_SECONDS);
    await options.onMeasureStart?.();
    record = true;
    const cpu = meterCpu(target, options.watch);
    const started = performance.now();
    await pace(options.durationSeconds);
    const elapsedSeconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const responses = latencies.length + non2xx;
    return {
      target: target.name,
      requestsPerSecond: responses / elapsedSeconds,
      p50: percentile(latencies, 50),
      p97_5: percentile(latencies, 97.5),
      p99: percentile(latencies, 99),
      responses,
      non2xx,
      errors,
      ...cpu(responses),
    };
  } finally {
    if (!dispatcher.destroyed) await dispatcher.close();
  }
}
