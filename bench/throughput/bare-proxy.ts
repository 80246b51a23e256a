// Child process: the limit a gateway can approach. It forwards each POST to Graph's removal action
// over one keep-alive pool, with a fixed Graph token: no GraphQL, no verification, no token
// exchange, no retries, no metrics. Only the JSON body is read, for the user id to route on.
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { requiredEnv, serveToParent } from './child-server.js';

const graphBaseUrl = new URL(requiredEnv('GRAPH_BASE_URL'));
const authorization = `Bearer ${requiredEnv('BENCH_GRAPH_TOKEN')}`;
const pool = new Pool(graphBaseUrl.origin, { connections: 64, keepAliveTimeout: 30_000 });
const basePath = graphBaseUrl.pathname.replace(/\/$/, '');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let userId: string;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { variables?: { userId?: unknown } };
      userId = String(body.variables?.userId ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    pool
      .request({
        method: 'POST',
        path: `${basePath}/directory/outboundSharedUserProfiles/${encodeURIComponent(userId)}/removePersonalData`,
        headers: { authorization },
      })
      .then(async (upstream) => {
        await upstream.body.dump();
        const ok = upstream.statusCode === 204;
        const payload = JSON.stringify(
          ok
            ? {
                data: {
                  removeOutboundSharedUserProfilePersonalData: {
                    userId,
                    requestedAt: new Date().toISOString(),
                    upstreamRequestId: upstream.headers['request-id'],
                  },
                },
              }
            : { errors: [{ message: 'upstream failed' }] },
        );
        res.writeHead(ok ? 200 : 502, { 'content-type': 'application/json' }).end(payload);
      })
      .catch(() => res.writeHead(502).end());
  });
});

serveToParent(server);
