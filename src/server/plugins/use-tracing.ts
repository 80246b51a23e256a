import { useOpenTelemetry } from '@envelop/opentelemetry';
import { SpanKind, trace } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';

/**
 * A span for each GraphQL operation (`mutation.RemoveMySharedProfileData`) and one for each field
 * with a resolver of its own, on the tracer provider the SDK registered; the resolvers run in the
 * operation's context, so Graph exchanges are its children. Variables and results are not
 * recorded (they hold user ids and SAS signatures), nor the document (printing it costs every
 * request); what is recorded is redacted again before export (redacting-span-processor.ts).
 * Loaded only when tracing is on.
 */
export function useTracing(): Plugin {
  return useOpenTelemetry(
    { resolvers: true, defaultResolvers: false, variables: false, result: false, document: false },
    trace.getTracerProvider(),
    // The HTTP server span is the request's SERVER span; the operation runs inside it.
    SpanKind.INTERNAL,
    {},
    'shared-profile-gateway',
  ) as Plugin;
}
