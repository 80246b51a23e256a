import type { OutboundSharedUserProfile, TenantReference } from '../graph/adapter/graph-adapter.js';
import { READ_ANY_PROFILE_WORDS, authorizeArguments, ruleScopes } from './authorization.js';
import { builder } from './builder.js';
import {
  CONNECTIONS,
  anyProfileListing,
  authorizePage,
  checkedPage,
  pagingArgs,
} from './connection-fields.js';
import { requireGuid } from './identifiers.js';
import { RemovePersonalDataPayload } from './personal-data-payloads.js';
import { submitOne } from './personal-data-submissions.js';

const TenantReferenceRef = builder.objectRef<TenantReference>('TenantReference').implement({
  description: 'A tenant that an outbound profile is shared with.',
  fields: (t) => ({ tenantId: t.exposeID('tenantId') }),
});

const TenantReferenceConnection = builder.connectionObject(
  { type: TenantReferenceRef, name: 'TenantReferenceConnection' },
  { name: 'TenantReferenceEdge' },
);

const OutboundSharedUserProfileRef =
  builder.objectRef<OutboundSharedUserProfile>('OutboundSharedUserProfile');

OutboundSharedUserProfileRef.implement({
  description: 'A user of this tenant whose profile is shared with other tenants.',
  fields: (t) => ({
    userId: t.exposeID('userId'),
    tenants: t.field({
      type: TenantReferenceConnection,
      nullable: true,
      description:
        'The tenants this profile is shared with (`GET …/{userId}/tenants`). Asked on many profiles at once, the calls run in parallel with a bound, not one after another.',
      args: pagingArgs,
      authScopes: (profile, args, context) =>
        authorizePage(context, CONNECTIONS.tenantsOf(profile.userId), args, () =>
          ruleScopes('readOutboundProfile', profile.userId),
        ),
      resolve: (profile, args, { loaders }) =>
        loaders.tenants.load({ userId: profile.userId, page: checkedPage(args) }),
    }),
  }),
});

anyProfileListing({
  field: 'outboundSharedUserProfiles',
  node: OutboundSharedUserProfileRef,
  typeName: 'OutboundSharedUserProfile',
  description: `Users of this tenant whose profiles are shared with other tenants. ${READ_ANY_PROFILE_WORDS}`,
  connection: CONNECTIONS.outboundProfiles,
  loader: (loaders) => loaders.outboundProfiles,
});

builder.queryField('outboundSharedUserProfile', (t) =>
  t.field({
    type: OutboundSharedUserProfileRef,
    nullable: true,
    description:
      'One outbound shared profile, or null when Graph does not know it. Users may read their own with any of the four scopes; anyone else’s needs what listing needs.',
    args: { userId: t.arg.id({ required: true }) },
    authScopes: (_root, args, context) =>
      authorizeArguments(context, () => {
        const userId = requireGuid(args.userId, 'userId');
        return ruleScopes('readOutboundProfile', userId);
      }),
    resolve: (_root, { userId }, { loaders }) => loaders.outboundProfile.load(userId),
  }),
);

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
        return ruleScopes('removeOutboundProfile', userId);
      }),
    resolve: (_root, args, context) =>
      submitOne(context, 'removeOutboundSharedUserProfilePersonalData', args, {
        operation: 'REMOVE_OUTBOUND',
        userId: args.userId,
        tenantId: args.tenantId ?? undefined,
      }),
  }),
);
