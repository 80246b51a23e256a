import { type AuditResult, serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHarness } from '../support/gateway-harness.js';

/** Audits known not to pass in a configuration, with why (docs/api.md, "GraphQL over HTTP conformance"). */
type ExplainedFailures = Record<string, string>;

const INTROSPECTION_PROBE =
  'the audit checks variables with a `__type(name: $name)` query, which INTROSPECTION=false refuses by design';

/**
 * One test per audit, run as a client would (plain requests, no CSRF header). MUST and SHOULD
 * audits pass unless explained; explained ones must keep failing, so that docs/api.md stays true.
 * MAY audits describe optional behaviour and only may not error.
 */
function auditSuite(title: string, env: Record<string, string>, explained: ExplainedFailures): void {
  let harness: GatewayHarness | undefined;
  const audits = serverAudits({
    url: 'http://gateway.test/graphql',
    fetchFn: (input: RequestInfo | URL, init?: RequestInit) =>
      harness!.gateway.yoga.fetch(new Request(input, init)),
  });

  describe(title, () => {
    beforeAll(async () => {
      harness = await GatewayHarness.start({ env });
    });
    afterAll(() => harness?.close());

    it.each(audits.map((audit) => [`${audit.id} ${audit.name}`, audit] as const))(
      '%s',
      async (_title, audit) => {
        const result: AuditResult = await audit.fn();
        const reason = explained[audit.id];
        if (reason) expect(result.status, reason).not.toBe('ok');
        else if (audit.name.startsWith('MAY')) expect(result.status).not.toBe('error');
        else expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
      },
    );
  });
}

auditSuite(
  'GraphQL over HTTP audits: every protection on (CSRF, limits, rate limit, CORS)',
  { CORS_ORIGINS: 'https://app.contoso.example' },
  {},
);

auditSuite(
  'GraphQL over HTTP audits: production posture (NODE_ENV=production, INTROSPECTION=false, GRAPHIQL=false)',
  { NODE_ENV: 'production', INTROSPECTION: 'false', GRAPHIQL: 'false' },
  { '28B9': INTROSPECTION_PROBE, '2EA1': INTROSPECTION_PROBE },
);
