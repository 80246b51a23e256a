// The gateway against the upstream alone, a bare forwarding proxy (the limit) and an Apollo Server
// peer, side by side on loopback: throughput, latency, CPU per request, memory. See bench/throughput/.
import type { BenchReport } from './support/bench-report.js';
import { throughputOptions } from './throughput/options.js';
import { renderThroughput, summarizeThroughput } from './throughput/render-throughput.js';
import { runThroughput } from './throughput/run-throughput.js';

export default async function throughput(): Promise<BenchReport> {
  const run = await runThroughput(throughputOptions());
  return {
    name: 'throughput',
    title: 'Throughput and latency',
    markdown: renderThroughput(run),
    summary: summarizeThroughput(run),
  };
}
