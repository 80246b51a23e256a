import { authorizeArguments } from './authorization.js';
import { builder } from './builder.js';
import { requireGuid } from './identifiers.js';

interface RemovePersonalData {
  userId: string;
  tenantId: string | undefined;
  requestedAt: Date;
  upstreamRequestId: string | undefined;
}

const RemovePersonalDataPayload = builder
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

builder.mutationField('removeOutboundSharedUserProfilePersonalData', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: RemovePersonalDataPayload,
    description:
      'Asks Graph to remove the personal data a user shares with other tenants: all of it, or only what is shared with `tenantId`. Allowed for the user themself (`ReadWrite`), a Global Administrator (`ReadWrite.All`) and applications with the `ReadWrite.All` role.',
    args: {
      userId: t.arg.id({ required: true }),
      tenantId: t.arg.id({ required: false }),
    },
    authScopes: (_root, args, context) =>
      authorizeArguments(context, () => {
        if (args.tenantId != null) requireGuid(args.tenantId, 'tenantId');
        const userId = requireGuid(args.userId, 'userId');
        return { $any: { removeOwnProfile: userId, removeAnyProfile: true } };
      }),
    resolve: async (_root, { userId, tenantId }, { caller, graph, now, signal }) => {
      const receipt = await graph.removeOutboundSharedUserProfilePersonalData(
        caller,
        { userId, tenantId: tenantId ?? undefined },
        signal,
      );
      return {
        userId,
        tenantId: tenantId ?? undefined,
        requestedAt: now(),
        upstreamRequestId: receipt.upstreamRequestId,
      };
    },
  }),
);
