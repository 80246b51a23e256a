import { z } from 'zod';

/**
 * What Graph answers for each resource of this family, made once. Graph may add properties
 * (`@odata.*`, new beta fields); only the contract's are kept.
 */
export const outboundProfile = z
  .object({ userId: z.string().min(1) })
  .transform(({ userId }) => ({ userId }));

export const tenantReference = z
  .object({ tenantId: z.string().min(1) })
  .transform(({ tenantId }) => ({ tenantId }));

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

export const inboundProfile = z
  .object({
    userId: z.string().min(1),
    displayName: optionalText,
    homeTenantId: optionalText,
    userPrincipalName: optionalText,
  })
  .transform(({ userId, displayName, homeTenantId, userPrincipalName }) => ({
    userId,
    displayName,
    homeTenantId,
    userPrincipalName,
  }));

function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ value: z.array(item), '@odata.nextLink': z.string().optional() });
}

/** One page of each collection: its items and Graph's link to the next page, if any. */
export const PAGES = {
  outboundProfiles: pageOf(outboundProfile),
  tenants: pageOf(tenantReference),
  inboundProfiles: pageOf(inboundProfile),
};

/** A page schema of `PAGES`, its items of type `T`. */
export type PageSchema<T> = z.ZodType<{ value: T[]; '@odata.nextLink'?: string | undefined }>;
