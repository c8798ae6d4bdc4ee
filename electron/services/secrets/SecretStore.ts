/**
 * Where secrets such as a remote engine's API key are kept. Two implementations: the Electron app's, encrypted with
 * safeStorage (electron/main/secrets.ts, handed to createAppServices by main.ts), and PlainTextSecretStore for the
 * CLI and `dianjin serve`, which have no OS keyring to call and say so (`encrypted: false`). Values never cross the
 * API back to a client.
 */
export interface SecretStore {
  /** True when values are encrypted at rest by the operating system; false means plain text on disk. */
  readonly encrypted: boolean;
  /** The secret, or null when none is stored (or it can no longer be decrypted). */
  get(name: string): Promise<string | null>;
  has(name: string): Promise<boolean>;
  set(name: string, value: string): Promise<void>;
  /** Resolves true when something was deleted. */
  delete(name: string): Promise<boolean>;
}

/** What clients are told about secret storage (app.info, the settings' key field). */
export function secretsWarning(store: SecretStore): string | null {
  return store.encrypted
    ? null
    : 'Secrets such as the remote engine API key are stored in PLAIN TEXT in the data folder (no system keyring here). Use the desktop app to keep them encrypted, or pass the key per run in DIANJIN_ENGINE_API_KEY.';
}
