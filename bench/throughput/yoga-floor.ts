// Child process: graphql-yoga alone, the floor of the fixed stack. The same mutation (SDL), one
// resolver that calls Graph's removal action with a fixed Graph token over an undici pool; no
// verification, no token exchange, no plugins, no retries, no metrics. What the gateway adds on
// top of this is its own cost; what this costs over the bare proxy is yoga's.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { Pool } from 'undici';

const graphBaseUrl = new URL(required('GRAPH_BASE_URL'));
const authorization = `Bearer ${required('BENCH_GRAPH_TOKEN')}`;
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
server.listen(Number(required('PORT')), '127.0.0.1', () => {
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
