import { builder } from './builder.js';

export interface RemovePersonalData {
  userId: string;
  tenantId: string | undefined;
  requestedAt: Date;
  upstreamRequestId: string | undefined;
}

export const RemovePersonalDataPayload = builder
  .objectRef<RemovePersonalData>('RemovePersonalDataPayload')
  .implement({
    description: 'A request to remove personal data, accepted by Microsoft Graph.',
    fields: (t) => ({
      userId: t.exposeID('userId'),
      tenantId: t.exposeID('tenantId', { nullable: true }),
      requestedAt: t.expose('requestedAt', { type: 'DateTime' }),
      upstreamRequestId: t.exposeString('upstreamRequestId', {
        nullable: true,
        description: "Graph's `request-id` for the accepted request.",
      }),
    }),
  });

export interface ExportPersonalData {
  userId: string;
  operationLocation: string;
  retryAfterSeconds: number | undefined;
  requestedAt: Date;
  upstreamRequestId: string | undefined;
}

export const ExportPersonalDataPayload = builder
  .objectRef<ExportPersonalData>('ExportPersonalDataPayload')
  .implement({
    description: 'An export of personal data, started by Microsoft Graph (its 202 answer).',
    fields: (t) => ({
      userId: t.exposeID('userId'),
      operationLocation: t.exposeString('operationLocation', {
        description:
          "Graph's `Location`: the `dataPolicyOperation` to poll (with a Graph token) until the export is done.",
      }),
      retryAfterSeconds: t.exposeInt('retryAfterSeconds', {
        nullable: true,
        description: "Graph's `Retry-After`: seconds to wait before the first poll.",
      }),
      requestedAt: t.expose('requestedAt', { type: 'DateTime' }),
      upstreamRequestId: t.exposeString('upstreamRequestId', {
        nullable: true,
        description: "Graph's `request-id` for the accepted request.",
      }),
    }),
  });
