import type { AppContext } from './app-context';
import { confirmStep } from './confirm-step';
import { h } from './dom';
import { inWords } from './error-words';
import { execute } from './gateway-client';
import type { RemoveSharedDataInBulkMutation } from './gql/graphql';
import { showNotice } from './messages';
import { RemoveSharedDataInBulk, SomeSharedProfiles } from './operations';

type BulkPayload = RemoveSharedDataInBulkMutation['removeOutboundSharedUserProfilesPersonalData'];

/** Ids as a person pastes them: one per line, or separated by commas or spaces. */
export function parseIds(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
}

/** One row per id, in the order of the request: accepted (with Graph's request id) or why not. */
function resultsTable(payload: BulkPayload): HTMLElement {
  const rows = payload.results.map((result) =>
    h(
      'tr',
      { class: result.ok ? 'ok' : 'failed' },
      h('td', {}, h('code', {}, result.userId)),
      h('td', {}, result.ok ? 'accepted' : h('code', {}, result.error?.code ?? 'failed')),
      h(
        'td',
        {},
        result.ok
          ? `Graph request id ${result.upstreamRequestId ?? 'not given'}`
          : result.error
            ? `${inWords(result.error, 'remove this user’s data')} (${result.error.message})`
            : '',
      ),
    ),
  );
  return h(
    'table',
    { class: 'results' },
    h('thead', {}, h('tr', {}, h('th', {}, 'User id'), h('th', {}, 'Result'), h('th', {}, 'Details'))),
    h('tbody', {}, ...rows),
  );
}

/**
 * For callers who may remove anyone's data (a Global Administrator, or an application with
 * `ReadWrite.All`): removals for several users at once, one result per id.
 */
export async function bulkRemovalSection(context: AppContext): Promise<HTMLElement> {
  const section = h('section', { id: 'bulk-removal', 'aria-labelledby': 'bulk-title' });
  section.append(
    h('h2', { id: 'bulk-title' }, 'Remove shared data for several users'),
    h(
      'p',
      { class: 'hint' },
      'Administrators only. Each id is decided on its own; one failure never fails the others.',
    ),
  );
  // Three outbound profiles to start from, so the form runs as it is.
  const some = await context.guard('list shared profiles', () =>
    execute(SomeSharedProfiles, { first: 3 }, context.session.token),
  );
  const prefill = some?.outboundSharedUserProfiles?.edges.map((edge) => edge.node.userId) ?? [];

  const ids = h('textarea', { id: 'bulk-ids', rows: '5', spellcheck: 'false' });
  ids.value = prefill.join('\n');
  const tenant = h('input', {
    id: 'bulk-tenant',
    type: 'text',
    placeholder: 'all tenants',
    spellcheck: 'false',
  });
  const summary = h('p', { id: 'bulk-summary', class: 'summary', 'aria-live': 'polite' });
  const results = h('div', { id: 'bulk-results' });
  const submit = h('button', { type: 'submit', class: 'danger' }, 'Remove for these users');

  const form = h(
    'form',
    { class: 'bulk' },
    h('label', { for: 'bulk-ids' }, 'User ids (one per line, or separated by commas)'),
    ids,
    h('label', { for: 'bulk-tenant' }, 'Only what is shared with this tenant (optional)'),
    tenant,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const userIds = parseIds(ids.value);
      if (userIds.length === 0) {
        summary.textContent = 'Enter at least one user id.';
        return;
      }
      const tenantId = tenant.value.trim() || null;
      const confirmed = await confirmStep(
        `Remove the shared data of ${userIds.length === 1 ? '1 user' : `${userIds.length} users`}?`,
        `Microsoft Graph will be asked to remove what ${tenantId ? `they share with tenant ${tenantId}` : 'they share with other tenants'}. This cannot be undone.`,
        'Yes, remove it',
      );
      if (!confirmed) return;
      submit.disabled = true;
      const payload = await context.guard('remove other users’ data', async () => {
        const data = await execute(RemoveSharedDataInBulk, { userIds, tenantId }, context.session.token);
        return data.removeOutboundSharedUserProfilesPersonalData;
      });
      submit.disabled = false;
      if (!payload) return;
      summary.textContent = `${payload.accepted} accepted, ${payload.failed} failed.`;
      results.replaceChildren(resultsTable(payload));
      showNotice(`Bulk removal done: ${payload.accepted} accepted, ${payload.failed} failed.`);
    })();
  });
  section.append(form, summary, results);
  return section;
}
