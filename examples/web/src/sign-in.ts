import { GatewayError } from './gateway-error';
import { GATEWAY_URL } from './settings';

/** A demo persona of the embedded gateway's development identity provider (`GET /dev/personas`). */
export interface Persona {
  name: string;
  kind: 'delegated' | 'application';
  description: string;
  objectId: string;
  displayName: string;
  /** An RS256 access token for the gateway, signed by the development identity provider. */
  token: string;
}

/** Who is signed in: the persona's name and display name, and its bearer token. */
export interface Session {
  persona: string;
  displayName: string;
  token: string;
}

// This example signs in through the embedded gateway's development identity provider, which hands
// out a real token for each demo persona. A real deployment signs in with MSAL.js
// (`@azure/msal-browser`) against Entra ID instead: `acquireTokenSilent` (or a redirect) for the
// scope `api://<gateway client id>/.default`, then the same `Authorization: Bearer` header.

const STORAGE_KEY = 'shared-profile-example:session';

/** The personas with fresh tokens; only the embedded mode (`npm start` with no configuration) has them. */
export async function listPersonas(): Promise<Persona[]> {
  let response: Response;
  try {
    response = await fetch(`${GATEWAY_URL}/dev/personas`);
  } catch {
    throw new GatewayError('NETWORK', 'The gateway cannot be reached.');
  }
  if (!response.ok)
    throw new GatewayError('HTTP', `GET /dev/personas: ${response.status}`, { status: response.status });
  const body = (await response.json()) as { personas?: Persona[] };
  return body.personas ?? [];
}

/**
 * The session of this browser tab. It lives in `sessionStorage`: it survives a reload but not the
 * tab, and no other tab sees it (MSAL.js keeps its tokens there by default too).
 */
export function currentSession(): Session | null {
  const saved = sessionStorage.getItem(STORAGE_KEY);
  if (!saved) return null;
  try {
    const session = JSON.parse(saved) as Partial<Session>;
    return typeof session.token === 'string' && typeof session.persona === 'string'
      ? {
          persona: session.persona,
          displayName: session.displayName ?? session.persona,
          token: session.token,
        }
      : null;
  } catch {
    return null;
  }
}

export function signIn(persona: Persona): Session {
  const session = { persona: persona.name, displayName: persona.displayName, token: persona.token };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  return session;
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
