import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// As in vitest.config.ts: one `graphql` module for our sources and yoga alike.
const graphqlAsNodeResolvesIt = createRequire(import.meta.url).resolve('graphql');

/**
 * The specs Stryker runs against each mutant of the security core (stryker.config.json): pure
 * unit specs only, no emulators, so that a mutant costs milliseconds. Each names the module it
 * holds; a core module without one here is never killed, whatever the other specs check.
 */
export const MUTATION_SPECS = [
  'test/unit/tells-callers-apart-by-their-token.spec.ts',
  'test/unit/grants-removals-by-the-permission-table.spec.ts',
  'test/unit/applies-one-permission-table.spec.ts',
  'test/unit/caches-verified-tokens-until-they-expire.spec.ts',
  'test/unit/fetches-signing-keys-at-most-once-per-cooldown.spec.ts',
  'test/unit/accepts-only-guids-as-ids.spec.ts',
  'test/unit/seals-cursors-to-their-connection.spec.ts',
  'test/unit/maps-graph-answers-to-contract-codes.spec.ts',
  'test/unit/names-the-code-of-each-upstream-failure.spec.ts',
  'test/unit/gives-request-errors-the-contract-code.spec.ts',
  'test/unit/writes-error-answers-in-one-shape.spec.ts',
  'test/unit/masks-errors-except-departures.spec.ts',
  'test/unit/reads-retry-after-headers.spec.ts',
  'test/unit/counts-graph-failures-against-the-circuit.spec.ts',
  'test/unit/keys-rate-limits-by-caller.spec.ts',
  'test/unit/estimates-graph-calls-before-execution.spec.ts',
  'test/unit/settles-personal-data-requests.spec.ts',
];

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlAsNodeResolvesIt }] },
  test: {
    include: MUTATION_SPECS,
    testTimeout: 10_000,
  },
});
