import type {
  AuthenticationResult,
  ClientCredentialRequest,
  Configuration,
  OnBehalfOfRequest,
} from '@azure/msal-node';
import { Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/auth/caller.js';
import { type MsalClient, createMsalTokenProvider } from '../../src/graph/tokens/graph-token-provider.js';
import { pino } from 'pino';

/**
 * MSAL's shared in-memory cache once answered a client-credentials request with a user's token
 * (README, "Graph tokens"). The rule that prevents it: every on-behalf-of exchange runs on a
 * short-lived MSAL client of its own, never on the application's client. Issue 21, row
 * "on-behalf-of exchange on a short-lived MSAL client": the clients are made through the
 * provider's `createClient` parameter, so this test sees which client ran which exchange.
 */
class RecordingClient implements MsalClient {
  readonly calls: string[] = [];

  acquireTokenByClientCredential(_request: ClientCredentialRequest): Promise<AuthenticationResult | null> {
    this.calls.push('client_credentials');
    return Promise.resolve(result('app-token'));
  }

  acquireTokenOnBehalfOf(request: OnBehalfOfRequest): Promise<AuthenticationResult | null> {
    this.calls.push(`on_behalf_of:${request.oboAssertion}`);
    expect(request.skipCache).toBe(true);
    return Promise.resolve(result(`user-token-for-${request.oboAssertion}`));
  }
}

function result(accessToken: string): AuthenticationResult {
  // Only the fields the provider reads; MSAL's result has many more.
  return { accessToken, expiresOn: new Date(Date.now() + 3_600_000) } as AuthenticationResult;
}

function user(assertion: string): Caller {
  return {
    kind: 'USER',
    objectId: `oid-${assertion}`,
    tenantId: 'tenant',
    clientId: 'client',
    scopes: ['CrossTenantUserProfileSharing.ReadWrite'],
    roles: [],
    directoryRoles: [],
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
    assertion,
    assertionHash: `hash-${assertion}`,
  };
}

const APP: Caller = {
  ...user('app'),
  kind: 'APPLICATION',
  scopes: [],
  roles: ['CrossTenantUserProfileSharing.ReadWrite.All'],
};

describe('on-behalf-of exchanges', () => {
  const dispatcher = new Agent();
  afterAll(() => dispatcher.close());

  it('each run on a client of their own, never on the application client', async () => {
    const clients: RecordingClient[] = [];
    const configurations: Configuration[] = [];
    const tokens = createMsalTokenProvider({
      azure: {
        authorityHost: 'https://login.example.test',
        tenantId: 'tenant',
        clientId: 'client',
        clientSecret: 'secret',
      },
      scope: 'https://graph.example.test/.default',
      dispatcher,
      timeoutMs: 5_000,
      logger: pino({ level: 'silent' }),
      createClient: (configuration) => {
        configurations.push(configuration);
        const client = new RecordingClient();
        clients.push(client);
        return client;
      },
    });

    expect(await tokens.tokenFor(APP, 'c1')).toBe('app-token');
    expect(await tokens.tokenFor(user('alice'), 'c2')).toBe('user-token-for-alice');
    expect(await tokens.tokenFor(APP, 'c3')).toBe('app-token');
    expect(await tokens.tokenFor(user('bob'), 'c4')).toBe('user-token-for-bob');
    // Cached: no third client for alice.
    expect(await tokens.tokenFor(user('alice'), 'c5')).toBe('user-token-for-alice');

    const [application, ...exchanges] = clients;
    expect(application!.calls).toEqual(['client_credentials', 'client_credentials']);
    expect(exchanges.map((client) => client.calls)).toEqual([['on_behalf_of:alice'], ['on_behalf_of:bob']]);
    // The same configuration each time: only the cache differs.
    expect(new Set(configurations.map((configuration) => JSON.stringify(configuration.auth))).size).toBe(1);
  });
});
