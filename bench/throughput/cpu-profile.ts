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
    const fn = `${functionName || '(anonymous)'} ${name}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + delta);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && frame.functionName !== '(root)') onStack.add(packageOf(frame.url, frame.functionName));
    }
    for (const item of onStack) inclusive.set(item, (inclusive.get(item) ?? 0) + delta);
  });
  const shares = (map: Map<string, number>) =>
    [...map.entries()]
      .map(([name, micros]) => ({ name, percent: (100 * micros) / Math.max(1, busy) }))
      .sort((a, b) => b.percent - a.percent)
      .slice(0, top);
  return {
    busyMs: busy / 1000,
    selfByPackage: shares(self),
    inclusiveByPackage: shares(inclusive),
    topFunctions: shares(functions),
  };
}

export function formatSummary(summary: ProfileSummary): string {
  const list = (title: string, items: ProfileShare[]) =>
    `${title}\n${items.map((item) => `  ${item.percent.toFixed(1).padStart(5)} %  ${item.name}`).join('\n')}`;
  return [
    `busy ${summary.busyMs.toFixed(0)} ms`,
    list('self time by package', summary.selfByPackage),
    list('inclusive time by package', summary.inclusiveByPackage),
    list('hottest functions (self)', summary.topFunctions),
  ].join('\n\n');
}
