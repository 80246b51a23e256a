import { request as httpRequest } from 'node:http';
import { print } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import {
  RemoveOutboundSharedUserProfilePersonalDataDocument as Remove,
  RemoveOutboundSharedUserProfilesPersonalDataDocument as RemoveMany,
  OutboundSharedUserProfilesWithTenantsDocument as WithTenants,
} from '../generated/graphql.js';
import { GatewayHarness } from '../support/gateway-harness.js';
import { LOOSE_LIMITS } from '../support/loose-limits.js';

/** README: a per-request bulkhead of **8** concurrent upstream calls (the documented number). */
const AT_ONCE = 8;

const ERROR = 50;

// Far beyond the test's own patience: only the client's departure can end these upstream calls.
const TIMEOUT_MS = 15_000;

async function until(condition: () => boolean, withinMs = 3_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a client that goes away', () => {
  let harness: GatewayHarness;
  let token: string;

  beforeAll(async () => {
    harness = await GatewayHarness.start({
      env: { ...LOOSE_LIMITS, GRAPH_TIMEOUT_MS: String(TIMEOUT_MS), PORT: '0', HOST: '127.0.0.1' },
    });
    token = await harness.token('admin');
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.graph.faults.clear();
    harness.graph.resetRecording();
    harness.graph.faults.add({ pathPattern: /removePersonalData$|^\/\$batch$/, hang: true, times: Infinity });
  });

  function post(body: unknown, signal: AbortSignal): Promise<Response> {
    return harness.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal,
    });
  }

  it('aborts the upstream call of a mutation when the request is aborted', async () => {
    const client = new AbortController();
    const pending = post(
      { query: print(Remove), variables: { userId: PERSONAS.user.objectId } },
      client.signal,
    );
    await until(() => harness.graph.requests.length === 1);
    expect(harness.graph.abandonedRequests).toBe(0);

    client.abort();

    await expect(pending).rejects.toThrow();
    await until(() => harness.graph.abandonedRequests === 1);
  });

  it('aborts the JSON batches of a bulk removal in flight', async () => {
    const client = new AbortController();
    const userIds = harness.graph.data.outbound.slice(0, 30).map((profile) => profile.userId);
    const pending = post({ query: print(RemoveMany), variables: { userIds } }, client.signal);
    await until(() => harness.graph.requests.filter((call) => !call.viaBatch).length === 2);

    client.abort();

    await expect(pending).rejects.toThrow();
    await until(() => harness.graph.abandonedRequests === 2);
  });

  it('starts no Graph call for the fields still waiting when the client leaves', async () => {
    harness.graph.faults.clear();
    harness.graph.faults.add({ pathPattern: /\/tenants$/, hang: true, times: Infinity });
    const tenantCalls = () => harness.graph.requests.filter((call) => call.path.includes('/tenants')).length;
    const client = new AbortController();
    // 20 profiles' tenants, at most AT_ONCE (8) lookups at a time per request: the rest queue behind the hang.
    const pending = post(
      { query: print(WithTenants), variables: { first: 20, tenantsFirst: 1 } },
      client.signal,
    );
    await until(() => tenantCalls() === AT_ONCE);

    client.abort();

    await expect(pending).rejects.toThrow();
    await until(() => harness.graph.abandonedRequests === AT_ONCE);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tenantCalls()).toBe(AT_ONCE);
    expect(harness.graph.abandonedRequests).toBe(AT_ONCE);
  });

  let origin: string | undefined;
  /** Sends a removal over a real connection and closes it once Graph has the call. */
  async function removeAndHangUp(): Promise<void> {
    origin ??= await harness.gateway.listen();
    const url = new URL(`${origin}/graphql`);
    const body = JSON.stringify({ query: print(Remove), variables: { userId: PERSONAS.user.objectId } });
    await new Promise<void>((resolve) => {
      const outgoing = httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      });
      outgoing.on('error', () => resolve());
      outgoing.on('close', () => resolve());
      outgoing.end(body);
      void until(() => harness.graph.requests.length === 1).then(() => outgoing.destroy());
    });
  }

  it('aborts the upstream call when the HTTP connection to the gateway closes', async () => {
    await removeAndHangUp();

    await until(() => harness.graph.abandonedRequests === 1);
  });

  it('does not log a client that went away as an error of the gateway', async () => {
    const before = harness.logs().length;
    const linesSince = () => harness.logEntries(before);

    await removeAndHangUp();

    await until(() => harness.graph.abandonedRequests === 1);
    // The request's own line comes once its resolver has settled, after the abort.
    await until(() => linesSince().some((line) => line.msg === 'request' && line.path === '/graphql'));
    expect(linesSince().filter((line) => line.level >= ERROR)).toEqual([]);
  });
});
