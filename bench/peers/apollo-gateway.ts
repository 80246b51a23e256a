// The peer: the same mutation with the same rules on Apollo Server 5, written the way its users
// write it (standalone server, jose in the context function, fetch for the token exchange and
// for Graph). It reads the gateway's own environment variables, so the bench points both at the
// same upstream. Run as a child process by bench/throughput; not part of the product.
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError } from 'graphql';
import { type JWTPayload, createRemoteJWKSet, jwtVerify } from 'jose';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const tenantId = env('AUTH_TENANT_ID');
const authority = `${env('AZURE_AUTHORITY_HOST', 'https://login.microsoftonline.com')}/${env('AZURE_TENANT_ID')}`;
const graphBaseUrl = env('GRAPH_BASE_URL', 'https://graph.microsoft.com/beta');
const jwks = createRemoteJWKSet(new URL(env('AUTH_JWKS_URI', `${authority}/discovery/v2.0/keys`)));
const verifyOptions = {
  issuer: env('AUTH_ISSUER', `https://login.microsoftonline.com/${tenantId}/v2.0`).split(','),
  audience: env('AUTH_AUDIENCE').split(','),
  algorithms: ['RS256'],
  clockTolerance: 60,
  requiredClaims: ['exp'],
};

const READ_WRITE = 'CrossTenantUserProfileSharing.ReadWrite';
const READ_WRITE_ALL = 'CrossTenantUserProfileSharing.ReadWrite.All';
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const PERSONAL_ACCOUNTS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const typeDefs = `#graphql
  scalar DateTime
  type RemovePersonalDataPayload {
    userId: ID!
    tenantId: ID
    requestedAt: DateTime!
    upstreamRequestId: String
  }
  type Query { ok: Boolean! }
  type Mutation {
    removeOutboundSharedUserProfilePersonalData(userId: ID!, tenantId: ID): RemovePersonalDataPayload!
  }
`;

interface Context {
  token?: string;
  claims?: JWTPayload;
}

const fail = (code: string, message: string, status?: number) =>
  new GraphQLError(message, { extensions: { code, ...(status ? { http: { status } } : {}) } });

// A simple cache of Graph tokens, keyed by the caller's token (or "app"), until shortly before expiry.
const graphTokens = new Map<string, { token: string; expiresAt: number }>();

async function graphToken(context: Required<Context>): Promise<string> {
  const delegated = typeof context.claims.scp === 'string';
  const key = delegated ? context.token : 'app';
  const cached = graphTokens.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.token;
  const form = new URLSearchParams({
    client_id: env('AZURE_CLIENT_ID'),
    client_secret: env('AZURE_CLIENT_SECRET'),
    scope: 'https://graph.microsoft.com/.default',
    ...(delegated
      ? {
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          requested_token_use: 'on_behalf_of',
          assertion: context.token,
        }
      : { grant_type: 'client_credentials' }),
  });
  const response = await fetch(`${authority}/oauth2/v2.0/token`, { method: 'POST', body: form });
  if (!response.ok) throw fail('UPSTREAM_ERROR', 'Could not obtain a Graph token.');
  const body = (await response.json()) as { access_token: string; expires_in: number };
  graphTokens.set(key, { token: body.access_token, expiresAt: Date.now() + (body.expires_in - 300) * 1000 });
  return body.access_token;
}

function authorize(claims: JWTPayload, userId: string): void {
  if (claims.tid === PERSONAL_ACCOUNTS_TENANT) {
    throw fail('FORBIDDEN', 'Personal Microsoft accounts are not supported.');
  }
  const list = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : []);
  if (typeof claims.scp === 'string') {
    const scopes = claims.scp.split(' ');
    const own = claims.oid === userId && (scopes.includes(READ_WRITE) || scopes.includes(READ_WRITE_ALL));
    const admin = scopes.includes(READ_WRITE_ALL) && list(claims.wids).includes(GLOBAL_ADMINISTRATOR);
    if (own || admin) return;
  } else if (list(claims.roles).includes(READ_WRITE_ALL)) {
    return;
  }
  throw fail('FORBIDDEN', 'Not allowed.');
}

const resolvers = {
  Query: { ok: () => true },
  Mutation: {
    async removeOutboundSharedUserProfilePersonalData(
      _parent: unknown,
      args: { userId: string; tenantId?: string | null },
      context: Context,
    ) {
      if (!context.token || !context.claims) throw fail('UNAUTHENTICATED', 'Sign in first.', 401);
      for (const id of [args.userId, args.tenantId ?? undefined]) {
        if (id !== undefined && !GUID.test(id)) throw fail('BAD_USER_INPUT', 'Ids must be GUIDs.');
      }
      authorize(context.claims, args.userId);
      const token = await graphToken({ token: context.token, claims: context.claims });
      const path = `/directory/outboundSharedUserProfiles/${args.userId}${
        args.tenantId ? `/tenants/${args.tenantId}` : ''
      }/removePersonalData`;
      let response: Response;
      try {
        response = await fetch(`${graphBaseUrl}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'client-request-id': randomUUID() },
          signal: AbortSignal.timeout(10_000),
        });
      } catch {
        throw fail('UPSTREAM_UNAVAILABLE', 'Graph could not be reached.');
      }
      await response.arrayBuffer();
      if (response.status === 404) throw fail('NOT_FOUND', 'No such profile.');
      if (response.status === 403) throw fail('FORBIDDEN', 'Graph refused the request.');
      if (response.status === 429) throw fail('THROTTLED', 'Graph is throttling.');
      if (!response.ok) throw fail('UPSTREAM_ERROR', 'Graph failed.');
      return {
        userId: args.userId,
        tenantId: args.tenantId ?? null,
        requestedAt: new Date().toISOString(),
        upstreamRequestId: response.headers.get('request-id'),
      };
    },
  },
};

const server = new ApolloServer<Context>({ typeDefs, resolvers });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(env('PORT', '4000')), host: '127.0.0.1' },
  context: async ({ req }) => {
    const header = req.headers.authorization;
    if (!header) return {};
    const token = header.replace(/^Bearer /i, '');
    try {
      const { payload } = await jwtVerify(token, jwks, verifyOptions);
      return { token, claims: payload };
    } catch {
      throw fail('UNAUTHENTICATED', 'The bearer token is not valid.', 401);
    }
  },
});
process.send?.({ url: url.replace(/\/$/, '') });
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
