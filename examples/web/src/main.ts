import type { AppContext } from './app-context';
import { bulkRemovalSection } from './bulk-removal';
import { byId, h } from './dom';
import { inWords } from './error-words';
import { execute } from './gateway-client';
import { GatewayError } from './gateway-error';
import { clearMessages, showAlert } from './messages';
import { WhoAmI } from './operations';
import { isPerson, mayRemoveForOthers } from './permissions';
import { GATEWAY_URL, TRUSTED_DOCUMENTS } from './settings';
import { type Persona, type Session, currentSession, listPersonas, signIn, signOut } from './sign-in';
import { whatIShareSection } from './what-i-share';

const app = byId('app');

/** The header's facts: which gateway, how documents travel, who is signed in. */
function showFacts(session: Session | null): void {
  const fact = (term: string, value: string) => [h('dt', {}, term), h('dd', {}, value)];
  byId('facts').replaceChildren(
    ...fact('Gateway', GATEWAY_URL),
    ...fact('Documents', TRUSTED_DOCUMENTS ? 'trusted (sent by SHA-256 only)' : 'full text'),
    ...fact('Signed in as', session ? `${session.displayName} (${session.persona})` : 'nobody'),
  );
}

/** Any failure in words; an invalid or expired token signs the person out, to sign in again. */
function guardFor(sessionRef: () => Session | null): AppContext['guard'] {
  return async (attempt, work) => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof GatewayError) {
        const sentence = inWords({ code: error.code, message: error.message, ...error.details }, attempt);
        const reference = error.details.upstreamRequestId
          ? ` (Graph request id ${error.details.upstreamRequestId})`
          : '';
        if (error.code === 'UNAUTHENTICATED' && sessionRef()) {
          signOut();
          await showSignIn();
        }
        showAlert(sentence + reference);
      } else {
        showAlert(
          `Something went wrong in this page: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return undefined;
    }
  };
}

/** The demo personas, one button each; a click signs in with that persona's token. */
async function showSignIn(): Promise<void> {
  showFacts(null);
  const section = h(
    'section',
    { id: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h2', { id: 'sign-in-title' }, 'Sign in'),
    h(
      'p',
      { class: 'hint' },
      'A demo sign-in: the embedded gateway’s development identity provider gives each persona a real token. ' +
        'A real deployment signs in with MSAL.js against Entra ID instead.',
    ),
  );
  app.replaceChildren(section);
  const personas = await guardFor(() => null)('list the demo personas', listPersonas);
  if (!personas) return;
  const list = h('ul', { class: 'personas' });
  for (const persona of personas) list.append(personaItem(persona));
  section.append(list);
}

function personaItem(persona: Persona): HTMLElement {
  const button = h('button', { type: 'button' }, `Sign in as ${persona.displayName}`);
  button.addEventListener('click', () => {
    clearMessages();
    void showAccount(signIn(persona));
  });
  return h(
    'li',
    {},
    button,
    h('span', { class: 'persona-name' }, `${persona.name} · ${persona.kind}`),
    h('span', { class: 'hint' }, persona.description),
  );
}

/** The signed-in page: who the gateway says the caller is, what they share, and the admin's tools. */
async function showAccount(session: Session): Promise<void> {
  showFacts(session);
  const signOutButton = h('button', { type: 'button', class: 'secondary' }, 'Sign out');
  signOutButton.addEventListener('click', () => {
    signOut();
    clearMessages();
    void showSignIn();
  });
  const account = h(
    'section',
    { id: 'account', 'aria-label': 'Account' },
    h('p', {}, 'Signed in as ', h('strong', {}, session.displayName), ` (${session.persona})`),
    signOutButton,
  );
  app.replaceChildren(account);
  let current: Session | null = session;
  const context: AppContext = { session, guard: guardFor(() => current) };
  const who = await context.guard('find out who you are', () => execute(WhoAmI, {}, session.token));
  if (!who) {
    current = null;
    return;
  }
  const viewer = who.viewer;
  if (isPerson(viewer)) app.append(await whatIShareSection(context, viewer.userId));
  else app.append(h('p', { class: 'hint' }, 'An application shares no profile of its own.'));
  if (mayRemoveForOthers(viewer)) app.append(await bulkRemovalSection(context));
}

const saved = currentSession();
void (saved ? showAccount(saved) : showSignIn());
