import { type AuditResult, serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHarness } from '../support/gateway-harness.js';

/** Audits known not to pass in a configuration, with why (docs/api.md, "GraphQL over HTTP conformance"). */
type ExplainedFailures = Record<string, string>;

const INTROSPECTION_PROBE =
  'the audit checks variables with a `__type(name: $name)` query, which INTROSPECTION=false refuses by design';

/**
 * The MAY audits that answer otherwise (a `notice`), by choice: GET requests without
 * `x-graphql-yoga-csrf`, which the CSRF rule refuses (README, "GraphQL over HTTP conformance").
 */
const CSRF_REFUSES_PLAIN_GETS = ['5A70', 'D6D5', '6A70'];

/**
 * One test per audit, run as a client would (plain requests, no CSRF header). MUST and SHOULD
 * audits pass unless explained; explained ones must keep failing, so that docs/api.md stays true.
 * MAY audits pass, except exactly those listed in `mayNotices`, which must answer `notice`: a MAY
 * that starts or stops passing fails here until docs/api.md and this list say so.
 */
function auditSuite(
  title: string,
  env: Record<string, string>,
  explained: ExplainedFailures,
  mayNotices: readonly string[],
): void {
  let harness: GatewayHarness | undefined;
  const audits = serverAudits({
    url: 'http://gateway.test/graphql',
    fetchFn: (input: RequestInfo | URL, init?: RequestInit) =>
      harness!.gateway.yoga.fetch(new Request(input, init)),
  });

  describe(title, () => {
    it('lists only MAY audits as notices', () => {
      const mayIds = audits.filter((audit) => audit.name.startsWith('MAY')).map((audit) => audit.id);
      for (const id of mayNotices) expect(mayIds).toContain(id);
    });

    beforeAll(async () => {
      harness = await GatewayHarness.start({ env });
    });
    afterAll(() => harness?.close());

    it.each(audits.map((audit) => [`${audit.id} ${audit.name}`, audit] as const))(
      '%s',
      async (_title, audit) => {
        const result: AuditResult = await audit.fn();
        const reason = explained[audit.id];
        const outcome = result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`;
        if (reason) expect(result.status, reason).not.toBe('ok');
        else if (mayNotices.includes(audit.id)) expect(result.status, outcome).toBe('notice');
        else expect(outcome).toBe('ok');
      },
    );
  });
}

auditSuite(
  'GraphQL over HTTP audits: every protection on (CSRF, limits, rate limit, CORS)',
  { CORS_ORIGINS: 'https://app.contoso.example' },
  {},
  CSRF_REFUSES_PLAIN_GETS,
);

auditSuite(
  'GraphQL over HTTP audits: production posture (NODE_ENV=production, INTROSPECTION=false, GRAPHIQL=false)',
  { NODE_ENV: 'production', INTROSPECTION: 'false', GRAPHIQL: 'false' },
  { '28B9': INTROSPECTION_PROBE, '2EA1': INTROSPECTION_PROBE },
  CSRF_REFUSES_PLAIN_GETS,
);
