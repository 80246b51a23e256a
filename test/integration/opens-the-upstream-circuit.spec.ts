import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import {
  RemoveOutboundSharedUserProfilePersonalDataDocument as Remove,
  RemoveOutboundSharedUserProfilesPersonalDataDocument as RemoveMany,
} from '../generated/graphql.js';
import { GatewayHarness, errorCodes } from '../support/gateway-harness.js';
import { LOOSE_LIMITS } from '../support/loose-limits.js';

const REMOVAL = /removePersonalData$/;
const HALF_OPEN_AFTER_MS = 600;

describe('the circuit breaker around Graph', () => {
  let harness: GatewayHarness;
  let token: string;

  beforeEach(async () => {
    harness = await GatewayHarness.start({
      env: {
        ...LOOSE_LIMITS,
        GRAPH_MAX_ATTEMPTS: '1',
        GRAPH_BREAKER_THRESHOLD: '3',
        GRAPH_BREAKER_HALF_OPEN_AFTER_MS: String(HALF_OPEN_AFTER_MS),
      },
    });
    token = await harness.token('user');
  });
  afterEach(() => harness.close());

  const remove = () => harness.execute(Remove, { userId: PERSONAS.user.objectId }, token);

  async function readiness(): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await harness.fetch('/readiness');
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function metric(name: string): Promise<number | undefined> {
    const text = await (await harness.fetch('/metrics')).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{upstream="graph"}`));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  }

  async function breakWithA503Storm(): Promise<void> {
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 503, times: Infinity });
    for (let call = 0; call < 3; call += 1)
      expect(errorCodes(await remove())).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(harness.graph.requests).toHaveLength(3);
  }

  it('opens after consecutive failures and then fails fast without calling Graph', async () => {
    await breakWithA503Storm();

    const started = Date.now();
    const response = await remove();

    expect(Date.now() - started).toBeLessThan(200);
    expect(errorCodes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(response.body.errors![0]!.extensions).toMatchObject({ retryAfterSeconds: 1 });
    expect(harness.graph.requests).toHaveLength(3);
    expect(await metric('gateway_upstream_circuit_state')).toBe(2);
    expect(await metric('gateway_upstream_short_circuited_total')).toBe(1);
  });

  it('reports the open circuit on /readiness while staying ready', async () => {
    expect(await readiness()).toEqual({
      status: 200,
      body: { status: 'ready', waitingFor: [], upstream: { graph: { state: 'closed' } } },
    });
    await breakWithA503Storm();

    expect(await readiness()).toEqual({
      status: 200,
      body: { status: 'ready', waitingFor: [], upstream: { graph: { state: 'open', retryAfterSeconds: 1 } } },
    });
  });

  it('refuses every id of a bulk removal while open, without calling Graph', async () => {
    await breakWithA503Storm();

    const response = await harness.execute(
      RemoveMany,
      { userIds: [PERSONAS.user.objectId, PERSONAS.admin.objectId] },
      await harness.token('admin'),
    );

    const payload = response.body.data!.removeOutboundSharedUserProfilesPersonalData;
    expect(payload.results.map((result) => result.error?.code)).toEqual([
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_UNAVAILABLE',
    ]);
    expect(harness.graph.requests).toHaveLength(3);
  });

  it('half-opens after the wait: one probe that succeeds closes it again', async () => {
    await breakWithA503Storm();
    harness.graph.faults.clear();
    await sleep(HALF_OPEN_AFTER_MS + 50);
    expect((await readiness()).body).toMatchObject({ upstream: { graph: { state: 'half-open' } } });

    const probe = await remove();

    expect(probe.body.errors).toBeUndefined();
    expect(harness.graph.requests).toHaveLength(4);
    expect((await readiness()).body).toMatchObject({ upstream: { graph: { state: 'closed' } } });
    expect(await metric('gateway_upstream_circuit_state')).toBe(0);
    expect((await remove()).body.errors).toBeUndefined();
    expect(harness.graph.requests).toHaveLength(5);
  });

  it('opens again at once when the probe fails', async () => {
    await breakWithA503Storm();
    await sleep(HALF_OPEN_AFTER_MS + 50);

    expect(errorCodes(await remove())).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(harness.graph.requests).toHaveLength(4);
    expect(errorCodes(await remove())).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(harness.graph.requests).toHaveLength(4);
    expect((await readiness()).body).toMatchObject({ upstream: { graph: { state: 'open' } } });
  });

  // Issue 21, row "circuit breaker": what counts as Graph being down (README, GRAPH_BREAKER_THRESHOLD).
  it.each([
    ['502 answers', { status: 502 }],
    ['504 answers', { status: 504 }],
    ['dropped connections', { drop: true }],
  ])('opens after consecutive %s', async (_what, fault) => {
    harness.graph.faults.add({ pathPattern: REMOVAL, ...fault, times: Infinity });
    for (let call = 0; call < 3; call += 1) expect((await remove()).body.errors).toHaveLength(1);
    expect(harness.graph.requests).toHaveLength(3);

    expect(errorCodes(await remove())).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(harness.graph.requests).toHaveLength(3);
    expect(await metric('gateway_upstream_circuit_state')).toBe(2);
  });

  it.each([
    ['400', 400],
    ['403', 403],
    ['404', 404],
    ['429', 429],
    ['500', 500],
  ])('never opens on %s answers, however many', async (_what, status) => {
    harness.graph.faults.add({ pathPattern: REMOVAL, status, retryAfter: '0', times: 5 });
    for (let call = 0; call < 5; call += 1) expect((await remove()).body.errors).toHaveLength(1);

    expect((await remove()).body.errors).toBeUndefined();
    expect(harness.graph.requests).toHaveLength(6);
    expect(await metric('gateway_upstream_circuit_state')).toBe(0);
  });

  it('counts a success as the end of a run of failures', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 503, times: 2 });
    for (let call = 0; call < 2; call += 1) expect((await remove()).body.errors).toHaveLength(1);
    expect((await remove()).body.errors).toBeUndefined();
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 503, times: 2 });
    for (let call = 0; call < 2; call += 1) expect((await remove()).body.errors).toHaveLength(1);

    expect((await remove()).body.errors).toBeUndefined();
    expect(await metric('gateway_upstream_circuit_state')).toBe(0);
  });

  it('does not count answers about the request itself (404, 429) as Graph being down', async () => {
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 404, times: 3 });
    harness.graph.faults.add({ pathPattern: REMOVAL, status: 429, retryAfter: '0', times: 3 });
    for (let call = 0; call < 6; call += 1) expect((await remove()).body.errors).toHaveLength(1);

    expect((await remove()).body.errors).toBeUndefined();
    expect(harness.graph.requests).toHaveLength(7);
    expect(await metric('gateway_upstream_circuit_state')).toBe(0);
  });
});

describe('the circuit breaker and timeouts', () => {
  let harness: GatewayHarness;
  beforeEach(async () => {
    harness = await GatewayHarness.start({
      env: {
        ...LOOSE_LIMITS,
        GRAPH_MAX_ATTEMPTS: '1',
        GRAPH_TIMEOUT_MS: '300',
        GRAPH_BREAKER_THRESHOLD: '3',
        GRAPH_BREAKER_HALF_OPEN_AFTER_MS: '60000',
      },
    });
  });
  afterEach(() => harness.close());

  it('opens after consecutive calls that Graph did not answer in time', async () => {
    const token = await harness.token('user');
    const remove = () => harness.execute(Remove, { userId: PERSONAS.user.objectId }, token);
    harness.graph.faults.add({ pathPattern: REMOVAL, hang: true, times: Infinity });
    for (let call = 0; call < 3; call += 1) expect(errorCodes(await remove())).toEqual(['UPSTREAM_TIMEOUT']);
    expect(harness.graph.requests).toHaveLength(3);

    const started = Date.now();
    expect(errorCodes(await remove())).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(Date.now() - started).toBeLessThan(200);
    expect(harness.graph.requests).toHaveLength(3);
  });
});
