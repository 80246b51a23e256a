import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import type { EmbeddedServices } from './embedded-services.js';
import { administratorExamples } from './graphiql-examples.js';
import { PERSONAS, type PersonaName } from './personas.js';

const DEMO_PERSONA: PersonaName = 'user';

function demoOperation(): string {
  const persona = PERSONAS[DEMO_PERSONA];
  return `# Signed in as the demo persona "${DEMO_PERSONA}" (${persona.displayName}): ${persona.description}
# Press the run button: the gateway verifies the token, exchanges it on-behalf-of the user,
# and asks the emulated Microsoft Graph to remove the data this user shares with other tenants.
# Other personas' tokens: GET /dev/personas (admin, reader, app).

# 1 upstream call.
mutation RemoveMySharedProfileData {
  removeOutboundSharedUserProfilePersonalData(userId: "${persona.objectId}") {
    userId
    tenantId
    requestedAt
    upstreamRequestId
  }
}

# 0 upstream calls: the gateway answers from the verified token.
query WhoAmI {
  viewer { kind userId tenantId scopes roles }
}

# 2 upstream calls (the profile, then its tenants): any of the four scopes reads one's own.
query MySharedProfile {
  outboundSharedUserProfile(userId: "${persona.objectId}") {
    userId
    tenants(first: 10) { edges { node { tenantId } } pageInfo { hasNextPage endCursor } }
  }
}
`;
}

/**
 * What the zero-configuration start adds to the gateway: GraphiQL opened as a demo persona with
 * the mutation ready to run, and `GET /dev/personas` listing fresh tokens for every persona. Only
 * ever wired in the embedded mode, whose identity provider lives and dies with the process.
 */
export function embeddedGatewayExtras(services: EmbeddedServices): {
  graphiql: () => Promise<GraphiQLOptions>;
  plugins: Plugin[];
} {
  return {
    graphiql: async () => {
      const bearer = async (persona: PersonaName) =>
        JSON.stringify({ Authorization: `Bearer ${await services.personaToken(persona)}` }, null, 2);
      const headers = await bearer(DEMO_PERSONA);
      return {
        title: 'Shared profile gateway (embedded demo)',
        defaultQuery: demoOperation(),
        headers,
        // A second tab signed in as the administrator, for the listings and the inbound actions.
        defaultTabs: [
          { query: demoOperation(), headers },
          { query: administratorExamples(), headers: await bearer('admin') },
        ],
        shouldPersistHeaders: false,
      };
    },
    plugins: [
      {
        async onRequest({ url, request, endResponse }) {
          if (url.pathname !== '/dev/personas' || request.method !== 'GET') return;
          const personas = await Promise.all(
            Object.values(PERSONAS).map(async (persona) => ({
              name: persona.name,
              kind: persona.kind,
              description: persona.description,
              objectId: persona.objectId,
              displayName: persona.displayName,
              token: await services.personaToken(persona.name),
            })),
          );
          endResponse(Response.json({ personas }));
        },
      },
    ],
  };
}
