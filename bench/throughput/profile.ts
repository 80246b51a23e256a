// `npm run bench:profile`: the gateway under full load with `node --cpu-prof`, and where its CPU
// time goes (by package, inclusive, and the hottest functions). Extra gateway environment can be
// given as NAME=value arguments, e.g. `npm run bench:profile -- AUTH_TOKEN_CACHE_SIZE=0`.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, summarizeProfile } from './cpu-profile.js';
import { pinBenchToRig } from './cpu-layout.js';
import { runLoad } from './load.js';
import { loadAverage, memoryMiB } from './proc-stats.js';
import { assertAnswersRemoval, buildGatewayOnce, startGateway, startUpstream } from './targets.js';

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
  },
});
const durationSeconds = Number(values.duration);
const env = Object.fromEntries(
  positionals.map((pair) => {
    const [name, ...value] = pair.split('=');
    return [name, value.join('=')];
  }),
);

if (!values['no-build']) buildGatewayOnce();
pinBenchToRig();
const directory = mkdtempSync(join(tmpdir(), 'gateway-profile-'));
const upstream = await startUpstream();
const gateway = await startGateway(upstream, {
  env,
  ...(values.entry ? { entry: values.entry } : {}),
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${directory}`],
});
await assertAnswersRemoval(gateway.target, upstream);
const connections = Number(values.connections);
await runLoad(gateway.target, { connections, durationSeconds: Number(values.warmup) });
const result = await runLoad(gateway.target, { connections, durationSeconds });
const memory = memoryMiB(gateway.process.pid);
await gateway.process.stop();
await upstream.process.stop();

const [file] = readdirSync(directory).filter((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error('the gateway wrote no profile');
process.stdout.write(
  `${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99.toFixed(2)} ms, ` +
    `${result.cpuMicrosPerRequest?.toFixed(0)} µs CPU/req, peak RSS ${memory.peak.toFixed(1)} MiB, ` +
    `load average ${loadAverage()}${Object.keys(env).length ? `, env ${positionals.join(' ')}` : ''}\n\n` +
    `${formatSummary(summarizeProfile(join(directory, file), durationSeconds))}\n`,
);
if (values.keep) process.stdout.write(`\nprofile kept: ${join(directory, file)}\n`);
else rmSync(directory, { recursive: true, force: true });
