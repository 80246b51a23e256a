import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace';

type Attributes = ReadableSpan['attributes'];
type AttributeValue = NonNullable<Attributes[string]>;

/** Graph's `request-id` and our `client-request-id`: identifiers of an exchange, kept as they are. */
export const EXCHANGE_ID_ATTRIBUTES: ReadonlySet<string> = new Set([
  'http.request.header.client-request-id',
  'http.response.header.request-id',
]);

/**
 * Attributes never exported: the GraphQL plugin's arguments, variables and results (user ids, id
 * lists, export locations with their SAS signatures), query strings (GET requests carry the
 * document and its variables there) and any captured authorization header.
 */
const DROPPED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'graphql.resolver.args',
  'graphql.execute.variables',
  'graphql.execute.result',
  'url.query',
  'http.request.header.authorization',
]);

/** Attributes holding a URL or a request target, whose query string is cut. */
const URL_ATTRIBUTES: ReadonlySet<string> = new Set(['url.full', 'http.url', 'http.target']);

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g;

function redactString(key: string, value: string): string {
  const withoutQuery = URL_ATTRIBUTES.has(key) ? value.replace(/\?.*$/s, '') : value;
  return withoutQuery.replace(GUID, '{id}').replace(JWT, '{token}');
}

function redactValue(key: string, value: AttributeValue): AttributeValue {
  if (typeof value === 'string') return redactString(key, value);
  if (Array.isArray(value)) {
    return value.map((item: unknown) =>
      typeof item === 'string' ? redactString(key, item) : item,
    ) as AttributeValue;
  }
  return value;
}

/**
 * A span's attributes as exported: object ids (users, tenants) in URLs, Graph paths, documents
 * and error messages become `{id}`, JSON web tokens `{token}`, and the attributes above are
 * dropped. One rule for every instrumentation, so that one added later cannot leak what these
 * already hold back.
 */
export function redactAttributes(attributes: Attributes): Attributes {
  const redacted: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || DROPPED_ATTRIBUTES.has(key)) continue;
    redacted[key] = EXCHANGE_ID_ATTRIBUTES.has(key) ? value : redactValue(key, value);
  }
  return redacted;
}

function redactEvent(event: TimedEvent): TimedEvent {
  return event.attributes ? { ...event, attributes: redactAttributes(event.attributes) } : event;
}

/** The ended span as the exporter sees it: the same span, with redacted attributes and events. */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  return Object.create(span, {
    attributes: { value: redactAttributes(span.attributes), enumerable: true },
    events: { value: span.events.map(redactEvent), enumerable: true },
  }) as ReadableSpan;
}

/** Passes every ended span to `next` (the batch processor before the exporter) redacted. */
export class RedactingSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.next.onEnd(redactSpan(span));
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
