import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';

/** Debian's Chromium (`apt-get install chromium`); playwright's own browser download needs the internet. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that let Chromium start as root on a machine with no network but loopback. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const REPORTS = new URL('../../../reports/browser/', import.meta.url).pathname;
const README_IMAGES = new URL('../../../docs/images/', import.meta.url).pathname;

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** URLs the page asked for outside the origins it was allowed; each was refused. */
  readonly outsideRequests: string[];
  /** Uncaught exceptions and console errors of every page of the session. */
  readonly pageErrors: string[];
}

export interface BrowserSessionOptions {
  /** Origins the pages may reach; every other URL is aborted and recorded. */
  allowedOrigins: () => string[];
}

/**
 * A `describe` whose tests drive Debian's Chromium through playwright-core, one fresh browser
 * context (an empty profile) per test. Without Chromium the suite is skipped, saying how to install
 * it, except under `CI`, where its absence fails the suite. A failing test leaves a screenshot in
 * `reports/browser/`.
 */
export function describeInChromium(
  name: string,
  options: BrowserSessionOptions,
  body: (session: () => BrowserSession) => void,
): void {
  const missing = !existsSync(CHROMIUM);
  if (missing && !process.env.CI) {
    describe.skip(`${name} (no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH)`, () => {
      body(() => {
        throw new Error('skipped');
      });
    });
    return;
  }
  describe(name, () => {
    let browser: Browser;
    let current: BrowserSession | undefined;
    beforeAll(async () => {
      if (missing) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (CI needs it).`);
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    });
    afterAll(async () => {
      await current?.context.close();
      await browser?.close();
    });
    beforeEach(async ({ task, onTestFailed }) => {
      // The previous test's context stays open until now, for its failure screenshot.
      await current?.context.close();
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const outsideRequests: string[] = [];
      const pageErrors: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (options.allowedOrigins().includes(new URL(url).origin)) return route.continue();
        outsideRequests.push(url);
        return route.abort('blockedbyclient');
      });
      context.on('page', (page) => {
        page.on('pageerror', (error) => pageErrors.push(error.message));
        page.on('console', (message) => {
          if (message.type() === 'error') pageErrors.push(message.text());
        });
      });
      const page = await context.newPage();
      current = { context, page, outsideRequests, pageErrors };
      onTestFailed(async () => {
        mkdirSync(REPORTS, { recursive: true });
        const file = join(REPORTS, `${task.name.replace(/[^\w-]+/g, '-').slice(0, 100)}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      });
    });
    body(() => {
      if (!current) throw new Error('No browser session outside a test.');
      return current;
    });
  });
}

/**
 * Saves a picture for the README when `UPDATE_SCREENSHOTS` is set (`npm run screenshots`), so the
 * pictures show what the tests saw.
 */
export async function saveReadmePicture(page: Page, name: string): Promise<void> {
  if (!process.env.UPDATE_SCREENSHOTS) return;
  mkdirSync(README_IMAGES, { recursive: true });
  await page.screenshot({ path: join(README_IMAGES, name) });
}
