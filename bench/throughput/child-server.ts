import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An environment variable the parent must have set. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

/**
 * Listens on `PORT` on loopback and tells the parent its URL over IPC; exits with the parent or on
 * SIGTERM, so that a bench never leaves servers behind.
 */
export function serveToParent(server: Server): void {
  server.listen(Number(requiredEnv('PORT')), '127.0.0.1', () => {
    process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
}
