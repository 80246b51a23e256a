import { readFileSync } from 'node:fs';
import type { BenchProcess } from './child-processes.js';
import { cpuLayout, pinBenchToRig } from './cpu-layout.js';
import { TargetIsolation } from './isolation.js';
import { type LoadTarget, median, runLoad } from './load.js';
import type { ThroughputOptions } from './options.js';
import { runPaced } from './paced-load.js';
import { describeMachine, loadAverage, memoryMiB } from './proc-stats.js';
import type { MeasuredRun, ThroughputRun } from './render-throughput.js';
import {
  type Upstream,
  assertAnswersRemoval,
  buildGatewayOnce,
  startApolloPeer,
  startBareProxy,
  startGateway,
  startUpstream,
  startYogaFloor,
} from './targets.js';
import { stopBenchDatabase } from '../support/bench-database.js';

/** What turns the protections of issue 5 off; the bench compares throughput with and without. */
const PROTECTIONS_OFF = { RATE_LIMITING: 'false', DOCUMENT_LIMITS: 'false' };

export const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/**
 * One run of the whole comparison on loopback: the upstream alone, the bare forwarding proxy (the
 * limit), graphql-yoga alone (the floor), the gateway and the Apollo peer at full speed in rotating
 * rounds; then all but the peer at half the gateway's maximum; then two fresh gateways,
 * with and without their protections. Every child process is stopped before this returns or throws.
 */
export async function runThroughput(options: ThroughputOptions): Promise<ThroughputRun> {
  const machine = describeMachine();
  const loadBefore = loadAverage();
  buildGatewayOnce();
  pinBenchToRig();
  log(cpuLayout.description);
  log('starting the upstream, the bare proxy, yoga alone, the gateway and the Apollo peer');
  const upstream = await startUpstream();
  const started: BenchProcess[] = [upstream.process];
  try {
    const [limit, floor, gateway, peer] = await Promise.all([
      startBareProxy(upstream),
      startYogaFloor(upstream),
      startGateway(upstream),
      startApolloPeer(upstream),
    ]);
    started.push(limit.process, floor.process, gateway.process, peer.process);
    const targets = [upstream.target, limit.target, floor.target, gateway.target, peer.target];
    for (const target of targets) await assertAnswersRemoval(target, upstream);
    let isolation = new TargetIsolation([limit.process, floor.process, gateway.process, peer.process]);
    const measure = measurer(upstream, options, (target) => isolation.only(target));

    log(`warming up each target for ${options.warmupSeconds} s`);
    for (const target of targets) await measure(target, { durationSeconds: options.warmupSeconds });

    // Rounds rotate the order so that drift (other load, heat) favours no target; the gateway and
    // the peer always run back to back.
    const runs = new Map<string, MeasuredRun[]>(targets.map((target) => [target.name, []]));
    for (let round = 0; round < options.rounds; round += 1) {
      log(`round ${round + 1} of ${options.rounds} at full speed, ${options.connections} connections`);
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        runs.get(target.name)?.push(await measure(target));
      }
    }

    const halfRate = Math.max(
      1,
      Math.floor(median(runs.get('gateway')?.map((run) => run.requestsPerSecond) ?? []) / 2),
    );
    log(`latency at half of the gateway's maximum: ${halfRate} req/s, paced`);
    // The bare proxy and yoga alone at the same rate show what forwarding, and GraphQL, add there.
    const halfRateRuns = await alternate(
      [gateway.target, upstream.target, limit.target, floor.target],
      options.rounds,
      (target) => measure(target, { rate: halfRate, durationSeconds: options.latencyDurationSeconds }),
    );

    const peakRss = Object.fromEntries(
      [limit, floor, gateway, peer].map(({ target, process }) => [target.name, memoryMiB(process.pid).peak]),
    );
    await Promise.all([
      peer.process.stop(),
      limit.process.stop(),
      floor.process.stop(),
      gateway.process.stop(),
    ]);

    // Two fresh processes, started and warmed up alike: the gateway that had run the phases above
    // read 271–288 µs per request here against 223–237 for a fresh one with the protections off,
    // while two fresh ones differ by 21 µs (tuning session 7; in the git history of BENCHMARKS.md).
    log('protections on versus off: two fresh gateways, one with rate limiting and document limits off');
    const pair = await Promise.all([
      startGateway(upstream, { name: 'gateway' }),
      startGateway(upstream, { name: 'gateway-unprotected', env: PROTECTIONS_OFF }),
    ]);
    started.push(...pair.map(({ process }) => process));
    isolation = new TargetIsolation(pair.map(({ process }) => process));
    // Both answer before either is paused: measure() pauses every target but its own.
    for (const { target } of pair) await assertAnswersRemoval(target, upstream);
    for (const { target } of pair) await measure(target, { durationSeconds: options.warmupSeconds });
    const protectionRuns = await alternate(
      pair.map(({ target }) => target),
      options.rounds,
      (target) => measure(target),
    );

    return {
      date: new Date(),
      machine,
      loadBefore,
      loadAfter: loadAverage(),
      layout: cpuLayout,
      options,
      runs,
      halfRate,
      halfRateRuns,
      protectionRuns,
      peakRss,
    };
  } finally {
    await Promise.all(started.slice(1).map((child) => child.stop()));
    await upstream.process.stop();
    await stopBenchDatabase();
  }
}

