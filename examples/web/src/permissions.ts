import type { WhoAmIQuery } from './gql/graphql';

type Viewer = WhoAmIQuery['viewer'];

const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const READ_WRITE_ALL = 'CrossTenantUserProfileSharing.ReadWrite.All';

/**
 * Whether to offer removals for other users: a Global Administrator with `ReadWrite.All`, or an
 * application with the `ReadWrite.All` role (the gateway's authorization table). This only hides
 * what would be refused; the gateway decides every request on its own.
 */
export function mayRemoveForOthers(viewer: Viewer): boolean {
  if (viewer.kind === 'APPLICATION') return viewer.roles.includes(READ_WRITE_ALL);
  return viewer.scopes.includes(READ_WRITE_ALL) && viewer.directoryRoles.includes(GLOBAL_ADMINISTRATOR);
}

/** Whether the caller is a signed-in person, who has a profile of their own to share. */
export function isPerson(viewer: Viewer): boolean {
  return viewer.kind === 'USER';
}
