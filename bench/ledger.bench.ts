// Issue 19's cost budget: single removals through the same build with the ledger recording every
// request (PostgreSQL on this machine, durable defaults) and with LEDGER_RECORDING=false, against
// one upstream, alternating rounds, medians.
import { stopBenchDatabase } from './support/bench-database.js';
import { type BenchReport, machineLine } from './support/bench-report.js';
import { pinBenchToRig } from './throughput/cpu-layout.js';
import { type LoadResult, medianOf, runLoad } from './throughput/load.js';
import { alternate } from './throughput/run-throughput.js';
import { assertAnswersRemoval, buildGatewayOnce, startGateway, startUpstream } from './throughput/targets.js';

const ROUNDS = 6;
const SECONDS = 5;
const WARMUP_SECONDS = 4;
const CONNECTIONS = 32;
/** Throughput with the ledger, as a share of the same build without it. */
const GOAL = 0.85;

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
      await runLoad(gateway.target, { connections: CONNECTIONS, durationSeconds: WARMUP_SECONDS });
    }
    const runs = await alternate(
      gateways.map((gateway) => gateway.target),
      ROUNDS,
      (target) => runLoad(target, { connections: CONNECTIONS, durationSeconds: SECONDS }),
    );
    const figures = (name: string) => {
      const results = runs.get(name) ?? [];
      const of = (pick: (result: LoadResult) => number | undefined) => medianOf(results, pick);
      return {
        rps: of((r) => r.requestsPerSecond),
        cpu: of((r) => r.cpuMicrosPerRequest),
        p50: of((r) => r.p50),
        p99: of((r) => r.p99),
        failures: results.reduce((sum, r) => sum + r.non2xx + r.errors, 0),
      };
    };
    const [withLedger, without] = [figures('ledger'), figures('no-ledger')];
    const ratio = withLedger.rps / without.rps;
    const met = ratio >= GOAL && withLedger.failures === 0;
    const row = (name: string, f: typeof withLedger) =>
      `| ${name} | ${f.rps.toFixed(0)} | ${f.cpu.toFixed(0)} µs | ${f.p50.toFixed(2)} ms | ${f.p99.toFixed(2)} ms | ${f.failures} |`;
    return {
      name: 'ledger',
      title: 'The ledger’s cost',
      summary: `single removals with the ledger ${withLedger.rps.toFixed(0)} req/s, without ${without.rps.toFixed(0)} req/s: ${(ratio * 100).toFixed(1)} % (goal ≥ ${GOAL * 100} %) ${met ? 'met' : 'MISSED'}`,
      markdown: `${machineLine()}

The single removal through one build twice (production mode, one emulated Graph): recording every
request in PostgreSQL (embedded, durable defaults) and with \`LEDGER_RECORDING=false\`. ${CONNECTIONS}
connections, ${ROUNDS} alternating rounds of ${SECONDS} s, medians; PostgreSQL shares the rig's cores.

| gateway | req/s | gateway CPU per request | p50 | p99 | failures |
| --- | ---: | ---: | ---: | ---: | ---: |
${row('recording every request', withLedger)}
${row('`LEDGER_RECORDING=false`', without)}

With the ledger: **${(ratio * 100).toFixed(1)} %** of the throughput without it (goal ≥ ${GOAL * 100} %): **${met ? 'met' : 'missed'}**.`,
    };
  } finally {
    for (const gateway of gateways) await gateway.process.stop();
    await upstream.process.stop();
    await stopBenchDatabase();
  }
}
