import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayProcess } from '../support/gateway-process.js';
import { traversableTempDir } from '../support/postgres-template.js';

interface PersonaListing {
  personas: Array<{ name: string; objectId: string; token: string }>;
}

const LISTING = `{ personalDataRequests(first: 5) { totalCount edges { node { id operation userId status } } } }`;

describe('the zero-configuration start', () => {
  let gateway: GatewayProcess;
  // DATA_DIR as `npm start` uses it (./data by default), here a folder of the test's own.
  const dataDir = traversableTempDir('gateway-demo-data-');
  beforeAll(async () => {
    gateway = await GatewayProcess.start({ DATA_DIR: dataDir });
    await gateway.untilReady();
  });
  afterAll(async () => {
    await gateway?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const personas = async () => (await (await fetch(`${gateway.url}/dev/personas`)).json()) as PersonaListing;
  const post = async (query: string, token: string) =>
    (await (
      await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      })
    ).json()) as { data: Record<string, unknown> | null; errors?: unknown[] };

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

  it('keeps the removal in its embedded PostgreSQL, under DATA_DIR, across a restart', async () => {
    const user = (await personas()).personas.find((persona) => persona.name === 'user')!;
    const before = await post(LISTING, user.token);
    expect(before.errors).toBeUndefined();
    const listed = before.data!.personalDataRequests as {
      totalCount: number;
      edges: Array<{ node: unknown }>;
    };
    expect(listed.totalCount).toBeGreaterThanOrEqual(1);
    expect(listed.edges[0]!.node).toMatchObject({
      operation: 'REMOVE_OUTBOUND',
      userId: user.objectId,
      status: 'SUCCEEDED',
    });
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);

    expect(await gateway.stop()).toBe(0);
    gateway = await GatewayProcess.start({ DATA_DIR: dataDir });
    await gateway.untilReady();
    const again = (await personas()).personas.find((persona) => persona.name === 'user')!;
    const after = await post(LISTING, again.token);
    expect(after.data!.personalDataRequests).toEqual(before.data!.personalDataRequests);
  });
});
