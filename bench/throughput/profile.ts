// `npm run bench:profile`: the gateway under full load with `node --cpu-prof`, and where its CPU
// time goes (by layer, by package, inclusive, and the hottest functions). Extra gateway environment
// can be given as NAME=value arguments, e.g. `npm run bench:profile -- AUTH_TOKEN_CACHE_SIZE=0`.
// `--target floor` or `--target limit` profiles yoga alone or the bare proxy the same way, so the
// layers of the three can be set side by side.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, summarizeProfile } from './cpu-profile.js';
import { pinBenchToRig } from './cpu-layout.js';
import { runLoad } from './load.js';
import { loadAverage, memoryMiB } from './proc-stats.js';
import {
  assertAnswersRemoval,
  buildGatewayOnce,
  startBareProxy,
  startGateway,
  startUpstream,
  startYogaFloor,
  type GraphQLTarget,
  type Upstream,
} from './targets.js';
import { stopBenchDatabase } from '../support/bench-database.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    /** Another compiled entry point than dist/src/server/main.js, e.g. a build to compare. */
    entry: { type: 'string' },
    target: { type: 'string', default: 'gateway' },
  },
});
const durationSeconds = Number(values.duration);
const env = Object.fromEntries(
  positionals.map((pair) => {
    const [name, ...value] = pair.split('=');
    return [name, value.join('=')];
  }),
);

const TARGETS = ['gateway', 'floor', 'limit'] as const;
const targetName = TARGETS.find((name) => name === values.target);
if (!targetName) throw new Error(`--target must be one of ${TARGETS.join(', ')}`);

if (!values['no-build']) buildGatewayOnce();
pinBenchToRig();
const directory = mkdtempSync(join(tmpdir(), 'gateway-profile-'));
const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${directory}`];
const starters: Record<(typeof TARGETS)[number], (upstream: Upstream) => Promise<GraphQLTarget>> = {
  gateway: (upstream: Upstream) =>
    startGateway(upstream, { env, ...(values.entry ? { entry: values.entry } : {}), nodeArgs }),
  floor: (upstream: Upstream) => startYogaFloor(upstream, nodeArgs),
  limit: (upstream: Upstream) => startBareProxy(upstream, nodeArgs),
};
const upstream = await startUpstream();
const server = await starters[targetName](upstream);
await assertAnswersRemoval(server.target, upstream);
const connections = Number(values.connections);
await runLoad(server.target, { connections, durationSeconds: Number(values.warmup) });
const result = await runLoad(server.target, { connections, durationSeconds });
const memory = memoryMiB(server.process.pid);
await server.process.stop();
await upstream.process.stop();
await stopBenchDatabase();

// Node names each thread's profile CPU.<date>.<time>.<pid>.<thread>.<n>; the loader thread that
// tsx starts in the bench's TypeScript children writes one too. Thread 0 is the server's.
const [file] = readdirSync(directory).filter((name) => /\.\d+\.0\.\d+\.cpuprofile$/.test(name));
if (!file) throw new Error(`${targetName} wrote no profile of its main thread`);
process.stdout.write(
  `${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99.toFixed(2)} ms, ` +
    `${result.cpuMicrosPerRequest?.toFixed(0)} µs CPU/req, peak RSS ${memory.peak.toFixed(1)} MiB, ` +
    `load average ${loadAverage()}${Object.keys(env).length ? `, env ${positionals.join(' ')}` : ''}\n\n` +
    `${formatSummary(summarizeProfile(join(directory, file), durationSeconds), result.responses)}\n`,
);
if (values.keep) process.stdout.write(`\nprofile kept: ${join(directory, file)}\n`);
else rmSync(directory, { recursive: true, force: true });
