// The emulators' public surface, as TypeScript source: what the tests and benchmarks import
// (vitest and tsx load it as is). Plain Node loads `embedded.ts` compiled, through `./embedded`.
export { embeddedGatewayExtras } from './embedded-graphiql.js';
export {
  type EmbeddedServices,
  type EmbeddedServicesOptions,
  startEmbeddedServices,
} from './embedded-services.js';
export { createDemoData } from './graph-emulator-data.js';
export {
  type DemoData,
  type GraphEmulator,
  type GraphEmulatorOptions,
  type GraphFault,
  type InboundSharedUserProfile,
  type OutboundSharedUserProfile,
  type RecordedRequest,
  startGraphEmulator,
} from './graph-emulator.js';
export { type GraphiQLExample, graphiqlExamples } from './graphiql-examples.js';
export {
  type IdentityProvider,
  type IdentityProviderOptions,
  type RegisteredClient,
  startIdentityProvider,
} from './identity-provider.js';
export { IDLE_KEEP_ALIVE_MS } from './loopback-server.js';
export { type TlsMaterial, createLoopbackTls } from './loopback-tls.js';
export { DIRECTORY_ROLES, GRAPH_RESOURCE, PROFILE_SHARING_PERMISSIONS } from './microsoft-identifiers.js';
export { nameBasedGuid } from './name-based-guid.js';
export {
  DEMO_DAEMON_CLIENT_ID,
  DEMO_FRONTEND_CLIENT_ID,
  DEMO_GATEWAY_AUDIENCE,
  DEMO_GATEWAY_CLIENT_ID,
  DEMO_TENANT_ID,
  PERSONAS,
  type Persona,
  type PersonaName,
  personaClaims,
} from './personas.js';
