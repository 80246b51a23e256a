import type { ServerResponse } from 'node:http';
import type { YogaInitialContext } from 'graphql-yoga';
import type { GatewayContext } from '../schema/builder.js';

/**
 * What node:http hands yoga with each request (`createServer(yoga)`), as far as the gateway reads
 * it: the socket's peer address, and the outgoing message for headers set before the adapter
 * writes it. Absent when a test calls `yoga.fetch` directly.
 */
export interface NodeServerContext {
  req?: { socket?: { remoteAddress?: string | undefined } };
  res?: Pick<ServerResponse, 'headersSent' | 'setHeader'>;
}

/** The context yoga plugins of this gateway see during execution. */
export type GatewayPluginContext = GatewayContext & NodeServerContext & YogaInitialContext;
