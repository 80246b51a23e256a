import { cpuLayout, pinBenchToRig } from './cpu-layout.js';
import { median, runLoad } from './load.js';
import type { SoakOptions } from './options.js';
import { describeMachine, loadAverage, memoryMiB } from './proc-stats.js';
import { fixed, table, verdict } from './report.js';
import { log } from './run-throughput.js';
import { assertAnswersRemoval, buildGatewayOnce, startGateway, startUpstream } from './targets.js';
import { stopBenchDatabase } from '../support/bench-database.js';

export interface SoakResult {
  markdown: string;
  summary: string;
}

/**
 * `options.requests` removals through the gateway after a warm-up, with its RSS sampled every
 * second. RSS breathes with each garbage collection (a full one every few seconds under this
 * load), so growth compares the envelope, the highest sample, of the first and the last quarter
 * of the run: a leak raises it, the breathing does not. The goal is at most 10 %.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const machine = describeMachine();
  const loadBefore = loadAverage();
  buildGatewayOnce();
  pinBenchToRig();
  const upstream = await startUpstream();
  try {
    const gateway = await startGateway(upstream);
    try {
      await assertAnswersRemoval(gateway.target, upstream);
      const { pid } = gateway.process;
      const { connections } = options;
      log(`soak: warm-up of ${options.warmupRequests} requests`);
      await runLoad(gateway.target, { connections, amount: options.warmupRequests, keepLatencies: false });
      const callsBefore = await upstream.callsSoFar();
      const started = Date.now();
      const samples: { seconds: number; responses: number; rss: number }[] = [];
      const sample = (responses: number) =>
        samples.push({ seconds: (Date.now() - started) / 1000, responses, rss: memoryMiB(pid).rss });
      sample(0);
      log(`soak: ${options.requests} requests, ${connections} connections`);
      const result = await runLoad(gateway.target, {
        connections,
        amount: options.requests,
        keepLatencies: false,
        onSecond: (responses) => {
          sample(responses);
          if (samples.length % 15 === 0)
            log(`soak: ${responses} responses, RSS ${fixed(samples.at(-1)?.rss, 1)} MiB`);
        },
      });
      sample(result.responses);
      const seconds = (Date.now() - started) / 1000;
      const upstreamCalls = (await upstream.callsSoFar()) - callsBefore;
      const { peak } = memoryMiB(pid);

      const quarter = Math.max(1, Math.floor(samples.length / 4));
      const first = samples.slice(0, quarter).map((s) => s.rss);
      const last = samples.slice(-quarter).map((s) => s.rss);
      const startRss = Math.max(...first);
      const endRss = Math.max(...last);
      const growth = (endRss - startRss) / startRss;
      const every = Math.max(1, Math.ceil(samples.length / 12));
      const series = samples.filter((_, index) => index % every === 0 || index === samples.length - 1);
      const count = (value: number) => value.toLocaleString('en');

      const markdown = `Run ${new Date().toISOString()} on ${machine.cpu} × ${machine.cores} (\`nproc\`), Node ${machine.node};
load average before ${loadBefore}, after ${loadAverage()}; ${cpuLayout.description}. \`npm run bench:soak\` (\`bench/soak.bench.ts\`):
the gateway as in the throughput bench (production mode, rate limits at 10⁹/min), ${count(options.warmupRequests)}
requests of warm-up, then ${count(result.responses)} removals with ${connections} connections in ${fixed(seconds)} s
(${fixed(result.requestsPerSecond)} req/s): ${result.non2xx} non-2xx, ${result.errors} errors, ${count(upstreamCalls)} Graph calls.
RSS (\`VmRSS\`) sampled every second.

${table(
  ['', 'MiB'],
  [
    ['RSS envelope (highest sample), first quarter of the run', fixed(startRss, 1)],
    ['RSS envelope, last quarter', fixed(endRss, 1)],
    ['RSS median, first quarter → last quarter', `${fixed(median(first), 1)} → ${fixed(median(last), 1)}`],
    ['growth after warm-up (goal ≤ 10 %)', `${fixed(growth * 100, 1)} % — ${verdict(growth <= 0.1)}`],
    ['peak RSS of the process (`VmHWM`)', fixed(peak, 1)],
  ],
)}

RSS series (seconds: responses → MiB): ${series
        .map((s) => `${fixed(s.seconds)} s: ${count(s.responses)} → ${fixed(s.rss, 1)}`)
        .join('; ')}.`;
      return {
        markdown,
        summary:
          `${count(result.responses)} removals, RSS ${fixed(startRss, 1)} → ${fixed(endRss, 1)} MiB ` +
          `(${fixed(growth * 100, 1)} %), ${result.non2xx + result.errors} failures`,
      };
    } finally {
      await gateway.process.stop();
    }
  } finally {
    await upstream.process.stop();
    await stopBenchDatabase();
  }
}
