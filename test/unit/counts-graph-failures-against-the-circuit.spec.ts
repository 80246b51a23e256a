import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitOpenError } from '../../src/errors/upstream-failures.js';
import { UpstreamCircuit } from '../../src/graph/transport/upstream-circuit.js';
import { createMetrics } from '../../src/observability/metrics.js';

/** A circuit whose exchanges answer a number: below 500 is healthy. No network, no emulator. */
function circuit(threshold = 2, halfOpenAfterMs = 1_000) {
  const metrics = createMetrics();
  const logged: Array<{ level: string; message: string; fields: unknown }> = [];
  const logger = pino({ level: 'debug' }, { write: () => undefined });
  for (const level of ['info', 'warn'] as const) {
    vi.spyOn(logger, level).mockImplementation(((fields: unknown, message: string) => {
      logged.push({ level, message, fields });
    }) as typeof logger.info);
  }
  const breaker = new UpstreamCircuit({
    name: 'graph',
    threshold,
    halfOpenAfterMs,
    isFailure: (result) => (result as number) >= 500,
    logger,
    metrics,
  });
  const gauge = async () => {
    const [sample] = (await metrics.upstreamCircuitState.get()).values;
    expect(sample?.labels).toEqual({ upstream: 'graph' });
    return sample?.value;
  };
  const shortCircuited = async () => {
    const [sample] = (await metrics.upstreamShortCircuited.get()).values;
    if (sample) expect(sample.labels).toEqual({ upstream: 'graph' });
    return sample?.value ?? 0;
  };
  return { breaker, gauge, shortCircuited, logged };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('the upstream circuit', () => {
  it('stays closed below the threshold and counts only consecutive failures', async () => {
    const { breaker, gauge } = circuit(2);
    expect(await breaker.execute(() => Promise.resolve(503))).toBe(503);
    expect(await breaker.execute(() => Promise.resolve(200))).toBe(200);
    expect(await breaker.execute(() => Promise.resolve(503))).toBe(503);
    expect(breaker.report()).toEqual({ state: 'closed' });
    expect(await gauge()).toBe(0);
  });

  it('opens at the threshold, then refuses without running the exchange', async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
    const { breaker, gauge, shortCircuited, logged } = circuit(2, 1_500);
    await breaker.execute(() => Promise.resolve(503));
    await breaker.execute(() => Promise.resolve(502));

    expect(breaker.report()).toEqual({ state: 'open', retryAfterSeconds: 2 });
    expect(await gauge()).toBe(2);
    expect(logged).toContainEqual({
      level: 'warn',
      message: 'upstream circuit opened: failing fast',
      fields: { upstream: 'graph', circuit: 'open' },
    });
    const exchange = vi.fn(() => Promise.resolve(200));
    const refusal = await breaker.execute(exchange).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(CircuitOpenError);
    expect((refusal as CircuitOpenError).retryAfterMs).toBe(1_500);
    expect((refusal as CircuitOpenError).message).toBe('The upstream circuit is open');
    expect((refusal as CircuitOpenError).name).toBe('CircuitOpenError');
    expect(exchange).not.toHaveBeenCalled();
    expect(() => breaker.refuseWhileOpen()).toThrow(CircuitOpenError);
    expect(await shortCircuited()).toBe(2);

    vi.setSystemTime(1_000_000 + 1_499);
    expect(breaker.report()).toEqual({ state: 'open', retryAfterSeconds: 1 });
    vi.setSystemTime(1_000_000 + 1_500);
    // The wait is over: for a client that is half-open, the next call probes.
    expect(breaker.report()).toEqual({ state: 'half-open' });
    expect(() => breaker.refuseWhileOpen()).not.toThrow();
  });

  it('lets one probe through after the wait; a success closes it', async () => {
    vi.useFakeTimers({ now: 5_000_000, toFake: ['Date'] });
    const { breaker, gauge, logged } = circuit(1, 100);
    await breaker.execute(() => Promise.resolve(504));
    vi.setSystemTime(5_000_000 + 100);
    expect(await breaker.execute(() => Promise.resolve(200))).toBe(200);
    expect(breaker.report()).toEqual({ state: 'closed' });
    expect(await gauge()).toBe(0);
    expect(logged.map((entry) => entry.fields)).toContainEqual({ upstream: 'graph', circuit: 'half-open' });
    expect(logged).toContainEqual({
      level: 'info',
      message: 'upstream circuit changed state',
      fields: { upstream: 'graph', circuit: 'closed' },
    });
  });

  it('reports half-open, gauge 1, while the probe is in flight', async () => {
    vi.useFakeTimers({ now: 5_000_000, toFake: ['Date'] });
    const { breaker, gauge } = circuit(1, 100);
    await breaker.execute(() => Promise.resolve(504));
    vi.setSystemTime(5_000_000 + 100);
    let finish: (status: number) => void = () => undefined;
    const probe = breaker.execute(() => new Promise<number>((resolve) => (finish = resolve)));
    await Promise.resolve();
    expect(breaker.report()).toEqual({ state: 'half-open' });
    expect(await gauge()).toBe(1);
    finish(200);
    await probe;
  });

  it('passes a thrown error through without counting it', async () => {
    const { breaker } = circuit(1);
    const failure = new Error('caller left');
    await expect(breaker.execute(() => Promise.reject(failure))).rejects.toBe(failure);
    expect(breaker.report()).toEqual({ state: 'closed' });
  });
});
