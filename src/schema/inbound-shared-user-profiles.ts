import { BadUserInputError } from '../errors/gateway-errors.js';
import type { InboundSharedUserProfile } from '../graph/adapter/graph-adapter.js';
import { READ_ANY_PROFILE_WORDS as READ_ANY, authorizeArguments, ruleScopes } from './authorization.js';
import { builder } from './builder.js';
import { CONNECTIONS, anyProfileListing } from './connection-fields.js';
import { requireGuid } from './identifiers.js';
import { ExportPersonalDataPayload, RemovePersonalDataPayload } from './personal-data-payloads.js';
import { submitOne } from './personal-data-submissions.js';

const InboundSharedUserProfileRef = builder
  .objectRef<InboundSharedUserProfile>('InboundSharedUserProfile')
  .implement({
    description: 'A user of another tenant whose profile is shared with this tenant.',
    fields: (t) => ({
      userId: t.exposeID('userId'),
      displayName: t.exposeString('displayName', { nullable: true }),
      homeTenantId: t.exposeID('homeTenantId', { nullable: true }),
      userPrincipalName: t.exposeString('userPrincipalName', { nullable: true }),
    }),
  });

anyProfileListing({
  field: 'inboundSharedUserProfiles',
  node: InboundSharedUserProfileRef,
  typeName: 'InboundSharedUserProfile',
  description: `Users of other tenants whose profiles are shared with this tenant. ${READ_ANY}`,
  connection: CONNECTIONS.inboundProfiles,
  loader: (loaders) => loaders.inboundProfiles,
});

builder.queryField('inboundSharedUserProfile', (t) =>
  t.field({
    type: InboundSharedUserProfileRef,
    nullable: true,
    description: `One inbound shared profile, or null when Graph does not know it. ${READ_ANY}`,
    args: { userId: t.arg.id({ required: true }) },
    authScopes: (_root, args, context) =>
      authorizeArguments(context, () => {
        return ruleScopes('readAnyProfile', requireGuid(args.userId, 'userId'));
      }),
    resolve: (_root, { userId }, { loaders }) => loaders.inboundProfile.load(userId),
  }),
);

builder.mutationField('removeInboundSharedUserProfilePersonalData', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: RemovePersonalDataPayload,
    description:
      'Asks Graph to remove the personal data that a user of another tenant shares with this tenant. Allowed for a Global Administrator (`ReadWrite.All`) and applications with the `ReadWrite.All` role.',
    args: { userId: t.arg.id({ required: true }) },
    authScopes: (_root, args, context) =>
      authorizeArguments(context, () => {
        return ruleScopes('removeInboundProfile', requireGuid(args.userId, 'userId'));
      }),
    resolve: (_root, args, context) =>
      submitOne(context, 'removeInboundSharedUserProfilePersonalData', args, {
        operation: 'REMOVE_INBOUND',
        userId: args.userId,
      }),
  }),
);

builder.mutationField('exportInboundSharedUserProfilePersonalData', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: ExportPersonalDataPayload,
    description: `Asks Graph to export what a user of another tenant shares with this tenant to \`storageLocation\` (an https URL, usually an Azure Storage container SAS URL). Returns the operation to poll. ${READ_ANY}`,
    args: {
      userId: t.arg.id({ required: true }),
      storageLocation: t.arg.string({ required: true }),
    },
    authScopes: (_root, args, context) =>
      authorizeArguments(context, () => {
        requireGuid(args.userId, 'userId');
        requireStorageLocation(args.storageLocation);
        return ruleScopes('readAnyProfile', args.userId);
      }),
    resolve: (_root, args, context) =>
      submitOne(context, 'exportInboundSharedUserProfilePersonalData', args, {
        operation: 'EXPORT_INBOUND',
        userId: args.userId,
        storageLocation: args.storageLocation,
      }),
  }),
);

/** Longer than any Azure Storage SAS URL, short enough to keep junk away from Graph. */
const MAX_STORAGE_LOCATION_LENGTH = 2048;

/**
 * Graph writes the export there, so only an absolute https URL makes sense. The gateway itself
 * never requests it; the value (it carries a SAS signature) is passed on and never logged.
 */
function requireStorageLocation(value: string): void {
  let url: URL | undefined;
  try {
    url = value.length <= MAX_STORAGE_LOCATION_LENGTH ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' || url.hostname === '' || url.username !== '' || url.password !== '') {
    throw new BadUserInputError(
      `storageLocation must be an https URL of at most ${MAX_STORAGE_LOCATION_LENGTH} characters.`,
      'storageLocation',
    );
  }
}
