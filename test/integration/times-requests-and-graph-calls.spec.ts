import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayHarness } from '../support/gateway-harness.js';
import { metricValue } from '../support/metric-values.js';

/** README, "HTTP surface": the two duration histograms `/metrics` names. */
describe('request and Graph-call durations in /metrics', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());

  it('times each HTTP request by method, and each Graph call by operation', async () => {
    const token = await harness.token('user');
    const count = (name: string, labels: Record<string, string>) => metricValue(harness, name, labels);
    const requestsBefore = await count('gateway_http_request_duration_seconds_count', { method: 'POST' });
    const callsBefore = await count('gateway_upstream_call_duration_seconds_count', {
      operation: 'removeOutboundPersonalData',
    });
    harness.graph.setLatency(60);
    try {
      for (let i = 0; i < 2; i += 1) {
        const response = await harness.execute(Remove, { userId: PERSONAS.user.objectId }, token);
        expect(response.body.errors).toBeUndefined();
      }
    } finally {
      harness.graph.setLatency(0);
    }

    expect(await count('gateway_http_request_duration_seconds_count', { method: 'POST' })).toBe(
      requestsBefore + 2,
    );
    expect(
      await count('gateway_upstream_call_duration_seconds_count', {
        operation: 'removeOutboundPersonalData',
      }),
    ).toBe(callsBefore + 2);
    // Each Graph call took at least the emulator's 60 ms, and so did the requests around them.
    expect(
      await count('gateway_upstream_call_duration_seconds_sum', { operation: 'removeOutboundPersonalData' }),
    ).toBeGreaterThanOrEqual(0.12);
    expect(
      await count('gateway_upstream_call_duration_seconds_bucket', {
        operation: 'removeOutboundPersonalData',
        le: '0.05',
      }),
    ).toBe(0);
    expect(
      await count('gateway_http_request_duration_seconds_sum', { method: 'POST' }),
    ).toBeGreaterThanOrEqual(0.12);
  });
});
