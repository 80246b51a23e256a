import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhenResult,
} from 'cockatiel';
import { CircuitOpenError } from '../../errors/upstream-failures.js';
import type { Logger } from '../../observability/logger.js';
import type { GatewayMetrics } from '../../observability/metrics.js';

export type CircuitStateName = 'closed' | 'half-open' | 'open';

/** What `/readiness` and the logs say about the circuit. */
export interface CircuitReport {
  state: CircuitStateName;
  /** While open: how long until the next call is let through as a probe. */
  retryAfterSeconds?: number;
}

export interface UpstreamCircuitOptions {
  /** Names the upstream in logs and metrics, e.g. `graph`. */
  name: string;
  /** Consecutive failed exchanges that open the circuit. */
  threshold: number;
  /** How long it stays open before one probe is let through. */
  halfOpenAfterMs: number;
  /** Whether an exchange's result counts as a failure; thrown errors never count. */
  isFailure(result: unknown): boolean;
  logger: Logger;
  metrics: GatewayMetrics;
}

const STATE_NAMES: Readonly<Record<CircuitState, CircuitStateName>> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Open]: 'open',
  // Only `isolate()` makes this state, which the gateway never calls.
  [CircuitState.Isolated]: 'open',
};

/** The gauge's values grow with severity, so that `max()` across instances reads naturally. */
const GAUGE_VALUES: Readonly<Record<CircuitStateName, number>> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * A circuit breaker (cockatiel's, with a consecutive-failure breaker) around every HTTP exchange
 * with one upstream. A consecutive count, rather than a failure ratio, opens only when the upstream
 * is down for everyone, not when some requests fail: those are the retry policy's business. While
 * open, calls fail at once without touching the network; after `halfOpenAfterMs` one call probes,
 * and its outcome closes or reopens the circuit.
 */
export class UpstreamCircuit {
  private readonly policy: CircuitBreakerPolicy;
  // cockatiel times the open state with Date.now(), so this copy of its start does too.
  private openedAt = 0;

  constructor(private readonly options: UpstreamCircuitOptions) {
    this.policy = circuitBreaker(handleWhenResult(options.isFailure), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.threshold),
    });
    const gauge = options.metrics.upstreamCircuitState.labels({ upstream: options.name });
    gauge.set(GAUGE_VALUES.closed);
    this.policy.onStateChange((state) => {
      const name = STATE_NAMES[state];
      if (state === CircuitState.Open) this.openedAt = Date.now();
      gauge.set(GAUGE_VALUES[name]);
      const log = { upstream: options.name, circuit: name };
      if (state === CircuitState.Open) options.logger.warn(log, 'upstream circuit opened: failing fast');
      else options.logger.info(log, 'upstream circuit changed state');
    });
  }

  /** Runs one exchange through the breaker; throws `CircuitOpenError` without running it while open. */
  async execute<T>(exchange: () => Promise<T>): Promise<T> {
    this.refuseWhileOpen();
    try {
      return await this.policy.execute(exchange);
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw this.refusal();
      throw error;
    }
  }

  /** Throws `CircuitOpenError` while open, so callers skip even the work that precedes an exchange. */
  refuseWhileOpen(): void {
    if (this.remainingOpenMs() > 0) throw this.refusal();
  }

  report(): CircuitReport {
    const remaining = this.remainingOpenMs();
    if (remaining > 0) return { state: 'open', retryAfterSeconds: Math.ceil(remaining / 1000) };
    // Open with its wait over is, for a client, as good as half-open: the next call probes.
    const state = STATE_NAMES[this.policy.state];
    return { state: state === 'open' ? 'half-open' : state };
  }

  private remainingOpenMs(): number {
    if (this.policy.state !== CircuitState.Open) return 0;
    return Math.max(0, this.openedAt + this.options.halfOpenAfterMs - Date.now());
  }

  private refusal(): CircuitOpenError {
    this.options.metrics.upstreamShortCircuited.inc({ upstream: this.options.name });
    return new CircuitOpenError(this.remainingOpenMs());
  }
}
