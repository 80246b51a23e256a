/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query WhoAmI {\n    viewer {\n      kind\n      userId\n      tenantId\n      scopes\n      roles\n      directoryRoles\n    }\n  }\n": typeof types.WhoAmIDocument,
    "\n  query WhatIShare($userId: ID!, $after: String) {\n    outboundSharedUserProfile(userId: $userId) {\n      userId\n      tenants(first: 50, after: $after) {\n        edges {\n          node {\n            tenantId\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.WhatIShareDocument,
    "\n  mutation RemoveMySharedData($userId: ID!, $tenantId: ID) {\n    removeOutboundSharedUserProfilePersonalData(userId: $userId, tenantId: $tenantId) {\n      userId\n      tenantId\n      requestedAt\n      upstreamRequestId\n    }\n  }\n": typeof types.RemoveMySharedDataDocument,
    "\n  query SomeSharedProfiles($first: Int!) {\n    outboundSharedUserProfiles(first: $first) {\n      edges {\n        node {\n          userId\n        }\n      }\n    }\n  }\n": typeof types.SomeSharedProfilesDocument,
    "\n  mutation RemoveSharedDataInBulk($userIds: [ID!]!, $tenantId: ID) {\n    removeOutboundSharedUserProfilesPersonalData(userIds: $userIds, tenantId: $tenantId) {\n      accepted\n      failed\n      results {\n        userId\n        ok\n        upstreamRequestId\n        error {\n          code\n          message\n          retryAfterSeconds\n        }\n      }\n    }\n  }\n": typeof types.RemoveSharedDataInBulkDocument,
};
const documents: Documents = {
    "\n  query WhoAmI {\n    viewer {\n      kind\n      userId\n      tenantId\n      scopes\n      roles\n      directoryRoles\n    }\n  }\n": types.WhoAmIDocument,
    "\n  query WhatIShare($userId: ID!, $after: String) {\n    outboundSharedUserProfile(userId: $userId) {\n      userId\n      tenants(first: 50, after: $after) {\n        edges {\n          node {\n            tenantId\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.WhatIShareDocument,
    "\n  mutation RemoveMySharedData($userId: ID!, $tenantId: ID) {\n    removeOutboundSharedUserProfilePersonalData(userId: $userId, tenantId: $tenantId) {\n      userId\n      tenantId\n      requestedAt\n      upstreamRequestId\n    }\n  }\n": types.RemoveMySharedDataDocument,
    "\n  query SomeSharedProfiles($first: Int!) {\n    outboundSharedUserProfiles(first: $first) {\n      edges {\n        node {\n          userId\n        }\n      }\n    }\n  }\n": types.SomeSharedProfilesDocument,
    "\n  mutation RemoveSharedDataInBulk($userIds: [ID!]!, $tenantId: ID) {\n    removeOutboundSharedUserProfilesPersonalData(userIds: $userIds, tenantId: $tenantId) {\n      accepted\n      failed\n      results {\n        userId\n        ok\n        upstreamRequestId\n        error {\n          code\n          message\n          retryAfterSeconds\n        }\n      }\n    }\n  }\n": types.RemoveSharedDataInBulkDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WhoAmI {\n    viewer {\n      kind\n      userId\n      tenantId\n      scopes\n      roles\n      directoryRoles\n    }\n  }\n"): typeof import('./graphql').WhoAmIDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WhatIShare($userId: ID!, $after: String) {\n    outboundSharedUserProfile(userId: $userId) {\n      userId\n      tenants(first: 50, after: $after) {\n        edges {\n          node {\n            tenantId\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').WhatIShareDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMySharedData($userId: ID!, $tenantId: ID) {\n    removeOutboundSharedUserProfilePersonalData(userId: $userId, tenantId: $tenantId) {\n      userId\n      tenantId\n      requestedAt\n      upstreamRequestId\n    }\n  }\n"): typeof import('./graphql').RemoveMySharedDataDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SomeSharedProfiles($first: Int!) {\n    outboundSharedUserProfiles(first: $first) {\n      edges {\n        node {\n          userId\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').SomeSharedProfilesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveSharedDataInBulk($userIds: [ID!]!, $tenantId: ID) {\n    removeOutboundSharedUserProfilesPersonalData(userIds: $userIds, tenantId: $tenantId) {\n      accepted\n      failed\n      results {\n        userId\n        ok\n        upstreamRequestId\n        error {\n          code\n          message\n          retryAfterSeconds\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').RemoveSharedDataInBulkDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
