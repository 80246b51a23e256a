import { RequestCache } from '@pothos/plugin-scope-auth';
import type { Plugin } from 'graphql-yoga';

/**
 * Releases Pothos scope-auth's per-request cache once execution is over. The plugin keeps it in a
 * module-level WeakMap keyed by the context, and V8's young-generation collections keep every
 * entry of an old WeakMap alive (only a full collection clears them): each request's whole
 * context, loaders and signal included, was promoted to the old generation. At 1,400 req/s that
 * was 25 MB/s promoted, a 4 ms scavenge every 55 ms and a mark-compact every 4 s, which is what
 * the half-rate p99 was made of (BENCHMARKS.md). A resolver still running after the result (a
 * sibling of a failed non-null field) just builds a new cache: scopes are derived again from
 * the same context, so nothing is authorized differently.
 */
export function useScopeCacheRelease(): Plugin {
  return {
    onExecute: () => ({
      onExecuteDone: ({ args }) => RequestCache.clearForContext(args.contextValue),
    }),
  };
}
