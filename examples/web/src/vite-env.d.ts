/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where the gateway listens; `http://127.0.0.1:4000` when unset. */
  readonly VITE_GATEWAY_URL?: string;
  /** `true`: send documents by their SHA-256 only, for a gateway started with `TRUSTED_DOCUMENTS`. */
  readonly VITE_TRUSTED_DOCUMENTS?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
