import { Kind, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedGatewayExtras } from '@shared-profile-gateway/emulators';
import { schema } from '../../src/schema/index.js';
import { GatewayHarness } from '../support/gateway-harness.js';

interface Tab {
  query: string | null;
  headers?: string | null;
}

describe('the embedded GraphiQL examples', () => {
  let harness: GatewayHarness;
  let tabs: Tab[];
  beforeAll(async () => {
    harness = await GatewayHarness.start();
    tabs = (await embeddedGatewayExtras(harness.services).graphiql()).defaultTabs ?? [];
  });
  afterAll(() => harness.close());

  it('cover every query and mutation of the schema', () => {
    const used = new Set(
      tabs.flatMap((tab) =>
        parse(tab.query ?? '').definitions.flatMap((definition) =>
          definition.kind === Kind.OPERATION_DEFINITION
            ? definition.selectionSet.selections.flatMap((selection) =>
                selection.kind === Kind.FIELD ? [selection.name.value] : [],
              )
            : [],
        ),
      ),
    );
    const roots = [schema.getQueryType(), schema.getMutationType()].flatMap((type) =>
      Object.keys(type?.getFields() ?? {}),
    );
    expect(roots.filter((name) => !used.has(name))).toEqual([]);
  });

  /** HTTP exchanges with Graph: a `$batch` is one, whatever it carries. */
  const exchanges = () => harness.graph.requests.filter((request) => !request.viaBatch).length;

  it('run without errors in their tab’s persona, with the upstream calls their comment states', async () => {
    expect(tabs.length).toBeGreaterThanOrEqual(4);
    for (const tab of tabs) {
      const document = parse(tab.query ?? '');
      expect(validate(schema, document)).toEqual([]);
      const { Authorization } = JSON.parse(tab.headers ?? '{}') as { Authorization: string };
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const operationName = definition.name!.value;
        const comment = (tab.query ?? '').slice(0, definition.loc!.start).trimEnd().split('\n').at(-1) ?? '';
        const stated = /^# (\d+) upstream calls?\b/.exec(comment)?.[1];
        harness.graph.resetRecording();
        const response = await harness.post({ query: tab.query, operationName }, undefined, {
          authorization: Authorization,
        });
        expect({ operationName, errors: response.body.errors, calls: exchanges() }).toEqual({
          operationName,
          errors: undefined,
          calls: Number(stated),
        });
      }
    }
  });
});
