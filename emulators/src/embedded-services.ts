import { randomBytes } from 'node:crypto';
import { startGraphEmulator, type DemoData, type GraphEmulator } from './graph-emulator.js';
import { startIdentityProvider, type IdentityProvider } from './identity-provider.js';
import { createLoopbackTls, type TlsMaterial } from './loopback-tls.js';
import { PROFILE_SHARING_PERMISSIONS } from './microsoft-identifiers.js';
import {
  DEMO_GATEWAY_AUDIENCE,
  DEMO_GATEWAY_CLIENT_ID,
  DEMO_TENANT_ID,
  personaClaims,
  type PersonaName,
} from './personas.js';

export interface EmbeddedServicesOptions {
  graphLatencyMs?: number;
  /** The directory the Graph emulator serves; the demo directory by default. */
  graphData?: DemoData;
}

/** A development identity provider and Graph emulator, wired to each other, for one gateway. */
export interface EmbeddedServices {
  tls: TlsMaterial;
  identityProvider: IdentityProvider;
  graph: GraphEmulator;
  /** The environment that points a gateway at these services (besides trusting `tls.ca`). */
  env: Record<string, string>;
  /** A caller access token for the gateway, as the persona would present it. */
  personaToken(name: PersonaName): Promise<string>;
  close(): Promise<void>;
}

export async function startEmbeddedServices(
  options: EmbeddedServicesOptions = {},
): Promise<EmbeddedServices> {
  const tls = await createLoopbackTls();
  // Fresh per start, so that no secret in the repository ever opens anything.
  const clientSecret = randomBytes(32).toString('base64url');
  const identityProvider = await startIdentityProvider({
    tls,
    tenantId: DEMO_TENANT_ID,
    clients: [
      {
        clientId: DEMO_GATEWAY_CLIENT_ID,
        clientSecret,
        appRoles: [PROFILE_SHARING_PERMISSIONS.readWriteAll],
      },
    ],
    apiAudiences: [DEMO_GATEWAY_AUDIENCE, DEMO_GATEWAY_CLIENT_ID],
  });
  let graph: GraphEmulator;
  try {
    graph = await startGraphEmulator({
      tls,
      tokenIssuer: identityProvider.issuer,
      jwksUri: identityProvider.jwksUri,
      trustedCa: tls.ca,
      ...(options.graphLatencyMs !== undefined ? { latencyMs: options.graphLatencyMs } : {}),
      ...(options.graphData ? { data: options.graphData } : {}),
    });
  } catch (error) {
    await identityProvider.close();
    throw error;
  }

  return {
    tls,
    identityProvider,
    graph,
    env: {
      AUTH_TENANT_ID: DEMO_TENANT_ID,
      AUTH_AUDIENCE: `${DEMO_GATEWAY_AUDIENCE},${DEMO_GATEWAY_CLIENT_ID}`,
      AUTH_ISSUER: identityProvider.issuer,
      AUTH_JWKS_URI: identityProvider.jwksUri,
      AZURE_AUTHORITY_HOST: identityProvider.origin,
      AZURE_TENANT_ID: DEMO_TENANT_ID,
      AZURE_CLIENT_ID: DEMO_GATEWAY_CLIENT_ID,
      AZURE_CLIENT_SECRET: clientSecret,
      GRAPH_BASE_URL: graph.baseUrl,
    },
    personaToken: (name) => identityProvider.issueToken(personaClaims(name)),
    async close() {
      await Promise.all([graph.close(), identityProvider.close()]);
    },
  };
}
