import {
  SignJWT,
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWSHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
} from 'jose';

const ALGORITHM = 'RS256';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const exported = await exportJWK(publicKey);
  // Entra's kids are opaque strings; a thumbprint is one and is stable for the key's lifetime.
  const kid = await calculateJwkThumbprint(exported);
  return { kid, privateKey, publicJwk: { ...exported, kid, use: 'sig', alg: ALGORITHM } };
}

/** The identity provider's token-signing key: one current key, replaced on rotation. */
export class SigningKeyRing {
  #current: SigningKey;
  #verificationKeys: ReturnType<typeof createLocalJWKSet>;

  private constructor(key: SigningKey) {
    this.#current = key;
    this.#verificationKeys = createLocalJWKSet(this.publicJwks);
  }

  static async create(): Promise<SigningKeyRing> {
    return new SigningKeyRing(await generateSigningKey());
  }

  /** What the JWKS endpoint publishes: only the current key, so rotation retires the old one. */
  get publicJwks(): JSONWebKeySet {
    return { keys: [this.#current.publicJwk] };
  }

  async rotate(): Promise<void> {
    this.#current = await generateSigningKey();
    this.#verificationKeys = createLocalJWKSet(this.publicJwks);
  }

  /**
   * Signs with the current key. `header` adds or replaces header parameters (say, an unknown
   * `kid` or a `crit` extension) to test verifiers; the signature is always a real RS256 one.
   */
  async sign(payload: JWTPayload, header: Partial<JWSHeaderParameters> = {}): Promise<string> {
    const protectedHeader = { typ: 'JWT', kid: this.#current.kid, ...header, alg: ALGORITHM };
    // jose refuses to sign `crit` extensions it is not told about; the verifier is the one to test.
    const crit = Object.fromEntries((protectedHeader.crit ?? []).map((name) => [name, true]));
    return new SignJWT(payload).setProtectedHeader(protectedHeader).sign(this.#current.privateKey, { crit });
  }

  /** Verifies a token this provider issued, against the keys it currently publishes. */
  async verify(token: string, options: Omit<JWTVerifyOptions, 'algorithms'>): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.#verificationKeys, {
      ...options,
      algorithms: [ALGORITHM],
    });
    return payload;
  }
}