/** `rounds` runs of each target, the order reversed every round; results by target name. */
export async function alternate<R>(
  targets: readonly LoadTarget[],
  rounds: number,
  run: (target: LoadTarget) => Promise<R>,
): Promise<Map<string, R[]>> {
  const results = new Map<string, R[]>(targets.map((target) => [target.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
      results.get(target.name)?.push(await run(target));
    }
  }
  return results;
}

/**
 * A measurement of one target: autocannon at full speed, or paced at `rate`; with the upstream's
 * call count. `isolate` runs first: it leaves the target alone on its core.
 */
function measurer(upstream: Upstream, options: ThroughputOptions, isolate: (target: LoadTarget) => void) {
  const ca = readFileSync(upstream.ready.caFile, 'utf8');
  return async (
    target: LoadTarget,
    extra: { rate?: number; durationSeconds?: number } = {},
  ): Promise<MeasuredRun> => {
    isolate(target);
    const durationSeconds = extra.durationSeconds ?? options.durationSeconds;
    // Paced runs settle on their own (paced-load.ts), at their own rate.
    if (extra.rate === undefined) {
      await runLoad(target, { connections: options.connections, durationSeconds: options.settleSeconds });
    }
    let callsBefore = await upstream.callsSoFar();
    // The upstream's CPU counts too when the target is another process: the cores are shared.
    const watch: Record<string, number> =
      target.pid === upstream.process.pid ? {} : { upstream: upstream.process.pid };
    const result =
      extra.rate === undefined
        ? await runLoad(target, { connections: options.connections, durationSeconds, watch })
        : await runPaced(target, {
            rate: extra.rate,
            durationSeconds,
            connections: options.connections,
            ca,
            watch,
            onMeasureStart: async () => {
              callsBefore = await upstream.callsSoFar();
            },
          });
    const upstreamCallsPerResponse =
      ((await upstream.callsSoFar()) - callsBefore) / Math.max(1, result.responses);
    log(
      `${target.name.padEnd(20)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s` +
        `  p50 ${result.p50.toFixed(2)} p99 ${result.p99.toFixed(2)} ms` +
        `  cpu ${result.cpuMicrosPerRequest?.toFixed(0) ?? '-'} µs/req  non-2xx ${result.non2xx}` +
        `  errors ${result.errors}  Graph calls/response ${upstreamCallsPerResponse.toFixed(3)}`,
    );
    return { ...result, upstreamCallsPerResponse };
  };
}
