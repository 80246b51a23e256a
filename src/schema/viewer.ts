import type { Caller } from '../auth/caller.js';
import { builder } from './builder.js';

export const ViewerKind = builder.enumType('ViewerKind', {
  description: 'Whether the caller acts for a signed-in user (delegated) or as an application.',
  values: ['USER', 'APPLICATION'] as const,
});

const Viewer = builder.objectRef<Caller>('Viewer').implement({
  description: 'The caller as the gateway established it from the verified bearer token.',
  fields: (t) => ({
    kind: t.field({ type: ViewerKind, resolve: (caller) => caller.kind }),
    userId: t.exposeID('objectId', {
      description: "The `oid` claim: the user's object id, or the application's service principal id.",
    }),
    tenantId: t.exposeID('tenantId'),
    clientId: t.exposeID('clientId', { nullable: true, description: 'The client application (`azp`).' }),
    scopes: t.exposeStringList('scopes', { description: 'Delegated permissions (`scp`).' }),
    roles: t.exposeStringList('roles', { description: 'Application permissions (`roles`).' }),
    directoryRoles: t.exposeIDList('directoryRoles', {
      description: 'Directory role template ids (`wids`).',
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.withAuth({ authenticated: true }).field({
    type: Viewer,
    description: 'Who the gateway thinks the caller is.',
    authScopes: { organizationalAccount: true },
    resolve: (_root, _args, { caller }) => caller,
  }),
);
