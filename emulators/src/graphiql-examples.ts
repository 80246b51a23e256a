import { createDemoData } from './graph-emulator-data.js';
import { PERSONAS, type PersonaName } from './personas.js';

/** One GraphiQL tab: operations run as one persona. */
export interface GraphiQLExample {
  persona: PersonaName;
  /** Operations, each after comment lines whose last states its upstream calls. */
  query: string;
}

function signedInAs(persona: PersonaName): string {
  const { displayName, description } = PERSONAS[persona];
  return commentLines(
    `Signed in as the demo persona "${persona}" (${displayName}): ${description}`,
    "The Authorization header below is this persona's token. Press the run button; where a tab holds several operations, pick one.",
  );
}

/** Paragraphs as `#` comment lines short enough for GraphiQL's editor. */
function commentLines(...paragraphs: string[]): string {
  const lines: string[] = [];
  for (const paragraph of paragraphs) {
    let line = '#';
    for (const word of paragraph.split(' ')) {
      if (line.length + word.length + 1 > 52 && line !== '#') {
        lines.push(line);
        line = '#';
      }
      line += ` ${word}`;
    }
    lines.push(line);
  }
  return lines.join('\n');
}

/**
 * The embedded mode's GraphiQL tabs: the demo user's own removal alone in the first, so that the
 * run button runs it, then one tab per persona with every other operation of the API that the
 * persona may run against the demo directory. A tab's title is its first operation's name, kept
 * short so that every tab fits the tab bar.
 */
