// Would coalescing concurrent single removals into one `$batch` (DataLoader-style) pay off? A
// coalescer can only merge requests that go to Graph with the same token, so this measures the
// two kinds of concurrent traffic: one identity firing many singles, and many users each removing
// their own data; beside them, the best a coalescer could do: the same ids as one bulk mutation.
import { personaClaims } from '@shared-profile-gateway/emulators';
import { forEachConcurrently } from '../src/graph/transport/concurrency.js';
import { type BenchGateway, startBenchGateway, timed } from './support/bench-gateway.js';
import { type BenchReport, machineLine } from './support/bench-report.js';

const REMOVALS = 100;
const LATENCY_MS = 50;
/** Each row is the median of this many runs: one run on a shared 2-CPU machine is mostly noise. */
const RUNS = 5;

const SINGLE = `mutation Single($userId: ID!) {
  removeOutboundSharedUserProfilePersonalData(userId: $userId) { upstreamRequestId }
}`;
const BULK = `mutation Bulk($userIds: [ID!]!) {
  removeOutboundSharedUserProfilesPersonalData(userIds: $userIds) { accepted }
}`;

interface Row {
  traffic: string;
  calls: number;
  /** Distinct Graph tokens among the calls: the fewest `$batch` calls any coalescer could make. */
  tokens: number;
  ms: number;
  failures: number;
}

/** Median wall time of `RUNS` runs; the counts are the last run's (every run sends the same). */
async function measure(bench: BenchGateway, traffic: string, run: () => Promise<number>): Promise<Row> {
  const times: number[] = [];
  let failures = 0;
  for (let round = 0; round < RUNS; round += 1) {
    bench.services.graph.resetRecording();
    const timing = await timed(run);
    times.push(timing.ms);
    failures = timing.result;
  }
  return {
    traffic,
    calls: bench.upstreamCalls(),
    tokens: bench.services.graph.tokensSeen().length,
    ms: times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0,
    failures,
  };
}

/** All `requests` at once, as many clients would send them; resolves with the number that failed. */
async function concurrently(bench: BenchGateway, requests: Array<{ userId: string; token: string }>) {
  let failures = 0;
  await forEachConcurrently(requests, requests.length, async ({ userId, token }) => {
    if ((await bench.execute(SINGLE, { userId }, token)).errors) failures += 1;
  });
  return failures;
}

export default async function coalescing(): Promise<BenchReport> {
  const bench = await startBenchGateway({ profiles: REMOVALS });
  try {
    const { services, profileIds } = bench;
    const app = await services.personaToken('app');
    const users = await Promise.all(
      profileIds.map((oid) => services.identityProvider.issueToken({ ...personaClaims('user'), oid })),
    );
    const own = profileIds.map((userId, index) => ({ userId, token: users[index] ?? '' }));
    const fromApp = profileIds.map((userId) => ({ userId, token: app }));
    // Warm: every Graph token obtained, the pool open and the code compiled before timing.
    await concurrently(bench, [...fromApp, ...own]);
    await concurrently(bench, fromApp);
    const gatewayOnly = await measure(
      bench,
      `the same, Graph answering at once (the gateway's own share)`,
      () => concurrently(bench, fromApp),
    );
    services.graph.setLatency(LATENCY_MS);

    const rows = [
      await measure(bench, `one application, ${REMOVALS} concurrent single removals`, () =>
        concurrently(bench, fromApp),
      ),
      gatewayOnly,
      await measure(bench, `the same ${REMOVALS} ids as one bulk mutation (ideal coalescing)`, async () => {
        const body = await bench.execute(BULK, { userIds: profileIds }, app);
        return body.errors ? REMOVALS : 0;
      }),
      await measure(bench, `${REMOVALS} users, each removing their own data at once`, () =>
        concurrently(bench, own),
      ),
    ];
    const [singles, , ideal, distinct] = rows as [Row, Row, Row, Row];
    const upstreamShare = Math.max(0, singles.ms - gatewayOnly.ms);
    return {
      name: 'coalescing',
      title: 'Coalescing concurrent single removals',
      summary: `singles ${singles.calls} calls/${singles.ms} ms, ideal ${ideal.calls} calls/${ideal.ms} ms, distinct users ${distinct.tokens} tokens`,
      markdown: `${machineLine()}

Graph emulator with ${LATENCY_MS} ms per HTTP exchange; Graph tokens and connections warm before timing;
each wall time is the median of ${RUNS} runs.
A coalescer may merge only requests that reach Graph with one token (a \`$batch\` carries one
\`Authorization\`), so *Graph tokens* is the fewest \`$batch\` calls any coalescer could have made.

| concurrent traffic | upstream HTTP calls | Graph tokens | wall time | failed |
| --- | ---: | ---: | ---: | ---: |
${rows.map((row) => `| ${row.traffic} | ${row.calls} | ${row.tokens} | ${row.ms} ms | ${row.failures} |`).join('\n')}

**Decision: no coalescing** ([decision 0006](docs/decisions/0006-no-coalescing-of-single-removals.md)):
Graph's ${LATENCY_MS} ms per call adds only ${upstreamShare} ms to the singles' wall time
(${singles.ms} against ${gatewayOnly.ms} ms), less than one \`$batch\` round trip plus a collection window.`,
    };
  } finally {
    await bench.close();
  }
}
