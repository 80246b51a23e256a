import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { GatewayProcess } from '../support/gateway-process.js';
import { describeInChromium, saveReadmePicture } from './support/chromium.js';

let gateway: GatewayProcess;
beforeAll(async () => {
  // The zero-configuration start, exactly as `npm start` runs it.
  gateway = await GatewayProcess.start({});
  await gateway.untilReady();
});
afterAll(() => gateway?.stop());

/** What an editor shows; Monaco renders spaces as no-break spaces. */
const editorText = async (page: Page, editor: 'query' | 'response') =>
  (
    await page
      .locator(`.graphiql-${editor === 'query' ? 'query-editor' : 'response'} .view-lines`)
      .innerText()
  ).replace(/\u00a0/g, ' ');

const activeTab = (page: Page) => page.locator('.graphiql-tab-active').innerText();

/**
 * Opens a tab and lets GraphiQL settle: until it has, it keeps the last tab's operation name, and a
 * run fails with "Cannot infer operation".
 */
async function openTab(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: title, exact: true }).click();
  await expect.poll(() => activeTab(page)).toBe(title);
  await page.waitForTimeout(500);
}

async function openGraphiQL(page: Page): Promise<void> {
  await page.goto(`${gateway.url}/graphql`);
  await page.locator('.graphiql-query-editor .view-lines').waitFor({ timeout: 30_000 });
}

/** Presses the run button; in a tab of several operations, picks `operation` from its menu. */
async function run(page: Page, operation?: string): Promise<string> {
  await page.locator('.graphiql-execute-button').click();
  if (operation) await page.getByRole('menuitem', { name: operation, exact: true }).click();
  await expect.poll(() => editorText(page, 'response'), { timeout: 15_000 }).toContain('"data"');
  return editorText(page, 'response');
}

describeInChromium('GraphiQL in the embedded mode', { allowedOrigins: () => [gateway.url] }, (session) => {
  it('renders with no request outside the gateway’s origin and no page error', async () => {
    const { page, outsideRequests, pageErrors } = session();
    const introspected = page.waitForResponse(
      (response) => response.url().endsWith('/graphql') && response.request().method() === 'POST',
    );
    await openGraphiQL(page);
    await expect.poll(() => page.locator('.graphiql-tab').count()).toBe(5);
    // The schema's introspection and Monaco's workers come after the first paint.
    expect((await introspected).status()).toBe(200);
    await openTab(page, 'AdminListsProfiles');
    await page.waitForTimeout(1_000);
    expect(outsideRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('opens on the demo user’s removal, which runs on the first click', async () => {
    const { page } = session();
    await openGraphiQL(page);
    await expect.poll(() => activeTab(page)).toBe('RemoveMySharedProfileData');
    expect(await editorText(page, 'query')).toContain('mutation RemoveMySharedProfileData');
    const answer = await run(page);
    expect(answer).toContain('"removeOutboundSharedUserProfilePersonalData"');
    expect(answer).toContain(PERSONAS.user.objectId);
    expect(answer).toContain('"upstreamRequestId"');
    await saveReadmePicture(page, 'graphiql.png');
  });

  it('lists the removal just run among the user’s personal-data requests, from the ledger', async () => {
    const { page } = session();
    await openGraphiQL(page);
    // The response editor wraps long lines: compare without white space.
    const removal = (await run(page)).replace(/\s+/g, '');
    const requestId = /"request":\{"id":"([^"]+)"/.exec(removal)?.[1];
    expect(removal).toContain('"status":"SUCCEEDED"');
    expect(requestId).toBeDefined();
    await openTab(page, 'WhoAmI');
    await expect.poll(() => editorText(page, 'query')).toContain('query MyPersonalDataRequests');
    const listing = (await run(page, 'MyPersonalDataRequests')).replace(/\s+/g, '');
    expect(listing).toContain('"personalDataRequests"');
    expect(listing).toContain(`"id":"${requestId}","operation":"REMOVE_OUTBOUND"`);
    expect(listing).not.toContain('"errors"');
  });

  it('opens on the examples again after a reload, whatever GraphiQL had saved', async () => {
    const { page } = session();
    await openGraphiQL(page);
    // A person replaces the first tab's operation, then moves to another tab: GraphiQL saves both
    // in localStorage, and mirrors the edit into the address.
    await page.locator('.graphiql-query-editor .view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('# stale');
    await expect.poll(() => editorText(page, 'query')).toBe('# stale');
    await openTab(page, 'WhoAmI');
    await expect.poll(() => editorText(page, 'query')).toContain('query WhoAmI');
    // GraphiQL saves its tabs a moment after a change.
    await page.waitForTimeout(1_500);
    await page.reload();
    await page.locator('.graphiql-query-editor .view-lines').waitFor();
    await expect.poll(() => activeTab(page)).toBe('RemoveMySharedProfileData');
    expect(await editorText(page, 'query')).toContain('mutation RemoveMySharedProfileData');
    expect(await run(page)).toContain(PERSONAS.user.objectId);
  });

  it('runs a read in another persona’s tab and shows its data', async () => {
    const { page } = session();
    await openGraphiQL(page);
    await openTab(page, 'AdminListsProfiles');
    await expect.poll(() => editorText(page, 'query')).toContain('Signed in as the demo persona "admin"');
    const answer = await run(page, 'AdminListsInboundProfiles');
    expect(answer).toContain('"inboundSharedUserProfiles"');
    expect(answer).toContain('"displayName"');
    expect(answer).not.toContain('"errors"');
  });

  it('shows the mutation’s description in the documentation explorer', async () => {
    const { page } = session();
    await openGraphiQL(page);
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Mutation', { exact: true }).click();
    await page
      .locator('.graphiql-doc-explorer')
      .getByText('removeOutboundSharedUserProfilePersonalData')
      .first()
      .click();
    await expect
      .poll(() => page.locator('.graphiql-doc-explorer').innerText())
      .toContain('Asks Graph to remove the personal data a user shares with other tenants');
  });
});
