// Child process: the emulated Entra ID and Graph (the upstream), apart from the load generator and
// the gateway so that each side's CPU is its own. Reports what the others need over IPC.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { PERSONAS, startEmbeddedServices } from '@shared-profile-gateway/emulators';

/** What the upstream process reports once it listens. */
export interface UpstreamReady {
  /** The gateway's environment pointing at this upstream (AUTH_*, AZURE_*, GRAPH_BASE_URL). */
  env: Record<string, string>;
  /** PEM file of the loopback CA, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** A verified caller token of the `user` persona, valid for an hour. */
  userToken: string;
  /** A Graph token obtained on behalf of that user: what the bare proxy presents. */
  graphToken: string;
  /** The persona's object id: the `userId` every benchmark request removes. */
  userId: string;
  graphBaseUrl: string;
}

/** IPC request from the bench: how many Graph calls the emulator has answered so far. */
export interface CountQuery {
  id: number;
}
export interface CountAnswer {
  id: number;
  count: number;
}

const directory = mkdtempSync(join(tmpdir(), 'bench-upstream-'));
// However this process ends (a failed close included), the CA file goes with it.
process.on('exit', () => rmSync(directory, { recursive: true, force: true }));
const services = await startEmbeddedServices();
const caFile = join(directory, 'ca.pem');
writeFileSync(caFile, services.tls.ca);
const userToken = await services.personaToken('user');
const graphToken = await onBehalfOf(userToken);

// The emulator records every call for tests; a benchmark sends millions, so the recording is
// folded into a counter regularly to keep this process's memory flat.
let counted = 0;
const fold = setInterval(() => {
  counted += services.graph.requests.length;
  services.graph.resetRecording();
}, 250);

process.on('message', (message: CountQuery) => {
  const answer: CountAnswer = { id: message.id, count: counted + services.graph.requests.length };
  process.send?.(answer);
});

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  clearInterval(fold);
  await services.close().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
// A Ctrl-C in the terminal reaches the whole process group, this process included.
process.on('SIGINT', () => void shutdown());
// The bench died or finished without a word: nothing should outlive it.
process.on('disconnect', () => void shutdown());

const ready: UpstreamReady = {
  env: services.env,
  caFile,
  userToken,
  graphToken,
  userId: PERSONAS.user.objectId,
  graphBaseUrl: services.graph.baseUrl,
};
process.send?.(ready);

async function onBehalfOf(assertion: string): Promise<string> {
  const { env } = services;
  const dispatcher = new Agent({ connect: { ca: services.tls.ca } });
  try {
    const response = await request(`${env.AZURE_AUTHORITY_HOST}/${env.AZURE_TENANT_ID}/oauth2/v2.0/token`, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        requested_token_use: 'on_behalf_of',
        assertion,
        scope: 'https://graph.microsoft.com/.default',
        client_id: env.AZURE_CLIENT_ID ?? '',
        client_secret: env.AZURE_CLIENT_SECRET ?? '',
      }).toString(),
    });
    const body = (await response.body.json()) as { access_token?: string };
    if (response.statusCode !== 200 || !body.access_token) {
      throw new Error(`on-behalf-of exchange failed with ${response.statusCode}`);
    }
    return body.access_token;
  } finally {
    await dispatcher.close();
  }
}
