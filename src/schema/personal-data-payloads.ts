import { builder } from './builder.js';
import { PersonalDataRequestRef } from './personal-data-requests.js';
import type { AcceptedRequest } from './personal-data-submissions.js';

export const RemovePersonalDataPayload = builder
  .objectRef<AcceptedRequest>('RemovePersonalDataPayload')
  .implement({
    description: 'A request to remove personal data, accepted by Microsoft Graph.',
    fields: (t) => ({
      userId: t.exposeID('userId'),
      tenantId: t.id({ nullable: true, resolve: ({ request }) => request.tenantId }),
    }),
  });

export const ExportPersonalDataPayload = builder
  .objectRef<AcceptedRequest>('ExportPersonalDataPayload')
  .implement({
    description: 'An export of personal data, started by Microsoft Graph (its 202 answer).',
    fields: (t) => ({
      userId: t.exposeID('userId'),
      operationLocation: t.string({
        description:
          "Graph's `Location`: the `dataPolicyOperation` that the gateway polls; `request.export.status` shows how it goes.",
        resolve: ({ request }) => request.export?.operationLocation ?? '',
      }),
      retryAfterSeconds: t.exposeInt('retryAfterSeconds', {
        nullable: true,
        description: "Graph's `Retry-After`: seconds before the operation is worth a first look.",
      }),
    }),
  });

// What both payloads say of the request Graph accepted.
for (const payload of [RemovePersonalDataPayload, ExportPersonalDataPayload]) {
  builder.objectFields(payload, (t) => ({
    requestedAt: t.field({ type: 'DateTime', resolve: ({ request }) => request.requestedAt }),
    upstreamRequestId: t.string({
      nullable: true,
      description: "Graph's `request-id` for the accepted request.",
      resolve: ({ request }) => request.upstreamRequestId,
    }),
    request: t.field({
      type: PersonalDataRequestRef,
      description: 'The request as the ledger recorded it.',
      resolve: ({ request }) => request,
    }),
  }));
}
