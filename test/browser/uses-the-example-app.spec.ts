import { readFileSync } from 'node:fs';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS, type PersonaName } from '@shared-profile-gateway/emulators';
import { GatewayProcess } from '../support/gateway-process.js';
import { describeInChromium, saveReadmePicture } from './support/chromium.js';
import { EXAMPLE_APP_MANIFEST, type ExampleApp, startExampleApp } from './support/example-app.js';

/** A gateway and the example app pointed at it. */
interface Stack {
  gateway: GatewayProcess;
  app: ExampleApp;
}

/** Every origin a page may reach: the gateways' and the apps'; anything else is refused and counted. */
const origins: string[] = [];

async function startStack(env: Record<string, string>, trustedDocuments = false): Promise<Stack> {
  const gateway = await GatewayProcess.start(env);
  await gateway.untilReady();
  const app = await startExampleApp({ gatewayUrl: gateway.url, trustedDocuments });
  origins.push(gateway.url, app.url);
  return { gateway, app };
}

async function stopStack(stack: Stack | undefined): Promise<void> {
  await stack?.app.close();
  await stack?.gateway.stop();
}

/** The JSON bodies of the GraphQL requests that the page sends to the gateway. */
function graphqlBodies(page: Page, stack: Stack): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [];
  page.on('request', (request) => {
    if (request.url() === `${stack.gateway.url}/graphql` && request.method() === 'POST') {
      bodies.push(request.postDataJSON() as Record<string, unknown>);
    }
  });
  return bodies;
}

const isOperation = (name: string) => (response: Response) =>
  response.url().endsWith('/graphql') && (response.request().postData() ?? '').includes(name);

async function signInAs(page: Page, stack: Stack, persona: PersonaName): Promise<void> {
  await page.goto(stack.app.url);
  await page.getByRole('button', { name: `Sign in as ${PERSONAS[persona].displayName}` }).click();
  await expect.poll(() => page.locator('#account').innerText()).toContain(PERSONAS[persona].displayName);
}

const tenantRows = (page: Page) => page.locator('#what-i-share li.tenant');
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

let embedded: Stack;
beforeAll(async () => {
  // The zero-configuration gateway, exactly as `npm start` runs it.
  embedded = await startStack({});
});
afterAll(() => stopStack(embedded));

