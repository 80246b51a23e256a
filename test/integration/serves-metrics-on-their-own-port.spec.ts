import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../src/server/plugins/use-security-headers.js';
import { GatewayHarness } from '../support/gateway-harness.js';

/**
 * With METRICS_PORT, `/metrics` leaves the public port for a listener of its own, on loopback
 * unless METRICS_HOST says otherwise; `/health` and `/readiness` stay public. Over real sockets.
 */
describe('metrics on their own listener (METRICS_PORT)', () => {
  let harness: GatewayHarness;
  let base: string;
  let metricsBase: string;
  beforeAll(async () => {
    harness = await GatewayHarness.start({ env: { PORT: '0', METRICS_PORT: '0' } });
    base = await harness.gateway.listen();
    metricsBase = harness.gateway.metricsUrl()!;
  });
  afterAll(() => harness.close());

  it('serves Prometheus text on the metrics listener, on loopback by default', async () => {
    await fetch(`${base}/health`);
    expect(metricsBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(metricsBase).port).not.toBe(new URL(base).port);
    const response = await fetch(`${metricsBase}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/gateway_http_requests_total\{method="GET",status="200"\} \d+/);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      expect(response.headers.get(name), name).toBe(value);
    }
  });

  it('answers 404 for /metrics on the public port, which keeps /health and /readiness', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('gateway_http_requests_total');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/readiness`)).status).toBe(200);
  });

  it('serves nothing else on the metrics listener', async () => {
    for (const path of ['/graphql', '/health', '/readiness', '/metrics/x']) {
      const response = await fetch(`${metricsBase}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    const post = await fetch(`${metricsBase}/metrics`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(404);
  });
});

describe('metrics listener at shutdown', () => {
  it('is closed with the gateway, kept-alive scrape connections included', async () => {
    const harness = await GatewayHarness.start({ env: { PORT: '0', METRICS_PORT: '0' } });
    await harness.gateway.listen();
    const port = Number(new URL(harness.gateway.metricsUrl()!).port);
    const scraper = connect(port, '127.0.0.1');
    scraper.on('error', () => undefined);
    let received = '';
    scraper.setEncoding('latin1').on('data', (text: string) => (received += text));
    scraper.write('GET /metrics HTTP/1.1\r\nHost: metrics\r\n\r\n');
    const closed = once(scraper, 'close');
    const deadline = Date.now() + 3_000;
    while (!received.includes('gateway_http_requests_total') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);

    await harness.close();
    await closed;
    const refused = connect(port, '127.0.0.1');
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  });
});
