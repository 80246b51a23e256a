import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics, on a registry of its own so that several gateways can share a process. */
export interface GatewayMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'status'>;
  httpDuration: Histogram<'method'>;
  upstreamCalls: Counter<'operation' | 'status'>;
  upstreamRetries: Counter<'operation' | 'reason'>;
  upstreamDuration: Histogram<'operation'>;
  /** 0 closed, 1 half-open, 2 open. */
  upstreamCircuitState: Gauge<'upstream'>;
  upstreamShortCircuited: Counter<'upstream'>;
  tokenVerifications: Counter<'outcome'>;
  rateLimited: Counter<'budget'>;
  /** The ledger's exchanges with Graph, by what they settled: succeeded, failed, pending (to retry). */
  ledgerAttempts: Counter<'outcome'>;
  /**
   * Reads the ledger's state at each scrape (pending, oldest pending, overdue requests); while the
   * read fails, `gateway_ledger_readable` is 0 and those gauges are NaN.
   */
  watchLedger(read: () => Promise<LedgerState>): void;
}

/** What `/metrics` shows of the ledger's pending work. */
export interface LedgerState {
  pending: number;
  oldestPendingSeconds: number;
  overdue: number;
}

export function createMetrics(options: { processMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  let readLedger: (() => Promise<LedgerState>) | undefined;
  // One read per scrape, shared by the ledger's gauges.
  let scrape: Promise<LedgerState | undefined> | undefined;
  /** A gauge read from the ledger at each scrape; `pick` gets undefined when the read failed. */
  const ledgerGauge = (name: string, help: string, pick: (state: LedgerState | undefined) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        if (!readLedger) return;
        scrape ??= readLedger()
          .catch(() => undefined)
          .finally(() => setTimeout(() => (scrape = undefined), 0));
        this.set(pick(await scrape));
      },
    });
  // Unknown while the database cannot be read: NaN, never the last value seen.
  const known = (pick: (state: LedgerState) => number) => (state: LedgerState | undefined) =>
    state ? pick(state) : Number.NaN;
  ledgerGauge(
    'gateway_ledger_readable',
    'Whether the ledger could be read for this scrape (1) or not (0): the other ledger gauges are NaN meanwhile.',
    (state) => (state ? 1 : 0),
  );
  ledgerGauge(
    'gateway_ledger_pending_requests',
    'Personal-data requests not settled yet.',
    known((s) => s.pending),
  );
  ledgerGauge(
    'gateway_ledger_oldest_pending_seconds',
    'Age of the oldest pending personal-data request (0 when none is pending).',
    known((s) => s.oldestPendingSeconds),
  );
  ledgerGauge(
    'gateway_ledger_overdue_requests',
    'Pending personal-data requests past their due date (requestedAt plus one month).',
    known((s) => s.overdue),
  );
  return {
    watchLedger(read) {
      readLedger = read;
    },
    ledgerAttempts: new Counter({
      name: 'gateway_ledger_attempts_total',
      help: 'Exchanges with Graph for personal-data requests, by what they settled: succeeded, failed, or pending (to be retried).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    registry,
    httpRequests: new Counter({
      name: 'gateway_http_requests_total',
      help: 'HTTP requests served, by method and status.',
      labelNames: ['method', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'Time to answer an HTTP request.',
      labelNames: ['method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    upstreamCalls: new Counter({
      name: 'gateway_upstream_calls_total',
      help: 'HTTP calls to Microsoft Graph, by operation and status (or network error).',
      labelNames: ['operation', 'status'],
      registers: [registry],
    }),
    upstreamRetries: new Counter({
      name: 'gateway_upstream_retries_total',
      help: 'Retried calls to Microsoft Graph, by operation and reason.',
      labelNames: ['operation', 'reason'],
      registers: [registry],
    }),
    upstreamDuration: new Histogram({
      name: 'gateway_upstream_call_duration_seconds',
      help: 'Time of one Graph operation, retries included.',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    upstreamCircuitState: new Gauge({
      name: 'gateway_upstream_circuit_state',
      help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.',
      labelNames: ['upstream'],
      registers: [registry],
    }),
    upstreamShortCircuited: new Counter({
      name: 'gateway_upstream_short_circuited_total',
      help: 'Calls refused without reaching the upstream because its circuit was open.',
      labelNames: ['upstream'],
      registers: [registry],
    }),
    tokenVerifications: new Counter({
      name: 'gateway_token_verifications_total',
      help: 'Bearer tokens by outcome: verified (signature checked), cached (verified earlier), refused.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'gateway_rate_limited_total',
      help: 'Operations refused by the per-caller rate limit, by budget (operations or removals).',
      labelNames: ['budget'],
      registers: [registry],
    }),
  };
}
