import type { AppContext } from './app-context';
import { confirmStep } from './confirm-step';
import { h, timeOf } from './dom';
import { execute } from './gateway-client';
import type { RemoveMySharedDataMutation, WhatIShareQuery } from './gql/graphql';
import { showNotice } from './messages';
import { RemoveMySharedData, WhatIShare } from './operations';

type Removal = RemoveMySharedDataMutation['removeOutboundSharedUserProfilePersonalData'];

/** Tenants are read page by page; a person shares with a handful, so a few pages are plenty. */
const MAX_PAGES = 10;

/** The tenants that the caller's profile is shared with, or null when Graph has no profile for them. */
async function sharedWith(context: AppContext, userId: string): Promise<string[] | null> {
  const tenants: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const data: WhatIShareQuery = await execute(WhatIShare, { userId, after }, context.session.token);
    const profile = data.outboundSharedUserProfile;
    if (!profile) return null;
    tenants.push(...(profile.tenants?.edges.map((edge) => edge.node.tenantId) ?? []));
    if (!profile.tenants?.pageInfo.hasNextPage) break;
    after = profile.tenants.pageInfo.endCursor ?? null;
  }
  return tenants;
}

/** "Graph accepted …", with the time of the request and Graph's request id, which support asks for. */
function accepted(removal: Removal, what: string): HTMLElement {
  return h(
    'p',
    {},
    'Removal requested at ',
    timeOf(removal.requestedAt),
    `: Microsoft Graph accepted the removal of ${what}. Graph request id: `,
    h('code', { class: 'request-id' }, removal.upstreamRequestId ?? 'none given'),
    '.',
  );
}

/**
 * "What I share": the tenants the signed-in person's profile is shared with, a removal for each of
 * them and one for all of them, each confirmed in the page first.
 */
export async function whatIShareSection(context: AppContext, userId: string): Promise<HTMLElement> {
  const section = h('section', { id: 'what-i-share', 'aria-labelledby': 'what-i-share-title' });
  section.append(h('h2', { id: 'what-i-share-title' }, 'What I share'));
  const tenants = await context.guard('read what you share', () => sharedWith(context, userId));
  if (tenants === undefined) return section;

  const remove = async (tenantId: string | null, button: HTMLButtonElement, outcome: HTMLElement) => {
    const what = tenantId
      ? `the profile data you share with tenant ${tenantId}`
      : 'all the profile data you share with other tenants';
    const confirmed = await confirmStep(
      tenantId ? 'Remove the data you share with this tenant?' : 'Remove everything you share?',
      `Microsoft Graph will be asked to remove ${what}. This cannot be undone.`,
      'Yes, remove it',
    );
    if (!confirmed) return;
    button.disabled = true;
    const attempt = tenantId ? 'remove the data you share with this tenant' : 'remove the data you share';
    const removal = await context.guard(attempt, async () => {
      const data = await execute(RemoveMySharedData, { userId, tenantId }, context.session.token);
      return data.removeOutboundSharedUserProfilePersonalData;
    });
    button.disabled = false;
    if (!removal) return;
    showNotice(accepted(removal, what));
    outcome.replaceChildren('Removal requested at ', timeOf(removal.requestedAt));
  };

  if (tenants === null || tenants.length === 0) {
    section.append(h('p', {}, 'Microsoft Graph lists no tenant that your profile is shared with.'));
  } else {
    section.append(
      h(
        'p',
        {},
        `Your profile is shared with ${tenants.length === 1 ? '1 tenant' : `${tenants.length} tenants`}:`,
      ),
    );
    const list = h('ul', { class: 'tenants' });
    for (const tenantId of tenants) {
      const outcome = h('span', { class: 'outcome' });
      const button = h(
        'button',
        { type: 'button', class: 'secondary', 'aria-label': `Remove the data I share with ${tenantId}` },
        'Remove',
      );
      button.addEventListener('click', () => void remove(tenantId, button, outcome));
      list.append(h('li', { class: 'tenant' }, h('code', {}, tenantId), outcome, button));
    }
    section.append(list);
  }
  // Offered even when Graph lists no tenant: a removal of everything is still a valid request.
  const allOutcome = h('span', { class: 'outcome' });
  const removeAll = h('button', { type: 'button', class: 'danger' }, 'Remove everything I share');
  removeAll.addEventListener('click', () => void remove(null, removeAll, allOutcome));
  section.append(h('div', { class: 'actions' }, allOutcome, removeAll));
  return section;
}