export function graphiqlExamples(): GraphiQLExample[] {
  const data = createDemoData();
  const user = PERSONAS.user.objectId;
  const [firstTenant] = data.outbound.find((profile) => profile.userId === user)?.tenantIds ?? [];
  const [guest, secondGuest, thirdGuest] = data.inbound;
  const outboundIds = data.outbound.slice(2, 5).map((profile) => `"${profile.userId}"`);
  if (!firstTenant || !guest || !secondGuest || !thirdGuest || outboundIds.length < 3) {
    throw new Error('The demo directory lacks the profiles the examples use.');
  }
  const inboundIds = [guest, secondGuest, thirdGuest].map((profile) => `"${profile.userId}"`);
  // A well-formed request id that no ledger holds: the lookups answer null until one is pasted.
  const exampleRequestId = Buffer.from('PersonalDataRequest:00000000-0000-4000-8000-000000000000').toString(
    'base64',
  );
  return [
    {
      persona: 'user',
      query: `${signedInAs('user')}

# The gateway verifies the token, exchanges it on
# behalf of the user, and asks (emulated) Microsoft
# Graph to remove what this user shares with others.
# The request is recorded first: \`request\` is its
# entry in the ledger of personal-data requests.
# 1 upstream call.
mutation RemoveMySharedProfileData {
  removeOutboundSharedUserProfilePersonalData(userId: "${user}") {
    userId
    tenantId
    requestedAt
    upstreamRequestId
    request { id status dueAt attempts }
  }
}
`,
    },
    {
      persona: 'user',
      query: `${signedInAs('user')}

# The gateway answers from the verified token.
# 0 upstream calls.
query WhoAmI {
  viewer { kind userId tenantId scopes roles }
}

# The removals and exports this user asked for, or
# that are about them, newest first, from the ledger.
# 0 upstream calls.
query MyPersonalDataRequests {
  personalDataRequests(first: 10) {
    totalCount
    edges { node { id operation userId status requestedAt dueAt attempts completedAt } }
    pageInfo { hasNextPage endCursor }
  }
}

# Any of the four scopes reads one's own profile:
# the profile, then its tenants.
# 2 upstream calls.
query MySharedProfile {
  outboundSharedUserProfile(userId: "${user}") {
    userId
    tenants(first: 10) { edges { node { tenantId } } pageInfo { hasNextPage endCursor } }
  }
}

# Removes only what is shared with one tenant.
# 1 upstream call.
mutation RemoveMyDataForOneTenant {
  removeOutboundSharedUserProfilePersonalData(userId: "${user}", tenantId: "${firstTenant}") {
    userId
    tenantId
    requestedAt
    upstreamRequestId
  }
}
`,
    },
    {
      persona: 'admin',
      query: `${signedInAs('admin')}

# Graph is asked for $top=5. To page on, copy
# pageInfo.endCursor into \`after\`.
# 1 upstream call.
query AdminListsProfiles {
  outboundSharedUserProfiles(first: 5) {
    edges { cursor node { userId } }
    pageInfo { hasNextPage endCursor }
  }
}

# 1 for the page, then 1 per profile for its
# tenants, 8 at a time (not one by one).
# 11 upstream calls.
query AdminListsProfilesWithTenants {
  outboundSharedUserProfiles(first: 10) {
    edges { node { userId tenants(first: 5) { edges { node { tenantId } } } } }
    pageInfo { hasNextPage endCursor }
  }
}

# The profile, then its tenants. An id Graph does
# not know answers null.
# 2 upstream calls.
query AdminReadsOneOutboundProfile {
  outboundSharedUserProfile(userId: "${user}") {
    userId
    tenants(first: 20) { edges { node { tenantId } } pageInfo { hasNextPage endCursor } }
  }
}

# 1 upstream call.
query AdminListsInboundProfiles {
  inboundSharedUserProfiles(first: 5) {
    edges { node { userId displayName homeTenantId userPrincipalName } }
    pageInfo { hasNextPage endCursor }
  }
}

# 1 upstream call.
query AdminReadsOneInboundProfile {
  inboundSharedUserProfile(userId: "${guest.userId}") { userId displayName homeTenantId userPrincipalName }
}

# Graph answers 202 with the operation to poll.
# 1 upstream call.
mutation AdminExportsGuestData {
  exportInboundSharedUserProfilePersonalData(
    userId: "${guest.userId}"
    storageLocation: "https://contosoexports.blob.core.windows.net/exports?sv=2024-01-01&sig=demo"
  ) {
    userId
    operationLocation
    retryAfterSeconds
    request { id status export { status operationLocation completedAt } }
  }
}

# Everyone's requests (a Global Administrator or
# Reader sees all), filtered; the export above shows
# how Graph's operation goes as the gateway polls it.
# 0 upstream calls.
query AdminFollowsRequests {
  personalDataRequests(first: 10, filter: { operation: [EXPORT_INBOUND, REMOVE_INBOUND] }) {
    totalCount
    edges {
      node {
        id operation userId status attempts requestedBy { kind userId }
        error { code message } export { status completedAt }
      }
    }
  }
}

# One request by its id (paste one from above);
# null when none is known or it is not yours to see.
# 0 upstream calls.
query AdminReadsOneRequest {
  personalDataRequest(id: "${exampleRequestId}") { id status dueAt completedAt upstreamRequestId }
  node(id: "${exampleRequestId}") { id ... on PersonalDataRequest { status } }
}

# 1 upstream call.
mutation AdminRemovesGuestData {
  removeInboundSharedUserProfilePersonalData(userId: "${guest.userId}") { userId requestedAt upstreamRequestId }
}

# One result per id, in input order; one id's
# failure never fails the others.
# 1 upstream call: a $batch carries up to 20 ids.
mutation AdminRemovesOutboundProfilesInBulk {
  removeOutboundSharedUserProfilesPersonalData(userIds: [${outboundIds.join(', ')}]) {
    batchId
    accepted
    failed
    results { userId ok requestId upstreamRequestId error { code message retryAfterSeconds } }
  }
}
`,
    },
    {
      persona: 'reader',
      query: `${signedInAs('reader')}

# A Global Reader lists and reads, and may not remove.
# 1 upstream call.
query ReaderListsGuests {
  inboundSharedUserProfiles(first: 5) {
    edges { node { userId displayName homeTenantId } }
    pageInfo { hasNextPage endCursor }
  }
}
`,
    },
    {
      persona: 'app',
      query: `${signedInAs('app')}

# An application acts with the gateway's own
# client-credentials token.
# 1 upstream call: a $batch carries up to 20 ids.
mutation AppRemovesInBulk {
  removeInboundSharedUserProfilesPersonalData(userIds: [${inboundIds.join(', ')}]) {
    batchId
    accepted
    failed
    results { userId ok requestId upstreamRequestId error { code message } }
  }
}
`,
    },
  ];
}