describeInChromium('The example app', { allowedOrigins: () => origins }, (session) => {
  it('signs the user in, lists what they share, and removes one tenant’s data only once confirmed', async () => {
    const { page, outsideRequests, pageErrors } = session();
    const bodies = graphqlBodies(page, embedded);
    await signInAs(page, embedded, 'user');
    await expect.poll(() => tenantRows(page).count()).toBeGreaterThan(1);
    const tenantId = (await tenantRows(page).first().locator('code').innerText()).trim();
    expect(tenantId).toMatch(GUID);

    // Cancel sends nothing.
    const remove = page.getByRole('button', { name: `Remove the data I share with ${tenantId}` });
    await remove.click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.innerText()).toContain('Remove the data you share with this tenant?');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    const removals = () =>
      bodies.filter((body) => String(body.query).includes('mutation RemoveMySharedData'));
    expect(removals()).toHaveLength(0);

    // Confirmed: one removal for this tenant, and Graph's request id in the page.
    await remove.click();
    const answered = page.waitForResponse(isOperation('RemoveMySharedData'));
    await dialog.getByRole('button', { name: 'Yes, remove it' }).click();
    const payload = (
      (await (await answered).json()) as {
        data: {
          removeOutboundSharedUserProfilePersonalData: { tenantId: string; upstreamRequestId: string };
        };
      }
    ).data.removeOutboundSharedUserProfilePersonalData;
    expect(payload.tenantId).toBe(tenantId);
    expect(payload.upstreamRequestId).toMatch(GUID);
    expect(removals()).toHaveLength(1);
    expect(removals()[0]?.variables).toEqual({ userId: PERSONAS.user.objectId, tenantId });
    const notice = page.getByRole('status');
    await expect.poll(() => notice.innerText()).toContain(payload.upstreamRequestId);
    expect(await notice.innerText()).toMatch(
      /^Removal requested at .+ tenant [0-9a-f-]{36}\. Graph request id/,
    );
    expect(await tenantRows(page).first().innerText()).toContain('Removal requested at');
    // Without TRUSTED_DOCUMENTS the full document travels.
    expect(bodies.every((body) => typeof body.query === 'string' && body.extensions === undefined)).toBe(
      true,
    );
    expect(outsideRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    // The README's picture: the page as a laptop shows it, cropped to what it holds.
    await page.setViewportSize({ width: 1100, height: 720 });
    await saveReadmePicture(page, 'example-app.png');
  });

  it('runs the admin’s bulk removal of three ids and shows one result per id', async () => {
    const { page, outsideRequests } = session();
    await signInAs(page, embedded, 'admin');
    const ids = page.getByLabel('User ids');
    await expect.poll(() => ids.inputValue()).toMatch(/^(\S+\n){2}\S+$/);
    const prefilled = (await ids.inputValue()).split('\n');
    expect(prefilled).toContain(PERSONAS.user.objectId);

    await page.getByRole('button', { name: 'Remove for these users' }).click();
    await expect
      .poll(() => page.getByRole('dialog').innerText())
      .toContain('Remove the shared data of 3 users?');
    await page.getByRole('button', { name: 'Yes, remove it' }).click();
    const rows = page.locator('#bulk-results tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.locator('td:first-child').allInnerTexts()).toEqual(prefilled);
    expect(await rows.locator('td:nth-child(2)').allInnerTexts()).toEqual([
      'accepted',
      'accepted',
      'accepted',
    ]);
    expect(await page.locator('#bulk-summary').innerText()).toBe('3 accepted, 0 failed.');
    expect(outsideRequests).toEqual([]);
  });

  it('shows a malformed id of a bulk removal as that id’s error, in words, and accepts the others', async () => {
    const { page } = session();
    await signInAs(page, embedded, 'admin');
    const ids = page.getByLabel('User ids');
    await expect.poll(() => ids.inputValue()).toContain(PERSONAS.user.objectId);
    await ids.fill(`${PERSONAS.user.objectId}, not-a-user-id`);
    await page.getByRole('button', { name: 'Remove for these users' }).click();
    await page.getByRole('button', { name: 'Yes, remove it' }).click();
    await expect.poll(() => page.locator('#bulk-summary').innerText()).toBe('1 accepted, 1 failed.');
    const failed = page.locator('#bulk-results tr.failed');
    expect(await failed.locator('td:first-child').innerText()).toBe('not-a-user-id');
    expect(await failed.locator('td:nth-child(2)').innerText()).toBe('BAD_USER_INPUT');
    expect(await failed.locator('td:nth-child(3)').innerText()).toMatch(
      /^The gateway refused the request as not valid/,
    );
  });

  it('tells the reader in words that they may not remove data, and offers them no bulk removal', async () => {
    const { page } = session();
    await signInAs(page, embedded, 'reader');
    await expect.poll(() => page.locator('#what-i-share').isVisible()).toBe(true);
    expect(await page.locator('#bulk-removal').count()).toBe(0);
    await page.getByRole('button', { name: 'Remove everything I share' }).click();
    const answered = page.waitForResponse(isOperation('RemoveMySharedData'));
    await page.getByRole('button', { name: 'Yes, remove it' }).click();
    const body = (await (await answered).json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('FORBIDDEN');
    await expect
      .poll(() => page.getByRole('alert').innerText())
      .toBe('You are not allowed to remove the data you share.');
  });

  it('says that a sign-in is no longer valid, in words, and offers to sign in again', async () => {
    const { page } = session();
    await signInAs(page, embedded, 'user');
    await expect.poll(() => tenantRows(page).count()).toBeGreaterThan(0);
    // The same token with another signature, as a forged or tampered token would be.
    await page.evaluate(() => {
      const key = 'shared-profile-example:session';
      const saved = JSON.parse(sessionStorage.getItem(key) ?? '{}') as { token: string };
      const [header, claims] = saved.token.split('.');
      sessionStorage.setItem(key, JSON.stringify({ ...saved, token: `${header}.${claims}.forged` }));
    });
    const answered = page.waitForResponse(isOperation('WhoAmI'));
    await page.reload();
    expect((await answered).status()).toBe(401);
    await expect
      .poll(() => page.getByRole('alert').innerText())
      .toBe('Your sign-in is not valid or has expired: sign in again.');
    await page.getByRole('button', { name: `Sign in as ${PERSONAS.user.displayName}` }).waitFor();
  });

  it('says in words that the gateway cannot be reached', async () => {
    const { page } = session();
    await page.route(`${embedded.gateway.url}/graphql`, (route) => route.abort('connectionrefused'));
    await signInAs(page, embedded, 'user');
    await expect
      .poll(() => page.getByRole('alert').innerText())
      .toBe(
        `The gateway at ${embedded.gateway.url} cannot be reached: check that it is running (npm run example) and try again.`,
      );
  });

  it('says THROTTLED and the upstream errors in words, with the seconds and Graph’s request id', async () => {
    const { page } = session();
    // Graph's own 429s and failures cannot be provoked from a browser: the removal's answer is
    // replaced by the contract's error for each code in turn; everything else reaches the gateway.
    const answers = [
      { code: 'THROTTLED', retryAfterSeconds: 7 },
      { code: 'UPSTREAM_TIMEOUT' },
      { code: 'UPSTREAM_UNAVAILABLE' },
      { code: 'UPSTREAM_ERROR' },
    ];
    let next = 0;
    await page.route(`${embedded.gateway.url}/graphql`, (route) => {
      if (!(route.request().postData() ?? '').includes('RemoveMySharedData')) return route.fallback();
      const extensions = { ...answers[next++], upstreamRequestId: 'c0ffee00-0000-4000-8000-000000000001' };
      return route.fulfill({
        json: {
          errors: [
            { message: 'Graph failed.', path: ['removeOutboundSharedUserProfilePersonalData'], extensions },
          ],
          data: null,
        },
      });
    });
    await signInAs(page, embedded, 'user');
    await expect.poll(() => tenantRows(page).count()).toBeGreaterThan(0);
    const sentences: string[] = [];
    for (let i = 0; i < answers.length; i += 1) {
      await page.getByRole('button', { name: 'Remove everything I share' }).click();
      await page.getByRole('button', { name: 'Yes, remove it' }).click();
      await expect.poll(() => page.getByRole('alert').innerText()).not.toBe(sentences.at(-1) ?? '');
      sentences.push(await page.getByRole('alert').innerText());
    }
    const reference = ' (Graph request id c0ffee00-0000-4000-8000-000000000001)';
    expect(sentences).toEqual([
      `Microsoft Graph is busy and asked us to slow down: try again in 7 seconds.${reference}`,
      `Microsoft Graph did not answer in time: try again later.${reference}`,
      `Microsoft Graph cannot be reached right now: try again later.${reference}`,
      `Microsoft Graph could not handle the request: try again later.${reference}`,
    ]);
  });

  describe('against a gateway that allows one removal a minute', () => {
    let limited: Stack;
    beforeAll(async () => {
      limited = await startStack({ RATE_LIMIT_REMOVALS_PER_MINUTE: '1' });
    });
    afterAll(() => stopStack(limited));

    it('says how many seconds to wait, from Retry-After', async () => {
      const { page } = session();
      await signInAs(page, limited, 'user');
      await expect.poll(() => tenantRows(page).count()).toBeGreaterThan(1);
      const removeRow = async (index: number) => {
        await tenantRows(page).nth(index).getByRole('button').click();
        const answered = page.waitForResponse(isOperation('RemoveMySharedData'));
        await page.getByRole('button', { name: 'Yes, remove it' }).click();
        return answered;
      };
      expect((await removeRow(0)).status()).toBe(200);
      await expect.poll(() => page.getByRole('status').innerText()).toContain('Graph request id');
      const refused = await removeRow(1);
      expect(refused.status()).toBe(429);
      const seconds = Number(await refused.headerValue('retry-after'));
      expect(seconds).toBeGreaterThan(0);
      await expect
        .poll(() => page.getByRole('alert').innerText())
        .toBe(`Too many requests: try again in ${seconds === 1 ? '1 second' : `${seconds} seconds`}.`);
    });
  });

  describe('with TRUSTED_DOCUMENTS and the app in trusted mode', () => {
    let trusted: Stack;
    beforeAll(async () => {
      trusted = await startStack({ TRUSTED_DOCUMENTS: EXAMPLE_APP_MANIFEST }, true);
    });
    afterAll(() => stopStack(trusted));

    it('still signs in, lists and removes, sending only hashes; a hand-written query is refused', async () => {
      const { page, outsideRequests, pageErrors } = session();
      const bodies = graphqlBodies(page, trusted);
      await signInAs(page, trusted, 'user');
      expect(await page.locator('#facts').innerText()).toContain('trusted (sent by SHA-256 only)');
      await expect.poll(() => tenantRows(page).count()).toBeGreaterThan(1);
      await tenantRows(page).first().getByRole('button').click();
      await page.getByRole('button', { name: 'Yes, remove it' }).click();
      await expect
        .poll(() => page.getByRole('status').innerText())
        .toMatch(/Graph request id: [0-9a-f-]{36}/);

      // Every document went by its hash alone, one listed in the manifest.
      const manifest = JSON.parse(readFileSync(EXAMPLE_APP_MANIFEST, 'utf8')) as Record<string, string>;
      expect(bodies.length).toBeGreaterThanOrEqual(3);
      for (const body of bodies) {
        expect(body).not.toHaveProperty('query');
        expect(body.extensions).toMatchObject({ persistedQuery: { version: 1 } });
        const { sha256Hash } = (body.extensions as { persistedQuery: { sha256Hash: string } }).persistedQuery;
        expect(Object.keys(manifest)).toContain(sha256Hash);
      }

      // The same page, token and origin, with a document of its own: refused.
      const refusal = await page.evaluate(async (gatewayUrl) => {
        const { token } = JSON.parse(sessionStorage.getItem('shared-profile-example:session') ?? '{}') as {
          token: string;
        };
        const response = await fetch(`${gatewayUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ viewer { userId } }' }),
        });
        return { status: response.status, body: (await response.json()) as unknown };
      }, trusted.gateway.url);
      expect(refusal.body).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
      expect(refusal.body).not.toHaveProperty('data.viewer');
      expect(outsideRequests).toEqual([]);
      // The only console error is the browser's note of that refusal.
      expect(pageErrors).toEqual([expect.stringContaining('status of 400')]);
    });
  });
});
