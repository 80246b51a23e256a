// What the gateway's entry point loads in the embedded mode, and nothing else: the services and
// GraphiQL's per-persona tabs. Compiled to dist/embedded.js, so that `npm start` runs plain Node.
export { embeddedGatewayExtras } from './embedded-graphiql.js';
export { type EmbeddedServices, startEmbeddedServices } from './embedded-services.js';
