import { graphql } from './gql/index.js';

// Every document the app sends. The client preset types each `graphql()` call from
// `schema.graphql` (`npm run codegen`) and lists it in `gql/persisted-documents.json`, so a gateway
// started with `TRUSTED_DOCUMENTS` runs exactly these and nothing else.

export const WhoAmI = graphql(`
  query WhoAmI {
    viewer {
      kind
      userId
      tenantId
      scopes
      roles
      directoryRoles
    }
  }
`);

export const WhatIShare = graphql(`
  query WhatIShare($userId: ID!, $after: String) {
    outboundSharedUserProfile(userId: $userId) {
      userId
      tenants(first: 50, after: $after) {
        edges {
          node {
            tenantId
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const RemoveMySharedData = graphql(`
  mutation RemoveMySharedData($userId: ID!, $tenantId: ID) {
    removeOutboundSharedUserProfilePersonalData(userId: $userId, tenantId: $tenantId) {
      userId
      tenantId
      requestedAt
      upstreamRequestId
    }
  }
`);

export const SomeSharedProfiles = graphql(`
  query SomeSharedProfiles($first: Int!) {
    outboundSharedUserProfiles(first: $first) {
      edges {
        node {
          userId
        }
      }
    }
  }
`);

export const RemoveSharedDataInBulk = graphql(`
  mutation RemoveSharedDataInBulk($userIds: [ID!]!, $tenantId: ID) {
    removeOutboundSharedUserProfilesPersonalData(userIds: $userIds, tenantId: $tenantId) {
      accepted
      failed
      results {
        userId
        ok
        upstreamRequestId
        error {
          code
          message
          retryAfterSeconds
        }
      }
    }
  }
`);
