import type { CpuLayout } from './cpu-layout.js';
import { type LoadResult, medianOf } from './load.js';
import type { ThroughputOptions } from './options.js';
import { fixed, table, verdict } from './report.js';

export interface MeasuredRun extends LoadResult {
  /** Graph calls the emulator answered per response of the target: 1 when every request reached Graph once. */
  upstreamCallsPerResponse: number;
}

export interface ThroughputRun {
  date: Date;
  machine: { cpu: string; cores: number; node: string };
  loadBefore: string;
  loadAfter: string;
  layout: CpuLayout;
  options: ThroughputOptions;
  /** Full-speed runs by target: upstream, limit, floor, gateway, peer. */
  runs: Map<string, MeasuredRun[]>;
  halfRate: number;
  halfRateRuns: Map<string, MeasuredRun[]>;
  protectionRuns: Map<string, MeasuredRun[]>;
  /** Peak RSS (`VmHWM`, MiB) by target, read before they stop. */
  peakRss: Record<string, number>;
}

interface Medians {
  rps: number;
  p50: number;
  p97_5: number;
  p99: number;
  /** CPU µs per response: the target, the upstream process, the load generator. */
  cpu: number;
  cpuUpstream: number;
  cpuGenerator: number;
  callsPerResponse: number;
  failures: number;
}

/** Requests per second the upstream and the load generator's shared core allows a target (pinned). */
const rigBound = (m: Medians) => 1e6 / (m.cpuUpstream + m.cpuGenerator);

function medians(runs: readonly MeasuredRun[] = []): Medians {
  const of = (pick: (run: MeasuredRun) => number | undefined) => medianOf(runs, pick);
  return {
    rps: of((run) => run.requestsPerSecond),
    p50: of((run) => run.p50),
    p97_5: of((run) => run.p97_5),
    p99: of((run) => run.p99),
    cpu: of((run) => run.cpuMicrosPerRequest),
    cpuUpstream: of((run) => run.cpuElsewhere.upstream ?? 0),
    cpuGenerator: of((run) => run.cpuElsewhere.generator),
    callsPerResponse: of((run) => run.upstreamCallsPerResponse),
    failures: runs.reduce((sum, run) => sum + run.non2xx + run.errors, 0),
  };
}

const TARGETS: [name: string, description: string][] = [
  ['upstream', 'Graph emulator alone (HTTPS; verifies each Graph token once, until it expires)'],
  ['limit', 'bare forwarding proxy (`node:http` + undici pool; no GraphQL, no auth)'],
  ['floor', 'graphql-yoga alone, same mutation (fixed Graph token; no auth, no plugins)'],
  ['gateway', 'this gateway (production mode; token verified, on-behalf-of exchange)'],
  ['peer', 'Apollo Server 5 peer (`bench/peers/apollo-gateway.ts`)'],
];

/** The medians and the ratios the goals are about. */
export function throughputFigures(run: ThroughputRun) {
  const by = (name: string) => medians(run.runs.get(name));
  const gateway = by('gateway');
  const peer = by('peer');
  const limit = by('limit');
  const halfBy = (name: string) => medians(run.halfRateRuns.get(name));
  const half = { gateway: halfBy('gateway'), upstream: halfBy('upstream') };
  const on = medians(run.protectionRuns.get('gateway'));
  const off = medians(run.protectionRuns.get('gateway-unprotected'));
  return {
    by,
    halfBy,
    gateway,
    peer,
    limit,
    half,
    on,
    off,
    peerRatio: gateway.rps / peer.rps,
    limitRatio: gateway.rps / limit.rps,
    limitCpuRatio: limit.cpu / gateway.cpu,
    peerCpuRatio: peer.cpu / gateway.cpu,
    addedP99: half.gateway.p99 - half.upstream.p99,
    protectionCost: 1 - on.rps / off.rps,
  };
}

/** One line for the console. */
export function summarizeThroughput(run: ThroughputRun): string {
  const f = throughputFigures(run);
  return (
    `gateway ${fixed(f.gateway.rps)} req/s: ${fixed(f.peerRatio, 2)}× the Apollo peer, ` +
    `${fixed(f.limitRatio * 100)} % of the bare proxy; p99 ${fixed(f.addedP99, 2)} ms over the upstream ` +
    `at ${run.halfRate} req/s; peak RSS ${fixed(run.peakRss.gateway, 1)} MiB`
  );
}

