import { nameBasedGuid } from './name-based-guid.js';
import { PERSONAS } from './personas.js';

/** A user of this tenant whose profile is shared with other tenants. */
export interface OutboundSharedUserProfile {
  userId: string;
  /** Tenants the profile is shared with. */
  tenantIds: string[];
}

/** A user of another tenant whose profile is shared with this one. */
export interface InboundSharedUserProfile {
  userId: string;
  displayName: string;
  homeTenantId: string;
  userPrincipalName: string;
}

export interface DemoData {
  outbound: OutboundSharedUserProfile[];
  inbound: InboundSharedUserProfile[];
}

const PARTNERS = ['fabrikam', 'northwind', 'tailspin', 'woodgrove', 'litware', 'adatum'].map((name) => ({
  domain: `${name}.example`,
  tenantId: nameBasedGuid(`partner-tenant:${name}`),
}));

function partner(index: number): { domain: string; tenantId: string } {
  const chosen = PARTNERS[index % PARTNERS.length];
  if (!chosen) throw new RangeError(`No partner tenant at ${index}.`);
  return chosen;
}

/** Tenants `first`, `first + 1`, … (wrapping), `count` of them. */
function partnerTenants(first: number, count: number): string[] {
  return Array.from({ length: count }, (_, offset) => partner(first + offset).tenantId);
}

// Enough profiles that the default page size of 10 spans four pages.
const GENERATED_OUTBOUND_PROFILES = 36;
const FIRST_NAMES = ['Alex', 'Diego', 'Isaiah', 'Johanna', 'Lee'];
const LAST_NAMES = ['Wilber', 'Siciliani', 'Langer', 'Lidman', 'Gu'];

/**
 * The demo directory: the same on every run. The `user` persona shares its profile with three
 * tenants and the `admin` persona with one, so that both can remove their own data.
 */
export function createDemoData(): DemoData {
  const outbound: OutboundSharedUserProfile[] = [
    { userId: PERSONAS.user.objectId, tenantIds: partnerTenants(0, 3) },
    { userId: PERSONAS.admin.objectId, tenantIds: partnerTenants(3, 1) },
    ...Array.from({ length: GENERATED_OUTBOUND_PROFILES }, (_, index) => ({
      userId: nameBasedGuid(`outbound-user:${index}`),
      tenantIds: partnerTenants(index, (index % 3) + 1),
    })),
  ];
  const inbound = FIRST_NAMES.flatMap((firstName, row) =>
    LAST_NAMES.map((lastName, column) => {
      const home = partner(row + column);
      return {
        userId: nameBasedGuid(`inbound-user:${firstName}:${lastName}`),
        displayName: `${firstName} ${lastName}`,
        homeTenantId: home.tenantId,
        userPrincipalName: `${firstName}.${lastName}@${home.domain}`.toLowerCase(),
      };
    }),
  );
  return { outbound, inbound };
}
