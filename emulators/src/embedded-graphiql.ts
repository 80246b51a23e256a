import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import type { EmbeddedServices } from './embedded-services.js';
import { graphiqlExamples } from './graphiql-examples.js';
import { PERSONAS, type PersonaName } from './personas.js';

/**
 * What the zero-configuration start adds to the gateway: GraphiQL opened on the demo user's removal,
 * one tab per example, each with its persona's `Authorization` header (fresh tokens on every page
 * load), and `GET /dev/personas` listing fresh tokens for every persona. Only ever wired in the
 * embedded mode, whose identity provider lives and dies with the process.
 */
export function embeddedGatewayExtras(services: EmbeddedServices): {
  graphiql: () => Promise<GraphiQLOptions>;
  plugins: Plugin[];
} {
  return {
    graphiql: async () => {
      const examples = graphiqlExamples();
      const personas = [...new Set(examples.map((example) => example.persona))];
      const tokens = new Map(
        await Promise.all(
          personas.map(async (persona) => [persona, await services.personaToken(persona)] as const),
        ),
      );
      const headers = (persona: PersonaName) =>
        JSON.stringify({ Authorization: `Bearer ${tokens.get(persona)}` }, null, 2);
      const tabs = examples.map((example) => ({ query: example.query, headers: headers(example.persona) }));
      return {
        title: 'Shared profile gateway (embedded demo)',
        // New tabs (the + button) are signed in as the demo user.
        headers: tabs[0]?.headers,
        defaultTabs: tabs,
        defaultEditorToolsVisibility: 'headers',
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
