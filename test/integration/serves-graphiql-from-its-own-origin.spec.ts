import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHarness } from '../support/gateway-harness.js';

const page = (harness: GatewayHarness) => harness.fetch('/graphql', { headers: { accept: 'text/html' } });

/** Every `src` and `href` of the page. */
function references(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1] ?? '');
}

describe('GraphiQL served by the gateway itself', () => {
  let harness: GatewayHarness;
  let base: string;
  let html: string;
  let response: Response;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ mode: 'embedded', env: { PORT: '0' } });
    base = await harness.gateway.listen();
    response = await page(harness);
    html = await response.text();
  });
  afterAll(() => harness.close());

  it('refers only to its own files, below one version', () => {
    expect(response.status).toBe(200);
    const urls = references(html);
    expect(urls.length).toBe(4);
    for (const url of urls) expect(url).toMatch(/^\/graphiql\/[0-9a-f]{16}\/[\w.-]+$/);
    expect(html).not.toMatch(/<script>/);
  });

  it('tells the browser to load nothing from any other origin', () => {
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toMatch(/https?:|\*/);
  });

  it.each([
    ['graphiql.js', 'text/javascript'],
    ['graphiql.css', 'text/css'],
    ['editor.worker.js', 'text/javascript'],
    ['json.worker.js', 'text/javascript'],
    ['graphql.worker.js', 'text/javascript'],
    ['boot.js', 'text/javascript'],
    ['favicon.ico', 'image/x-icon'],
  ])('serves %s for good, gzipped to browsers that accept it', async (name, type) => {
    const url = references(html)
      .find((reference) => reference.endsWith('/graphiql.js'))!
      .replace('graphiql.js', name);
    // Over a socket: megabytes through the fetch-style handler alone are slow to read.
    const plain = await fetch(`${base}${url}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toContain(type);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    const body = Buffer.from(await plain.arrayBuffer());
    expect(body.length).toBeGreaterThan(0);
    const gzipped = await request(`${base}${url}`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    // Compared whole: a deep equality over megabytes would take minutes.
    expect(gunzipSync(Buffer.from(await gzipped.body.arrayBuffer())).equals(body)).toBe(true);
  });

  it.each([
    ['another version', '/graphiql/0000000000000000/graphiql.js'],
    ['an unknown file', '/graphiql/VERSION/secret.js'],
    ['a path below a file', '/graphiql/VERSION/graphiql.js/x'],
    ['an encoded path out of the folder', '/graphiql/VERSION/..%2F..%2Fhealth'],
  ])('answers 404 for %s', async (_, path) => {
    const version = /\/graphiql\/([0-9a-f]{16})\//.exec(html)?.[1] ?? '';
    const answer = await harness.fetch(path.replace('VERSION', version));
    expect(answer.status).toBe(404);
  });

  it('answers 405 to anything but GET and HEAD', async () => {
    const url = references(html).find((reference) => reference.endsWith('/boot.js'))!;
    expect((await harness.fetch(url, { method: 'POST', body: 'x' })).status).toBe(405);
    const head = await harness.fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('keeps the strict policy on everything that is not GraphiQL’s page', async () => {
    const health = await harness.fetch('/health');
    expect(health.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

describe('with GRAPHIQL=false', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { GRAPHIQL: 'false' } });
  });
  afterAll(() => harness.close());

  it('serves neither the page nor its files', async () => {
    expect(await (await page(harness)).text()).not.toContain('graphiql');
    expect((await harness.fetch('/graphiql/0000000000000000/graphiql.js')).status).toBe(404);
  });
});
