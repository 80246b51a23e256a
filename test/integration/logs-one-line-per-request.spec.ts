import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSONAS } from '@shared-profile-gateway/emulators';
import { RemoveOutboundSharedUserProfilePersonalDataDocument as Remove } from '../generated/graphql.js';
import { GatewayHarness, type LogEntry, suiteHarness } from '../support/gateway-harness.js';

const INFO = 30;
const DEBUG = 20;

describe('request log', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await GatewayHarness.start();
  });
  afterAll(() => harness.close());

  /** The `request` lines logged while `act` ran. */
  async function requestLines(act: () => Promise<unknown>): Promise<LogEntry[]> {
    const before = harness.logs().length;
    await act();
    return harness.logEntries(before).filter((line) => line.msg === 'request');
  }

  it('writes one line per request with method, path, status, duration, operation and caller ids', async () => {
    const token = await harness.token('admin', { jti: randomUUID() });
    const target = PERSONAS.user.objectId;
    const lines = await requestLines(() => harness.execute(Remove, { userId: target }, token));

    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      level: INFO,
      method: 'POST',
      path: '/graphql',
      status: 200,
      operationName: 'RemoveOutboundSharedUserProfilePersonalData',
      callerTenantId: PERSONAS.admin.claims.tid,
      callerObjectId: PERSONAS.admin.objectId,
    });
    expect(line!.durationMs).toEqual(expect.any(Number));
    const text = JSON.stringify(line);
    for (const secret of [token, token.split('.')[2]!]) expect(text).not.toContain(secret);
    // The document and its variables (the user acted on) stay out of the audit line.
    expect(text).not.toContain(target);
    expect(text).not.toContain('removeOutboundSharedUserProfilePersonalData(');
  });

  it('logs refused requests without caller ids', async () => {
    const lines = await requestLines(() => harness.post({ query: '{ viewer { kind } }' }, 'not-a-token'));
    expect(lines).toEqual([expect.objectContaining({ level: INFO, status: 401, path: '/graphql' })]);
    expect(lines[0]).not.toHaveProperty('callerObjectId');
  });

  it('bounds an operation name it has not seen in a document', async () => {
    const lines = await requestLines(() =>
      harness.post({ query: '{ __typename }', operationName: 'x'.repeat(10_000) }),
    );
    expect(String(lines[0]!.operationName).length).toBeLessThanOrEqual(100);
  });

  it.each([
    ['a megabyte in an array', ['Y'.repeat(1_000_000)]],
    ['structured JSON', [{ a: 1 }, { b: 'INJ' }, 3]],
    ['a number', 7],
    ['an object', { b: 'INJ' }],
  ])(
    'answers an operationName that is %s with 400 and one short line without it',
    async (_name, operationName) => {
      const before = harness.logs().length;
      const response = await harness.post({ query: '{ __typename }', operationName });
      expect(response.status).toBe(400);
      const lines = harness.logEntries(before).filter((line) => line.level >= INFO);
      expect(lines).toEqual([expect.objectContaining({ msg: 'request', status: 400 })]);
      expect(lines[0]).not.toHaveProperty('operationName');
      // yoga's debug lines included: nothing of the name reaches the log, at any level.
      expect(harness.logs().length - before).toBeLessThan(1_000);
      expect(harness.logs().slice(before)).not.toContain('INJ');
    },
  );

  it('logs probes and metric scrapes at debug only', async () => {
    const lines = await requestLines(async () => {
      await harness.fetch('/health');
      await harness.fetch('/readiness');
      await harness.fetch('/metrics');
    });
    expect(lines.map((line) => [line.path, line.level])).toEqual([
      ['/health', DEBUG],
      ['/readiness', DEBUG],
      ['/metrics', DEBUG],
    ]);
  });
});

describe('request log above info', () => {
  const suite = suiteHarness('user', { env: { LOG_LEVEL: 'warn' } });

  it('writes no request lines, while warnings still reach the log', async () => {
    const { harness, token } = suite;
    harness.graph.faults.add({ pathPattern: /removePersonalData$/, status: 403, times: 1 });
    const refused = await harness.execute(Remove, { userId: PERSONAS.user.objectId }, token);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await harness.execute(Remove, { userId: PERSONAS.user.objectId }, token);
    await harness.fetch('/health');

    const lines = harness.logEntries();
    expect(lines.filter((line) => line.msg === 'request')).toEqual([]);
    expect(lines.filter((line) => line.level < 40)).toEqual([]);
    expect(lines.map((line) => line.msg)).toContain('Graph refused a request');
  });
});
