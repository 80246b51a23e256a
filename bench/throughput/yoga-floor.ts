// Child process: graphql-yoga alone, the floor of the fixed stack. The same mutation (SDL), one
// resolver that calls Graph's removal action with a fixed Graph token over an undici pool; no
// verification, no token exchange, no plugins, no retries, no metrics. What the gateway adds on
// top of this is its own cost; what this costs over the bare proxy is yoga's.
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import { Pool } from 'undici';
import { requiredEnv, serveToParent } from './child-server.js';

const graphBaseUrl = new URL(requiredEnv('GRAPH_BASE_URL'));
const authorization = `Bearer ${requiredEnv('BENCH_GRAPH_TOKEN')}`;
const pool = new Pool(graphBaseUrl.origin, { connections: 64, keepAliveTimeout: 30_000 });
const basePath = graphBaseUrl.pathname.replace(/\/$/, '');

const yoga = createYoga({
  schema: createSchema<Record<string, never>>({
    typeDefs: /* GraphQL */ `
      type RemovePersonalDataPayload {
        userId: ID!
        tenantId: ID
        requestedAt: String!
        upstreamRequestId: String
      }
      type Query {
        ok: Boolean
      }
      type Mutation {
        removeOutboundSharedUserProfilePersonalData(userId: ID!, tenantId: ID): RemovePersonalDataPayload!
      }
    `,
    resolvers: {
      Mutation: {
        async removeOutboundSharedUserProfilePersonalData(_root: unknown, { userId }: { userId: string }) {
          const upstream = await pool.request({
            method: 'POST',
            path: `${basePath}/directory/outboundSharedUserProfiles/${encodeURIComponent(userId)}/removePersonalData`,
            headers: { authorization },
          });
          await upstream.body.dump();
          if (upstream.statusCode !== 204) throw new Error(`Graph answered ${upstream.statusCode}`);
          return {
            userId,
            requestedAt: new Date().toISOString(),
            upstreamRequestId: upstream.headers['request-id'],
          };
        },
      },
    },
  }),
  logging: false,
  maxRequestBodySize: false,
});

const server = createServer(yoga);
serveToParent(server);
