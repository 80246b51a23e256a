import { CONFIG_VARIABLES, type ConfigGroup, type VariableDoc, envSchema } from '../src/config/config.js';

/** Each section of the page: its title and what it says before and after its table. */
const SECTIONS: ReadonlyArray<{ group: ConfigGroup; title: string; before: string; after?: string }> = [
  {
    group: 'mode',
    title: 'Mode',
    before: `With none of \`AUTH_*\`, \`AZURE_*\` and \`GRAPH_BASE_URL\` set and \`NODE_ENV\` not \`production\`,
the gateway starts in the **embedded demo** mode: it starts a development identity provider and a
Graph emulator itself and sets the \`AUTH_*\`, \`AZURE_*\` and \`GRAPH_BASE_URL\` variables to them;
every other variable below applies as usual. Otherwise it runs configured: the five required
variables must be set, and in \`NODE_ENV=production\` the embedded mode never starts.`,
  },
  {
    group: 'listening',
    title: 'Listening and HTTP',
    before: 'Where the gateway listens and how it treats client connections.',
    after: `Keep-alive and the client timeouts are explained in [operations](operations.md#connections-and-timeouts).`,
  },
  {
    group: 'authentication',
    title: "Authentication of callers' tokens",
    before: `Which tokens the gateway accepts ([API: authentication](api.md#authentication)). The signing keys are
fetched at start, refreshed in the background, fetched again for an unknown \`kid\` at most once per
cooldown, and the last good set is kept when a fetch fails.`,
  },
  {
    group: 'client',
    title: 'The confidential client',
    before: `The gateway's own app registration, with which it exchanges a user's token on behalf of the user
and asks for its own application token.`,
  },
  {
    group: 'graph',
    title: 'Microsoft Graph',
    before: `How the gateway calls Graph: retries, the deadline, the circuit breaker and JSON batching are
described in the [API reference](api.md#errors).`,
  },
  {
    group: 'rate-limits',
    title: 'Rate limits',
    before: `Per-caller budgets in fixed one-minute windows ([API: limits](api.md#limits)). With \`REDIS_URL\`,
while Redis cannot be reached each instance keeps limiting on its own, in memory.`,
  },
  {
    group: 'document-limits',
    title: 'Document limits',
    before: `Bounds on a GraphQL document, checked before it runs; a document over one is \`BAD_USER_INPUT\`.
The defaults let every operation of the API through, including a page of 100 profiles with the
tenants of each and a bulk removal of 1,000 ids.`,
  },
  {
    group: 'browser',
    title: 'Browsers: CORS, GraphiQL, introspection, trusted documents',
    before: `What a browser may do ([API: calling it from a browser](api.md#calling-it-from-a-browser),
[trusted documents](api.md#trusted-documents)).`,
  },
  {
    group: 'ledger',
    title: 'The ledger of personal-data requests',
    before: `Where every removal and export is recorded before it is sent, and how pending ones are completed
([API: personal-data requests](api.md#personal-data-requests), [operations](operations.md#the-ledger-postgresql)).`,
  },
  {
    group: 'metrics',
    title: 'Metrics',
    before: `Where Prometheus reads \`/metrics\` ([operations](operations.md#metrics)). Production deployments
should set \`METRICS_PORT\`.`,
  },
  {
    group: 'logging',
    title: 'Logging',
    before: `One JSON line per request at \`info\`, never a token or a document ([operations](operations.md#logs)).`,
  },
];

/** The default a variable prints: the schema's own, else what its documentation says applies. */
export function defaultOf(name: string, doc: VariableDoc): string {
  const field = (envSchema.shape as Record<string, { def: { type: string; defaultValue?: unknown } }>)[name];
  const schemaDefault = field?.def.type === 'default' ? field.def.defaultValue : undefined;
  if (schemaDefault !== undefined && doc.unset !== undefined) {
    throw new Error(`${name} has a default in envSchema and an \`unset\` text: keep one.`);
  }
  if (schemaDefault === undefined) {
    if (doc.unset === undefined)
      throw new Error(`${name} needs an \`unset\` text: envSchema gives no default.`);
    return doc.unset;
  }
  return `\`${String(schemaDefault)}\`${readable(name, schemaDefault)}`;
}

function readable(name: string, value: unknown): string {
  if (typeof value !== 'number') return '';
  if (name.endsWith('_MS')) {
    const seconds = value / 1000;
    if (seconds >= 3600 && seconds % 3600 === 0) return ` (${seconds / 3600} h)`;
    if (seconds >= 60 && seconds % 60 === 0) return ` (${seconds / 60} min)`;
    return ` (${seconds} s)`;
  }
  if (name.endsWith('_BYTES') && value % 1024 === 0) {
    return value % 1048576 === 0 ? ` (${value / 1048576} MiB)` : ` (${value / 1024} KiB)`;
  }
  return '';
}

/** docs/configuration.md, before formatting. */
export function renderConfigurationPage(): string {
  const variables = Object.entries(CONFIG_VARIABLES) as Array<[string, VariableDoc]>;
  const sections = SECTIONS.map(({ group, title, before, after }) => {
    const rows = variables
      .filter(([, doc]) => doc.group === group)
      .map(([name, doc]) => `| \`${name}\` | ${doc.meaning} | ${defaultOf(name, doc)} |`);
    if (rows.length === 0) throw new Error(`No variable in the group ${group}.`);
    return [
      `## ${title}`,
      before,
      ['| variable | meaning | default |', '| --- | --- | --- |', ...rows].join('\n'),
      ...(after ? [after] : []),
    ].join('\n\n');
  });
  const grouped = new Set(SECTIONS.map((section) => section.group));
  const lost = variables.filter(([, doc]) => !grouped.has(doc.group)).map(([name]) => name);
  if (lost.length > 0) throw new Error(`Variables in no section: ${lost.join(', ')}`);
  return `${[
    '# Configuration',
    '<!-- Generated by `npm run docs:print` from `CONFIG_VARIABLES` and `envSchema` in src/config/config.ts: edit those, not this page. `npm run docs:check` fails when it drifts. -->',
    `The gateway reads its configuration from the environment once, at start. An empty value counts as
unset. Every missing or invalid variable is reported at once, one line each, and the process exits
with code 1 ([operations](operations.md#deploying)).`,
    ...sections,
  ].join('\n\n')}\n`;
}
