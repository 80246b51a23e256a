import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayProcess } from '../support/gateway-process.js';

interface PersonaListing {
  personas: Array<{ name: string; objectId: string; token: string }>;
}

describe('the zero-configuration start', () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await GatewayProcess.start({});
    await gateway.untilReady();
  });
  afterAll(() => gateway?.stop());

  it('serves GraphiQL with a demo persona’s Authorization header and the mutation ready to run', async () => {
    const response = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('removeOutboundSharedUserProfilePersonalData');
    // The administrator's tab, with the listings and the inbound actions.
    expect(html).toContain('exportInboundSharedUserProfilePersonalData');
    expect(html).toMatch(/Authorization\\*":\s*\\*"Bearer eyJ/);
  });

  it('runs the pre-filled mutation with the persona token and gets the payload', async () => {
    const listing = (await (await fetch(`${gateway.url}/dev/personas`)).json()) as PersonaListing;
    const user = listing.personas.find((persona) => persona.name === 'user')!;
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({
        query: `mutation { removeOutboundSharedUserProfilePersonalData(userId: "${user.objectId}") { userId upstreamRequestId } }`,
      }),
    });
    const body = (await response.json()) as {
      data: { removeOutboundSharedUserProfilePersonalData: { userId: string; upstreamRequestId: string } };
    };
    expect(body.data.removeOutboundSharedUserProfilePersonalData.userId).toBe(user.objectId);
    expect(body.data.removeOutboundSharedUserProfilePersonalData.upstreamRequestId).toBeTruthy();
  });
});
