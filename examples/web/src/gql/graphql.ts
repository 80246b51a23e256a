/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** The contract's error codes, as `extensions.code` carries them on GraphQL errors. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'THROTTLED'
  | 'UNAUTHENTICATED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE';

/** Whether the caller acts for a signed-in user (delegated) or as an application. */
export type ViewerKind =
  | 'APPLICATION'
  | 'USER';

export type WhoAmIQueryVariables = Exact<{ [key: string]: never; }>;


export type WhoAmIQuery = { viewer: { kind: ViewerKind, userId: string, tenantId: string, scopes: Array<string>, roles: Array<string>, directoryRoles: Array<string> } };

export type WhatIShareQueryVariables = Exact<{
  userId: string;
  after?: string | null | undefined;
}>;


export type WhatIShareQuery = { outboundSharedUserProfile: { userId: string, tenants: { edges: Array<{ node: { tenantId: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null } | null };

export type RemoveMySharedDataMutationVariables = Exact<{
  userId: string;
  tenantId?: string | null | undefined;
}>;


export type RemoveMySharedDataMutation = { removeOutboundSharedUserProfilePersonalData: { userId: string, tenantId: string | null, requestedAt: string, upstreamRequestId: string | null } };

export type SomeSharedProfilesQueryVariables = Exact<{
  first: number;
}>;


export type SomeSharedProfilesQuery = { outboundSharedUserProfiles: { edges: Array<{ node: { userId: string } }> } | null };

export type RemoveSharedDataInBulkMutationVariables = Exact<{
  userIds: Array<string> | string;
  tenantId?: string | null | undefined;
}>;


export type RemoveSharedDataInBulkMutation = { removeOutboundSharedUserProfilesPersonalData: { accepted: number, failed: number, results: Array<{ userId: string, ok: boolean, upstreamRequestId: string | null, error: { code: ErrorCode, message: string, retryAfterSeconds: number | null } | null }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const WhoAmIDocument = new TypedDocumentString(`
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
    `, {"hash":"fa109eca83b0932a151d7ad9e18474624ba1cce16168ea06578dccd9c49996c9"}) as unknown as TypedDocumentString<WhoAmIQuery, WhoAmIQueryVariables>;
export const WhatIShareDocument = new TypedDocumentString(`
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
    `, {"hash":"518180644d729a23206648545f90693efce28f4ee996d8aa887db77b25a4cd1d"}) as unknown as TypedDocumentString<WhatIShareQuery, WhatIShareQueryVariables>;
export const RemoveMySharedDataDocument = new TypedDocumentString(`
    mutation RemoveMySharedData($userId: ID!, $tenantId: ID) {
  removeOutboundSharedUserProfilePersonalData(
    userId: $userId
    tenantId: $tenantId
  ) {
    userId
    tenantId
    requestedAt
    upstreamRequestId
  }
}
    `, {"hash":"ea7882dff4cd2575124f3b7387aa59e18f30df386d2b9bf8b92aaba15bda319a"}) as unknown as TypedDocumentString<RemoveMySharedDataMutation, RemoveMySharedDataMutationVariables>;
export const SomeSharedProfilesDocument = new TypedDocumentString(`
    query SomeSharedProfiles($first: Int!) {
  outboundSharedUserProfiles(first: $first) {
    edges {
      node {
        userId
      }
    }
  }
}
    `, {"hash":"c612e914045c5114af2f82c9efc6e7b5561c51d5252c8cd981cfe7df9322f96c"}) as unknown as TypedDocumentString<SomeSharedProfilesQuery, SomeSharedProfilesQueryVariables>;
export const RemoveSharedDataInBulkDocument = new TypedDocumentString(`
    mutation RemoveSharedDataInBulk($userIds: [ID!]!, $tenantId: ID) {
  removeOutboundSharedUserProfilesPersonalData(
    userIds: $userIds
    tenantId: $tenantId
  ) {
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
    `, {"hash":"1d1abdf95182f7b43e9b8771aa0ca40b4a03673ff8c57a6fe6676603d81161ba"}) as unknown as TypedDocumentString<RemoveSharedDataInBulkMutation, RemoveSharedDataInBulkMutationVariables>;