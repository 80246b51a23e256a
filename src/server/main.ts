// The entry point. Tracing, when an OTLP endpoint is configured, starts before the gateway's
// modules load, so that its instrumentations see them; without one, no OpenTelemetry module is
// loaded at all (docs/decisions/0040-tracing-started-by-the-entry-point.md).
import { type Tracing, tracingRequested } from '../observability/tracing/tracing.js';

let tracing: Tracing | undefined;
if (tracingRequested(process.env)) {
  try {
    tracing = await (await import('../observability/tracing/start-tracing.js')).startTracing();
  } catch (error) {
    process.stderr.write(
      `The gateway could not start tracing: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}
const { runGateway } = await import('./run-gateway.js');
await runGateway(tracing);
