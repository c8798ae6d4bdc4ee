/**
 * A small encrypted key/value store for secrets such as remote engines' API keys. Values are encrypted with
 * Electron's safeStorage (Keychain on macOS, DPAPI on Windows, libsecret/KWallet on Linux) and kept in one JSON file
 * in the data dir; plain text never touches the disk. Use after the app's `ready` event.
 */
import path from 'node:path';
import type { SafeStorage } from 'electron';
import { AppError } from '../shared/errors';
import type { SecretStore as SecretStoreContract } from '../services/secrets';
import { checkSecretName, SecretFile } from '../services/secrets/SecretFile';

export const secretsFileName = 'secrets.json';

/** What the store needs from Electron's safeStorage (a fake in tests). */
export type SecretCipher = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;


/** Thrown when there is no OS-backed encryption: a key is then refused rather than stored in clear. */
export class SecretStorageUnavailableError extends AppError {
  constructor() {
    // TODO(contract): a dedicated 'SECRET_STORAGE_UNAVAILABLE' code once errors.ts has one.
    super(
      'BACKEND_UNAVAILABLE',
      "The system's secure storage (Keychain, Credential Manager, or a Secret Service keyring such as GNOME Keyring/KWallet) is not available, so the key cannot be saved. Unlock or install a keyring and try again.",
      { reason: 'secret-storage-unavailable' },
    );
  }
}

export class SecretStore implements SecretStoreContract {
  /** Never plain text: without OS-backed encryption `set` refuses instead. */
  readonly encrypted = true;
  /** name → base64 of safeStorage's ciphertext */
  private readonly store: SecretFile;

  constructor(
    dataDir: string,
    private readonly cipher: SecretCipher,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.store = new SecretFile(path.join(dataDir, secretsFileName));
  }

  /**
   * False without OS-backed encryption. On Linux without a keyring, Chromium falls back to a hard-coded password
   * ("basic_text"), which is obfuscation, not encryption: treated as unavailable.
   */
  isAvailable(): boolean {
    if (!this.cipher.isEncryptionAvailable()) return false;
    if (this.platform === 'linux' && this.cipher.getSelectedStorageBackend?.() === 'basic_text') return false;
    return true;
  }

  /** The secret, or null when none is stored or it cannot be decrypted any more (e.g. the keyring was reset). */
  async get(name: string): Promise<string | null> {
    checkSecretName(name);
    const stored = (await this.store.read())[name];
    if (stored === undefined || !this.isAvailable()) return null;
    try {
      return this.cipher.decryptString(Buffer.from(stored, 'base64'));
    } catch (error) {
      console.warn(`[secrets] could not decrypt "${name}"; it must be entered again:`, (error as Error).message);
      return null;
    }
  }

  async has(name: string): Promise<boolean> {
    checkSecretName(name);
    return Object.hasOwn(await this.store.read(), name);
  }

  async set(name: string, value: string): Promise<void> {
    checkSecretName(name);
    if (typeof value !== 'string' || value.length === 0) throw new AppError('INVALID_INPUT', 'A secret cannot be empty.');
    if (!this.isAvailable()) throw new SecretStorageUnavailableError();
    const encrypted = this.cipher.encryptString(value).toString('base64');
    await this.store.update((secrets) => ({ ...secrets, [name]: encrypted }));
  }

  /** Resolves true when something was deleted. */
  delete(name: string): Promise<boolean> {
    return this.store.delete(name);
  }
}
