import { createHash } from 'node:crypto';
import { DIRECTORY_ROLES, PROFILE_SHARING_PERMISSIONS } from './microsoft-identifiers.js';

/** The tenant that the zero-config start and the tests pretend to be. */
export const DEMO_TENANT_ID = 'd7a47267-1b6b-4d91-9d4e-663c4e28ac9b';
/** The gateway's own app registration: the audience of caller tokens and the OBO client. */
export const DEMO_GATEWAY_CLIENT_ID = '5ffb0af8-b4c8-49a1-bfb2-f866c952d137';
export const DEMO_GATEWAY_AUDIENCE = `api://${DEMO_GATEWAY_CLIENT_ID}`;
/** A single-page app that signs users in and calls the gateway on their behalf. */
export const DEMO_FRONTEND_CLIENT_ID = 'bd471f21-6b52-4984-a05d-a0bd9c8014ee';
/** A daemon that calls the gateway with its own application identity. */
export const DEMO_DAEMON_CLIENT_ID = '26f9903d-b21c-44ca-bc86-f89132fa1429';

export type PersonaName = 'user' | 'admin' | 'reader' | 'app';

export interface Persona {
  name: PersonaName;
  kind: 'delegated' | 'application';
  description: string;
  /** The `oid`: the user's or the daemon's service principal's object id. */
  objectId: string;
  displayName: string;
  /** Claims of an access token for the gateway; the identity provider adds iss, tid, iat, nbf, exp. */
  claims: Readonly<Record<string, unknown>>;
}

const DEMO_DOMAIN = 'contoso.example';

/**
 * Entra's `sub` is pairwise (per user and app), unlike `oid`. Giving the personas a distinct
 * `sub` catches code that mistakes one for the other.
 */
function pairwiseSubject(objectId: string, clientId: string): string {
  return createHash('sha256').update(`${objectId}:${clientId}`).digest('base64url');
}

function delegatedPersona(
  name: PersonaName,
  description: string,
  objectId: string,
  displayName: string,
  scope: string,
  directoryRoles: string[],
): Persona {
  const userPrincipalName = `${displayName.toLowerCase().replace(/\s+/g, '.')}@${DEMO_DOMAIN}`;
  return {
    name,
    kind: 'delegated',
    description,
    objectId,
    displayName,
    claims: {
      aud: DEMO_GATEWAY_AUDIENCE,
      azp: DEMO_FRONTEND_CLIENT_ID,
      oid: objectId,
      sub: pairwiseSubject(objectId, DEMO_FRONTEND_CLIENT_ID),
      tid: DEMO_TENANT_ID,
      scp: scope,
      ...(directoryRoles.length > 0 ? { wids: directoryRoles } : {}),
      name: displayName,
      preferred_username: userPrincipalName,
    },
  };
}

const APP_OBJECT_ID = '13a24c23-fd4a-471f-8074-37f98735d3c9';

export const PERSONAS: Readonly<Record<PersonaName, Persona>> = {
  user: delegatedPersona(
    'user',
    'A member who may remove only their own shared profile data.',
    '94f8b0e3-8930-4b5c-b4b5-554bc95775e2',
    'Adele Vance',
    PROFILE_SHARING_PERMISSIONS.readWrite,
    [],
  ),
  admin: delegatedPersona(
    'admin',
    'A Global Administrator who may remove and export anyone’s shared profile data.',
    'a033295d-3232-4165-9ab8-9e232e7fc8c3',
    'Megan Bowen',
    PROFILE_SHARING_PERMISSIONS.readWriteAll,
    [DIRECTORY_ROLES.globalAdministrator],
  ),
  reader: delegatedPersona(
    'reader',
    'A Global Reader who may list and read shared profiles but not change them.',
    'a59eec3b-a110-4db1-96c8-20185db6f21c',
    'Lynne Robbins',
    PROFILE_SHARING_PERMISSIONS.readAll,
    [DIRECTORY_ROLES.globalReader],
  ),
  app: {
    name: 'app',
    kind: 'application',
    description: 'A daemon with the ReadWrite.All application role, acting without a user.',
    objectId: APP_OBJECT_ID,
    displayName: 'Contoso Privacy Daemon',
    claims: {
      aud: DEMO_GATEWAY_AUDIENCE,
      azp: DEMO_DAEMON_CLIENT_ID,
      oid: APP_OBJECT_ID,
      sub: APP_OBJECT_ID,
      tid: DEMO_TENANT_ID,
      roles: [PROFILE_SHARING_PERMISSIONS.readWriteAll],
      idtyp: 'app',
    },
  },
};

/** A fresh copy of a persona's token claims, safe to extend or override. */
export function personaClaims(name: PersonaName): Record<string, unknown> {
  return structuredClone(PERSONAS[name].claims);
}
