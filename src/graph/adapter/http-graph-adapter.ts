import type { GraphAdapter } from './graph-adapter.js';
import type { GraphHttpClient } from '../transport/graph-http-client.js';
import { createHttpInboundActions } from './http-inbound-actions.js';
import { createHttpProfileReads } from './http-profile-reads.js';
import { type HttpRemovalOptions, createHttpRemovals } from './http-removals.js';

/** The Graph adapter over HTTPS. Ids arrive validated; they are still encoded as path segments. */
export function createHttpGraphAdapter(
  client: GraphHttpClient,
  removals: HttpRemovalOptions & { baseUrl: string },
): GraphAdapter {
  return {
    ...createHttpProfileReads(client),
    ...createHttpInboundActions(client, removals.baseUrl),
    ...createHttpRemovals(client, removals),
  };
}
