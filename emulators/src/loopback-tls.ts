import { generate } from 'selfsigned';

/** PEM material for the emulators' HTTPS listeners and for the clients that must trust them. */
export interface TlsMaterial {
  /** The private CA: what a client passes as `ca` (or puts in NODE_EXTRA_CA_CERTS). */
  ca: string;
  /** Server certificate signed by `ca`, valid for localhost, 127.0.0.1 and ::1. */
  cert: string;
  key: string;
}

// selfsigned defaults to SHA-1 signatures, which browsers and stricter TLS stacks refuse.
const SIGNATURE_ALGORITHM = 'sha256';
// EC keys take milliseconds to generate where RSA takes hundreds, and every test file starts its own emulators.
const KEY_TYPE = 'ec';
const VALIDITY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates a throwaway CA and a loopback server certificate signed by it. Clients trust the CA,
 * as they would a real PKI, so the gateway's TLS settings are exercised the way production uses
 * them (an extra trust anchor), not by pinning the server's own certificate.
 */
export async function createLoopbackTls(): Promise<TlsMaterial> {
  // Backdated so that a client whose clock is slightly behind still accepts the certificate.
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_MS);
  const authority = await generate([{ name: 'commonName', value: 'Shared Profile Gateway Emulator CA' }], {
    keyType: KEY_TYPE,
    algorithm: SIGNATURE_ALGORITHM,
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: KEY_TYPE,
    algorithm: SIGNATURE_ALGORITHM,
    notBeforeDate,
    notAfterDate,
    ca: { key: authority.private, cert: authority.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { ca: authority.cert, cert: server.cert, key: server.private };
}
