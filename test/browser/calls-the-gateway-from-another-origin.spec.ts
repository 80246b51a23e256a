import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type EmbeddedServices, PERSONAS, startEmbeddedServices } from '@shared-profile-gateway/emulators';
import { GatewayProcess } from '../support/gateway-process.js';
import { describeInChromium } from './support/chromium.js';

/** A frontend's page on its own localhost port, as a dev server would serve it. */
let frontend: Server;
let frontendUrl: string;
let embedded: GatewayProcess;
let services: EmbeddedServices;
let production: GatewayProcess;

beforeAll(async () => {
  frontend = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>A frontend</title>');
  });
  await new Promise<void>((resolve) => frontend.listen(0, 'localhost', resolve));
  frontendUrl = `http://localhost:${(frontend.address() as AddressInfo).port}`;
  embedded = await GatewayProcess.start({});
  services = await startEmbeddedServices();
  production = await GatewayProcess.startInProduction(services);
  await Promise.all([embedded.untilReady(), production.untilReady()]);
});
afterAll(async () => {
  await Promise.all([embedded?.stop(), production?.stop()]);
  await services?.close();
  await new Promise((resolve) => frontend?.close(resolve));
});

interface CallOutcome {
  data?: unknown;
  failure?: string;
}

/** What the README's `fetch` example gets when the frontend's page runs it. */
function callFromPage(page: Page, gatewayUrl: string, token: string): Promise<CallOutcome> {
  return page.evaluate(
    async ({ gatewayUrl, token }) => {
      try {
        const response = await fetch(`${gatewayUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ viewer { kind userId } }' }),
        });
        return { data: ((await response.json()) as { data: unknown }).data };
      } catch (error) {
        return { failure: String(error) };
      }
    },
    { gatewayUrl, token },
  );
}

describeInChromium(
  'a frontend on another origin',
  { allowedOrigins: () => [frontendUrl, embedded.url, production.url] },
  (session) => {
    it('calls the embedded gateway with a persona’s token from /dev/personas', async () => {
      const { page, pageErrors } = session();
      await page.goto(frontendUrl);
      const token = await page.evaluate(async (gatewayUrl) => {
        const listing = (await (await fetch(`${gatewayUrl}/dev/personas`)).json()) as {
          personas: Array<{ name: string; token: string }>;
        };
        return listing.personas.find((persona) => persona.name === 'user')?.token ?? '';
      }, embedded.url);
      expect(token).toMatch(/^eyJ/);
      expect(await callFromPage(page, embedded.url, token)).toEqual({
        data: { viewer: { kind: 'USER', userId: PERSONAS.user.objectId } },
      });
      expect(pageErrors).toEqual([]);
    });

    it('is refused by a production gateway without CORS_ORIGINS', async () => {
      const { page, pageErrors } = session();
      await page.goto(frontendUrl);
      const outcome = await callFromPage(page, production.url, await services.personaToken('user'));
      expect(outcome.data).toBeUndefined();
      expect(outcome.failure).toMatch(/Failed to fetch/);
      expect(pageErrors.join('\n')).toMatch(/blocked by CORS policy/);
    });
  },
);