/** The "Throughput and latency" section of BENCHMARKS.md, from one run. */
export function renderThroughput(run: ThroughputRun): string {
  const { options, machine } = run;
  const f = throughputFigures(run);
  const rows = TARGETS.map(([name, description]) => {
    const m = f.by(name);
    return [
      `${name}: ${description}`,
      fixed(m.rps),
      fixed(m.p50, 2),
      fixed(m.p97_5, 2),
      fixed(m.p99, 2),
      fixed(m.cpu),
      fixed(run.peakRss[name], 1),
      fixed(m.callsPerResponse, 3),
      String(m.failures),
    ];
  });
  // Throughput is bounded by the target's own event loop (one core), or by the cores left to the
  // upstream and the load generator (pinned), or by all the cores they share (unpinned).
  const pinned = run.layout.target !== undefined;
  const bounds = TARGETS.slice(1).map(([name]) => {
    const m = f.by(name);
    return [
      name,
      fixed(m.cpu),
      fixed(m.cpuUpstream),
      fixed(m.cpuGenerator),
      fixed(1e6 / m.cpu),
      fixed(pinned ? rigBound(m) : (machine.cores * 1e6) / (m.cpuUpstream + m.cpuGenerator + m.cpu)),
      fixed(m.rps),
    ];
  });
  // The bare proxy costs so little that the upstream's core, not its own, decides its throughput.
  const limitRig = rigBound(f.limit);
  const limitNote =
    pinned && f.limit.rps >= 0.95 * limitRig
      ? `\n\nThe limit ran at the rig's bound (${fixed(f.limit.rps)} of ${fixed(limitRig)} req/s): the bare proxy is held
back by the core that the upstream and the load generator share, not by its own. "gateway / limit"
therefore compares the gateway with what this rig can deliver; by CPU per request, the gateway
could reach ${fixed(f.limitCpuRatio, 2)} of the proxy's throughput (the bracketed line under it in the goals table).`
      : '';
  const halfRows = ['upstream', 'limit', 'floor', 'gateway'].map((name) => {
    const m = f.halfBy(name);
    return [
      name,
      fixed(m.p50, 2),
      fixed(m.p97_5, 2),
      fixed(m.p99, 2),
      name === 'upstream' ? '' : `${fixed(m.p99 - f.half.upstream.p99, 2)} ms`,
      fixed(m.cpu),
    ];
  });
  const perRun = TARGETS.map(([name]) => {
    const runs = run.runs.get(name) ?? [];
    return `${name} ${runs.map((r) => fixed(r.requestsPerSecond)).join(', ')}`;
  }).join(' · ');

  return `Run ${run.date.toISOString()} on ${machine.cpu} × ${machine.cores} (\`nproc\`), Node ${machine.node}.
Load average (1, 5, 15 min) before: ${run.loadBefore}; after: ${run.loadAfter}. Loopback only;
${run.layout.description} (\`bench/throughput/cpu-layout.ts\`).

Method: \`npm run bench:throughput\` (\`bench/throughput.bench.ts\`, \`bench/throughput/\`). autocannon,
${options.connections} connections, no pipelining; each target warmed up for ${options.warmupSeconds} s, then
${options.rounds} runs of ${options.durationSeconds} s per target, each after ${options.settleSeconds} s of unmeasured load, with the other targets paused (\`SIGSTOP\`), in rotating order (the gateway and the peer
back to back); medians of the runs. Latencies are exact per response (not autocannon's 1 ms
histogram). CPU is a process's utime + stime from \`/proc/<pid>/stat\` per response; peak RSS is
\`VmHWM\`. Every request is the same \`removeOutboundSharedUserProfilePersonalData\` of the \`user\`
persona with a real RS256 token; the gateway (\`node dist/src/server/main.js\`, \`NODE_ENV=production\`,
\`LOG_LEVEL=warn\`) verifies it, records it in the ledger (embedded PostgreSQL) and exchanges it
on behalf of the user at the emulated token endpoint.
Its rate limits are set to 10⁹ per minute (\`RATE_LIMIT_OPERATIONS_PER_MINUTE\`,
\`RATE_LIMIT_REMOVALS_PER_MINUTE\`) so that the bench measures cost, not policy; rate limiting itself
stays on. "Graph calls/resp" checks that every response cost one Graph call (in-flight calls at the
end of a run make it slightly above 1).

${table(
  [
    'target',
    'req/s',
    'p50 ms',
    'p97.5 ms',
    'p99 ms',
    'CPU µs/req',
    'peak RSS MiB',
    'Graph calls/resp',
    'failures',
  ],
  rows,
)}

Requests per second of each run: ${perRun}.

Where the CPU goes, per response (µs), and the throughput it allows: one core for the target's
event loop, and ${pinned ? 'the one core left to the upstream and the load generator' : `all ${machine.cores} cores shared by the three`}:

${table(['target', 'target', 'upstream', 'load generator', 'target bound', pinned ? 'rig bound' : 'shared bound', 'measured'], bounds)}${limitNote}

At half of the gateway's maximum (${run.halfRate} req/s, ${options.rounds} alternating runs of
${options.latencyDurationSeconds} s each; an evenly paced open-loop load from
\`bench/throughput/paced-load.ts\`, latency counted from each request's due time). The bare proxy and yoga alone run at the same rate:
what forwarding adds, and what GraphQL adds, on this rig:

${table(['target', 'p50 ms', 'p97.5 ms', 'p99 ms', 'p99 − upstream p99', 'CPU µs/req'], halfRows)}

Protections (issue 5), ${options.rounds} runs each of two fresh gateway processes, alternating: all on ${fixed(f.on.rps)} req/s
(${fixed(f.on.cpu)} µs/req); rate limiting and document limits off (\`RATE_LIMITING=false
DOCUMENT_LIMITS=false\`) ${fixed(f.off.rps)} req/s (${fixed(f.off.cpu)} µs/req).

${table(
  ['goal', 'measured', ''],
  [
    ['gateway / peer throughput ≥ 2', fixed(f.peerRatio, 2), verdict(f.peerRatio >= 2)],
    ['(peer / gateway CPU per request)', fixed(f.peerCpuRatio, 2), ''],
    ['gateway / limit throughput ≥ 0.6', fixed(f.limitRatio, 2), verdict(f.limitRatio >= 0.6)],
    ['(limit / gateway CPU per request)', fixed(f.limitCpuRatio, 2), ''],
    [
      'gateway p99 − upstream p99 ≤ 2 ms at half rate',
      `${fixed(f.addedP99, 2)} ms`,
      verdict(f.addedP99 <= 2),
    ],
    [
      'gateway peak RSS ≤ 150 MiB',
      `${fixed(run.peakRss.gateway, 1)} MiB`,
      verdict((run.peakRss.gateway ?? 0) <= 150),
    ],
    [
      'protections cost ≤ 10 % of throughput',
      `${fixed(f.protectionCost * 100, 1)} %`,
      verdict(f.protectionCost <= 0.1),
    ],
  ],
)}`;
}
