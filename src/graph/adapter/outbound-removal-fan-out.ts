import type { Caller } from '../../auth/caller.js';
import { UpstreamError } from '../../errors/gateway-errors.js';
import { forEachConcurrently } from '../transport/concurrency.js';
import type { BulkRemovalOutcome, UpstreamReceipt } from './graph-adapter.js';
import type { BatchItemResult, GraphBatchClient } from '../transport/graph-batch-client.js';
import type { GraphHttpClient } from '../transport/graph-http-client.js';
import { PAGES } from './graph-pages.js';
import { firstPagePath, outboundProfileTenantsPath, outboundRemovalPath } from './graph-paths.js';

type Listing = { ok: true; tenantIds: string[]; ids: UpstreamReceipt } | { ok: false; error: UpstreamError };

/** Profiles whose further tenant pages are read at once; a second page is rare. */
const PAGE_FOLLOWERS = 4;
/** Graph's page size cap: a profile is shared with far fewer tenants, so one page is the rule. */
const TENANTS_PER_PAGE = 100;

export interface OutboundRemovalFanOutOptions {
  client: GraphHttpClient;
  batch: GraphBatchClient;
  /** The deadline of one fan-out, listing and removals together. */
  timeoutMs: number;
}

/**
 * The profile-wide outbound removal for a Graph that offers only the tenant-scoped action
 * (`GRAPH_OUTBOUND_REMOVAL=per-tenant`). Each profile's tenants are listed (the first pages in
 * batches, further pages one by one and only through `pageLinkPath`), then one tenant-scoped
 * removal per tenant goes out in batches. A profile is removed when every one of its tenant
 * removals was accepted; otherwise it fails with the first failure. A profile shared with no tenant
 * has nothing to remove and succeeds with the listing's ids.
 */
export class OutboundRemovalFanOut {
  constructor(private readonly options: OutboundRemovalFanOutOptions) {}

  async remove(
    caller: Caller,
    userIds: readonly string[],
    signal?: AbortSignal,
  ): Promise<BulkRemovalOutcome[]> {
    const deadline = Date.now() + this.options.timeoutMs;
    const listings = await this.listTenants(caller, userIds, deadline, signal);
    const removals = listings.flatMap((listing, user) =>
      listing.ok
        ? listing.tenantIds.map((tenantId) => ({ user, userId: userIds[user] ?? '', tenantId }))
        : [],
    );
    const results = await this.options.batch.execute(
      caller,
      'removeOutboundPersonalData',
      removals.map(({ userId, tenantId }) => ({
        method: 'POST',
        path: outboundRemovalPath(userId, tenantId),
      })),
      signal,
      deadline,
    );
    const byUser = new Map<number, BatchItemResult[]>();
    results.forEach((result, index) => {
      const user = removals[index]?.user ?? -1;
      byUser.set(user, [...(byUser.get(user) ?? []), result]);
    });
    return listings.map((listing, user): BulkRemovalOutcome => {
      if (!listing.ok) return listing;
      const outcomes = byUser.get(user) ?? [];
      const failure = outcomes.find((outcome) => !outcome.ok);
      if (failure && !failure.ok) return failure;
      const first = outcomes[0];
      return { ok: true, receipt: first?.ok ? first.receipt : listing.ids };
    });
  }

  private async listTenants(
    caller: Caller,
    userIds: readonly string[],
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<Listing[]> {
    const collections = userIds.map(outboundProfileTenantsPath);
    const firstPages = await this.options.batch.execute(
      caller,
      'listOutboundProfileTenants',
      collections.map((path) => ({ method: 'GET', path: firstPagePath(path, TENANTS_PER_PAGE) })),
      signal,
      deadline,
    );
    const pages = firstPages.map((page) => (page.ok ? readPage(page.body, page.receipt) : page));
    const listings: Listing[] = [...pages];
    const paged = pages.flatMap((page, index) =>
      page.ok && page.next !== undefined ? [{ index, page }] : [],
    );
    await forEachConcurrently(paged, PAGE_FOLLOWERS, async ({ index, page }) => {
      listings[index] = await this.followPages(caller, collections[index] ?? '', page, deadline, signal);
    });
    return listings;
  }

  private async followPages(
    caller: Caller,
    collection: string,
    first: ListingPage,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<Listing> {
    const tenantIds = [...first.tenantIds];
    let page: ListingPage = first;
    while (page.next !== undefined) {
      const path = this.options.client.pageLinkPath(page.next, collection);
      // A link that leaves the collection is never followed: the listing fails instead.
      if (path === undefined) return { ok: false, error: new UpstreamError('UPSTREAM_ERROR', page.ids) };
      try {
        const response = await this.options.client.send(
          caller,
          { operation: 'listOutboundProfileTenants', method: 'GET', path, deadline },
          signal,
        );
        const read = readPage(response.body, response);
        if (!read.ok) return read;
        tenantIds.push(...read.tenantIds);
        page = read;
      } catch (error) {
        if (error instanceof UpstreamError) return { ok: false, error };
        throw error;
      }
    }
    return { ok: true, tenantIds, ids: first.ids };
  }
}

type ListingPage = Extract<Listing, { ok: true }> & { next: string | undefined };

function readPage(body: unknown, ids: UpstreamReceipt): ListingPage | Extract<Listing, { ok: false }> {
  const parsed = PAGES.tenants.safeParse(body);
  if (!parsed.success) return { ok: false, error: new UpstreamError('UPSTREAM_ERROR', ids) };
  return {
    ok: true,
    tenantIds: parsed.data.value.map(({ tenantId }) => tenantId),
    ids: { upstreamRequestId: ids.upstreamRequestId, clientRequestId: ids.clientRequestId },
    next: parsed.data['@odata.nextLink'],
  };
}
