import type { YogaInitialContext } from 'graphql-yoga';
import type { GatewayContext } from '../schema/builder.js';

/**
 * What node:http hands yoga with each request (`createServer(yoga)`), as far as the gateway reads
 * it: the socket's peer address. Absent when a test calls `yoga.fetch` directly.
 */
export interface NodeServerContext {
  req?: { socket?: { remoteAddress?: string | undefined } };
}

/** The context yoga plugins of this gateway see during execution. */
export type GatewayPluginContext = GatewayContext & NodeServerContext & YogaInitialContext;
