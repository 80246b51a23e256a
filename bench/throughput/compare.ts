// `npm run bench:compare -- --base <dir>`: an A/B of two builds of the gateway against one upstream,
// alternating runs, medians. `<dir>` holds a compiled copy (e.g. `cp -r dist dist-base` before a
// change; it must sit inside this checkout so that its imports find node_modules). Extra node flags
// for the candidate only: `--candidate-node-args="--max-semi-space-size=8"`; the same build twice with
// other settings: `--base dist --candidate-env="RATE_LIMITING=false"`.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { cpuLayout, pinBenchToRig } from './cpu-layout.js';
import { type LoadResult, medianOf, runLoad } from './load.js';
import { loadAverage, memoryMiB } from './proc-stats.js';
import { alternate } from './run-throughput.js';
import { assertAnswersRemoval, buildGatewayOnce, startGateway, startUpstream } from './targets.js';
import { stopBenchDatabase } from '../support/bench-database.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    rounds: { type: 'string', default: '6' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '4' },
    connections: { type: 'string', default: '32' },
    'base-node-args': { type: 'string', default: '' },
    'candidate-node-args': { type: 'string', default: '' },
    /** Extra environment for the candidate, e.g. `--candidate-env="RATE_LIMITING=false"`. */
    'candidate-env': { type: 'string', default: '' },
    'no-build': { type: 'boolean', default: false },
  },
});
if (!values.base) throw new Error('--base <dir with a compiled gateway> is required');
const words = (text: string) => text.split(' ').filter(Boolean);

if (!values['no-build']) buildGatewayOnce();
pinBenchToRig();
const upstream = await startUpstream();
const gateways = [
  await startGateway(upstream, {
    name: 'base',
    entry: join(resolve(values.base), 'src/server/main.js'),
    nodeArgs: words(values['base-node-args']),
  }),
  await startGateway(upstream, {
    name: 'candidate',
    nodeArgs: words(values['candidate-node-args']),
    env: Object.fromEntries(
      words(values['candidate-env']).map((pair) => pair.split('=') as [string, string]),
    ),
  }),
];
const connections = Number(values.connections);
try {
  for (const gateway of gateways) {
    await assertAnswersRemoval(gateway.target, upstream);
    await runLoad(gateway.target, { connections, durationSeconds: Number(values.warmup) });
  }
  const runs = await alternate(
    gateways.map((gateway) => gateway.target),
    Number(values.rounds),
    (target) => runLoad(target, { connections, durationSeconds: Number(values.duration) }),
  );
  process.stdout.write(`load average ${loadAverage()}; ${cpuLayout.description}\n`);
  for (const gateway of gateways) {
    const results = runs.get(gateway.target.name) ?? [];
    const of = (pick: (result: LoadResult) => number | undefined) => medianOf(results, pick);
    process.stdout.write(
      `${gateway.target.name.padEnd(10)} ${of((r) => r.requestsPerSecond).toFixed(0)} req/s ` +
        `(${results.map((r) => r.requestsPerSecond.toFixed(0)).join(', ')}), ` +
        `${of((r) => r.cpuMicrosPerRequest).toFixed(0)} µs CPU/req, p99 ${of((r) => r.p99).toFixed(2)} ms, ` +
        `peak RSS ${memoryMiB(gateway.process.pid).peak.toFixed(1)} MiB, ` +
        `failures ${results.reduce((sum, r) => sum + r.non2xx + r.errors, 0)}\n`,
    );
  }
} finally {
  for (const gateway of gateways) await gateway.process.stop();
  await upstream.process.stop();
  await stopBenchDatabase();
}
