// Issue 19's cost budget: single removals through the same build with the ledger recording every
// request (PostgreSQL on this machine, durable defaults) and with LEDGER_RECORDING=false, against
// one upstream, alternating rounds, medians, at three loads. The goal compares each build's best
// throughput over them: the ledger adds two database round trips to every removal, so it needs more
// requests in flight than the build without it to keep the gateway busy (decision 0045).
import { stopBenchDatabase } from './support/bench-database.js';
import { type BenchReport, machineLine } from './support/bench-report.js';
import { pinBenchToRig } from './throughput/cpu-layout.js';
import { type LoadResult, medianOf, runLoad } from './throughput/load.js';
import { alternate } from './throughput/run-throughput.js';
import { assertAnswersRemoval, buildGatewayOnce, startGateway, startUpstream } from './throughput/targets.js';

const ROUNDS = 6;
const SECONDS = 5;
const WARMUP_SECONDS = 8;
/** Connections: the throughput bench's load first, up to one where both builds are saturated. */
const LOADS = [32, 48, 64];
/** The best throughput with the ledger, as a share of the best of the same build without it. */
const GOAL = 0.85;

interface Measured {
  connections: number;
  withLedger: Figures;
  without: Figures;
  ratio: number;
}

interface Figures {
  rps: number;
  cpu: number;
  p50: number;
  p99: number;
  failures: number;
}

function figuresOf(results: readonly LoadResult[]): Figures {
  const of = (pick: (result: LoadResult) => number | undefined) => medianOf(results, pick);
  return {
    rps: of((r) => r.requestsPerSecond),
    cpu: of((r) => r.cpuMicrosPerRequest),
    p50: of((r) => r.p50),
    p99: of((r) => r.p99),
    failures: results.reduce((sum, r) => sum + r.non2xx + r.errors, 0),
  };
}

export default async function ledger(): Promise<BenchReport> {
  buildGatewayOnce();
  pinBenchToRig();
  const upstream = await startUpstream();
  const gateways = [
    await startGateway(upstream, { name: 'ledger' }),
    await startGateway(upstream, { name: 'no-ledger', env: { LEDGER_RECORDING: 'false' } }),
  ];
  try {
    for (const gateway of gateways) {
      await assertAnswersRemoval(gateway.target, upstream);
      await runLoad(gateway.target, { connections: LOADS[0]!, durationSeconds: WARMUP_SECONDS });
    }
    const measured: Measured[] = [];
    for (const connections of LOADS) {
      const runs = await alternate(
        gateways.map((gateway) => gateway.target),
        ROUNDS,
        (target) => runLoad(target, { connections, durationSeconds: SECONDS }),
      );
      const withLedger = figuresOf(runs.get('ledger') ?? []);
      const without = figuresOf(runs.get('no-ledger') ?? []);
      measured.push({ connections, withLedger, without, ratio: withLedger.rps / without.rps });
    }
    const best = (pick: (m: Measured) => Figures) =>
      measured.reduce((top, m) => (pick(m).rps > pick(top).rps ? m : top));
    const [bestWith, bestWithout] = [best((m) => m.withLedger), best((m) => m.without)];
    const ratio = bestWith.withLedger.rps / bestWithout.without.rps;
    const failures = measured.reduce((sum, m) => sum + m.withLedger.failures + m.without.failures, 0);
    const met = ratio >= GOAL && failures === 0;
    const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
    const row = (m: Measured) =>
      `| ${m.connections} | ${m.withLedger.rps.toFixed(0)} | ${m.without.rps.toFixed(0)} | ${percent(m.ratio)} | ${m.withLedger.cpu.toFixed(0)} / ${m.without.cpu.toFixed(0)} | ${m.withLedger.p50.toFixed(1)} / ${m.without.p50.toFixed(1)} | ${m.withLedger.p99.toFixed(1)} / ${m.without.p99.toFixed(1)} |`;
    return {
      name: 'ledger',
      title: 'The ledger’s cost',
      summary: `single removals, best throughput with the ledger ${bestWith.withLedger.rps.toFixed(0)} req/s (${bestWith.connections} connections), without ${bestWithout.without.rps.toFixed(0)} req/s (${bestWithout.connections}): ${percent(ratio)} (goal ≥ ${GOAL * 100} %) ${met ? 'met' : 'MISSED'}${failures > 0 ? `, ${failures} failures` : ''}; at ${measured[0]!.connections} connections ${percent(measured[0]!.ratio)}`,
      markdown: `${machineLine()}

One build twice, in production mode against one emulated Graph: recording every request in
PostgreSQL (embedded, durable; on the rig's core) and with \`LEDGER_RECORDING=false\`. ${ROUNDS}
alternating rounds of ${SECONDS} s per load, medians (pairs: with / without); ${failures} failures.

| connections | req/s with | req/s without | share | CPU µs/req | p50 ms | p99 ms |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${measured.map(row).join('\n')}

Best with the ledger (${bestWith.connections} connections) against best without (${bestWithout.connections}): **${percent(ratio)}** (goal ≥ ${GOAL * 100} %), **${met ? 'met' : 'missed'}**.`,
    };
  } finally {
    for (const gateway of gateways) await gateway.process.stop();
    await upstream.process.stop();
    await stopBenchDatabase();
  }
}
