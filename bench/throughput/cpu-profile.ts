import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  name: string;
  /** Share of all sampled time, in percent. */
  percent: number;
}

export interface ProfileSummary {
  /** Sampled time while the process was busy (not idle), in ms. */
  busyMs: number;
  /** Where the time was spent, by the code that was running (self time), grouped by package or file. */
  selfByPackage: ProfileShare[];
  /** Time with a package anywhere on the stack (inclusive: a share can contain others). */
  inclusiveByPackage: ProfileShare[];
  /** The hottest functions by self time. */
  topFunctions: ProfileShare[];
  /** Self time by layer (see `layerOf`), all of it. */
  byLayer: ProfileShare[];
}

const LAYERS = ['runtime and I/O', 'GraphQL server', 'application'] as const;
type Layer = (typeof LAYERS)[number];

const GRAPHQL_SERVER =
  /^(graphql|graphql-yoga|@graphql-yoga\/.+|@whatwg-node\/.+|@envelop\/.+|@graphql-tools\/.+)$/;

/**
 * What a package is to a GraphQL gateway: Node itself, V8 and the HTTP client every target needs
 * (a bare proxy is nothing else); the GraphQL server stack (yoga, what it runs on and executes
 * with); or the application on top of it (our src/, a bench child's own code, and the libraries
 * they call: Pothos, prom-client, cockatiel, …). Samples are charged to the function running, so
 * a collection is "runtime" whoever allocated, and promise callbacks count where they are written.
 */
function layerOf(packageName: string): Layer {
  if (GRAPHQL_SERVER.test(packageName)) return 'GraphQL server';
  if (/^(node:|\(|undici$|wasm:)/.test(packageName)) return 'runtime and I/O';
  return 'application';
}

/** "jose", "graphql-yoga", "src/auth/token-verifier.ts", "node:internal/…", "(garbage collector)", … */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/.][^/]*)/.exec(url);
  if (modules) return modules[1] as string;
  if (url.startsWith('node:')) return url.replace(/^node:internal\/([^/]+).*/, 'node:internal/$1');
  const project = /\/(src|bench)\/(.+)$/.exec(url);
  return project ? `${project[1]}/${project[2]}` : url;
}

/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and says where the busy time went, in the last
 * `windowSeconds` of the profile only (the load, not the start-up and the warm-up before it).
 */
export function summarizeProfile(file: string, windowSeconds: number, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const total = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  const windowStart = total - windowSeconds * 1e6;
  let elapsed = 0;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<string, number>();
  const layers = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    elapsed += delta;
    if (elapsed < windowStart) return;
    if (!node || node.callFrame.functionName === '(idle)') return;
    busy += delta;
    const { url, functionName, lineNumber } = node.callFrame;
    const name = packageOf(url, functionName);
    self.set(name, (self.get(name) ?? 0) + delta);
    const layer = layerOf(name);
    layers.set(layer, (layers.get(layer) ?? 0) + delta);
    const fn = `${functionName || '(anonymous)'} ${name}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + delta);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && frame.functionName !== '(root)') onStack.add(packageOf(frame.url, frame.functionName));
    }
    for (const item of onStack) inclusive.set(item, (inclusive.get(item) ?? 0) + delta);
  });
  const shares = (map: Map<string, number>, count = top) =>
    [...map.entries()]
      .map(([name, micros]) => ({ name, percent: (100 * micros) / Math.max(1, busy) }))
      .sort((a, b) => b.percent - a.percent)
      .slice(0, count);
  return {
    busyMs: busy / 1000,
    selfByPackage: shares(self),
    inclusiveByPackage: shares(inclusive),
    topFunctions: shares(functions),
    byLayer: shares(layers, LAYERS.length),
  };
}

/** `responses`: how many the profiled window answered, to give each layer's sampled µs per response. */
export function formatSummary(summary: ProfileSummary, responses: number): string {
  const list = (title: string, items: ProfileShare[]) =>
    `${title}\n${items.map((item) => `  ${item.percent.toFixed(1).padStart(5)} %  ${item.name}`).join('\n')}`;
  const microsPerResponse = (percent: number) => (summary.busyMs * 10 * percent) / Math.max(1, responses);
  const layers = LAYERS.map((layer) => {
    const percent = summary.byLayer.find((share) => share.name === layer)?.percent ?? 0;
    return `  ${microsPerResponse(percent).toFixed(0).padStart(5)} µs  ${percent.toFixed(1).padStart(5)} %  ${layer}`;
  });
  return [
    `busy ${summary.busyMs.toFixed(0)} ms: ${microsPerResponse(100).toFixed(0)} µs sampled per response`,
    `self time by layer, per response\n${layers.join('\n')}`,
    list('self time by package', summary.selfByPackage),
    list('inclusive time by package', summary.inclusiveByPackage),
    list('hottest functions (self)', summary.topFunctions),
  ].join('\n\n');
}
