import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { nodeFlags } from '../../scripts/node-flags.js';
import { freePort } from '../../test/support/free-port.js';
import { benchDatabaseUrl } from '../support/bench-database.js';
import { BenchProcess } from './child-processes.js';
import { cpuLayout } from './cpu-layout.js';
import type { LoadTarget } from './load.js';
import type { CountAnswer, UpstreamReady } from './upstream-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = ['--import', 'tsx'];
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Rate limits far above anything a loopback benchmark reaches: the bench measures cost, not policy. */
export const UNTHROTTLED = {
  RATE_LIMIT_OPERATIONS_PER_MINUTE: '1000000000',
  RATE_LIMIT_REMOVALS_PER_MINUTE: '1000000000',
};

const REMOVE = `mutation Remove($userId: ID!) {
  removeOutboundSharedUserProfilePersonalData(userId: $userId) { userId requestedAt upstreamRequestId }
}`;

export interface Upstream {
  process: BenchProcess;
  ready: UpstreamReady;
  /** The removal action itself, straight at the emulated Graph, with a Graph token. */
  target: LoadTarget;
  /** Graph calls the emulator has answered since it started. */
  callsSoFar(): Promise<number>;
}

/** A started server that answers the GraphQL removal. */
export interface GraphQLTarget {
  process: BenchProcess;
  target: LoadTarget;
}

let built = false;

/**
 * Compiles src/ to dist/ as `npm start` does, once per process (the gateway runs as operators run
 * it); `BENCH_SKIP_BUILD=1` uses dist/ as it is.
 */
export function buildGatewayOnce(): void {
  if (built || process.env.BENCH_SKIP_BUILD === '1') return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  built = true;
}

export async function startUpstream(): Promise<Upstream> {
  const child = BenchProcess.start('upstream', here('./upstream-process.ts'), {
    env: { NODE_ENV: 'production' },
    nodeArgs: TSX,
    ipc: true,
  });
  const ready = await child.firstMessage<UpstreamReady>();
  let nextId = 0;
  return {
    process: child,
    ready,
    target: {
      name: 'upstream',
      url: `${ready.graphBaseUrl}/directory/outboundSharedUserProfiles/${ready.userId}/removePersonalData`,
      headers: { authorization: `Bearer ${ready.graphToken}` },
      pid: child.pid,
    },
    async callsSoFar() {
      const id = ++nextId;
      const answer = new Promise<number>((resolve) => {
        const listen = (message: CountAnswer) => {
          if (message.id !== id) return;
          child.child.off('message', listen);
          resolve(message.count);
        };
        child.child.on('message', listen);
      });
      child.child.send({ id });
      return answer;
    },
  };
}

function graphQLTarget(name: string, url: string, upstream: Upstream, pid: number): LoadTarget {
  return {
    name,
    url: `${url}/graphql`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${upstream.ready.userToken}` },
    body: JSON.stringify({ query: REMOVE, variables: { userId: upstream.ready.userId } }),
    pid,
  };
}

const trustUpstream = (upstream: Upstream) => ({
  NODE_ENV: 'production',
  NODE_EXTRA_CA_CERTS: upstream.ready.caFile,
});

/**
 * The gateway's compiled entry point in production mode, with `npm start`'s V8 flags (`nodeArgs` come
 * after them and win); `env` adds to or overrides the bench's settings.
 */
export async function startGateway(
  upstream: Upstream,
  options: { name?: string; env?: Record<string, string>; nodeArgs?: string[]; entry?: string } = {},
): Promise<GraphQLTarget> {
  const port = await freePort();
  const name = options.name ?? 'gateway';
  const child = BenchProcess.start(name, options.entry ?? `${ROOT}dist/src/server/main.js`, {
    env: {
      ...upstream.ready.env,
      ...trustUpstream(upstream),
      ...UNTHROTTLED,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: await benchDatabaseUrl(),
      ...options.env,
    },
    nodeArgs: [...nodeFlags(), ...(options.nodeArgs ?? [])],
    cpus: cpuLayout.target,
  });
  const url = `http://127.0.0.1:${port}`;
  await child.untilHttpOk(`${url}/readiness`);
  return { process: child, target: graphQLTarget(name, url, upstream, child.pid) };
}

/** A child that calls Graph with the fixed Graph token and reports its URL over IPC. */
async function startWithGraphToken(
  upstream: Upstream,
  name: string,
  entry: string,
  nodeArgs: string[],
): Promise<GraphQLTarget> {
  const child = BenchProcess.start(name, here(entry), {
    env: {
      ...trustUpstream(upstream),
      GRAPH_BASE_URL: upstream.ready.graphBaseUrl,
      BENCH_GRAPH_TOKEN: upstream.ready.graphToken,
      PORT: String(await freePort()),
    },
    nodeArgs: [...nodeArgs, ...TSX],
    ipc: true,
    cpus: cpuLayout.target,
  });
  const { url } = await child.firstMessage<{ url: string }>();
  return { process: child, target: graphQLTarget(name, url, upstream, child.pid) };
}

/** The bare forwarding proxy: the limit. */
export const startBareProxy = (upstream: Upstream, nodeArgs: string[] = []) =>
  startWithGraphToken(upstream, 'limit', './bare-proxy.ts', nodeArgs);

/** graphql-yoga alone with the same mutation: the floor of the fixed stack. */
export const startYogaFloor = (upstream: Upstream, nodeArgs: string[] = []) =>
  startWithGraphToken(upstream, 'floor', './yoga-floor.ts', nodeArgs);

export async function startApolloPeer(upstream: Upstream): Promise<GraphQLTarget> {
  const child = BenchProcess.start('peer', here('../peers/apollo-gateway.ts'), {
    env: { ...upstream.ready.env, ...trustUpstream(upstream), PORT: String(await freePort()) },
    nodeArgs: TSX,
    ipc: true,
    cpus: cpuLayout.target,
  });
  const { url } = await child.firstMessage<{ url: string }>();
  return { process: child, target: graphQLTarget('peer', url, upstream, child.pid) };
}

/**
 * One request through `target`, checked: a benchmark of error answers would measure nothing.
 * GraphQL targets must answer the removal's data; the upstream must answer 204.
 */
export async function assertAnswersRemoval(target: LoadTarget, upstream: Upstream): Promise<void> {
  const dispatcher = new Agent({ connect: { ca: readFileSync(upstream.ready.caFile, 'utf8') } });
  try {
    const response = await request(target.url, {
      method: 'POST',
      headers: target.headers,
      body: target.body ?? null,
      dispatcher,
    });
    const text = await response.body.text();
    const answered =
      target.name === 'upstream'
        ? response.statusCode === 204
        : response.statusCode === 200 &&
          (JSON.parse(text) as RemovalAnswer).data?.removeOutboundSharedUserProfilePersonalData?.userId ===
            upstream.ready.userId;
    if (!answered) {
      throw new Error(
        `${target.name} did not perform the removal: ${response.statusCode} ${text.slice(0, 500)}`,
      );
    }
  } finally {
    await dispatcher.close();
  }
}

interface RemovalAnswer {
  data?: { removeOutboundSharedUserProfilePersonalData?: { userId?: string } };
}
