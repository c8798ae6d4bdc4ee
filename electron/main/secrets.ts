/**
 * A small encrypted key/value store for secrets such as remote engines' API keys. Values are encrypted with
 * Electron's safeStorage (Keychain on macOS, DPAPI on Windows, libsecret/KWallet on Linux) and kept in one JSON file
 * in the data dir; plain text never touches the disk. Use after the app's `ready` event.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SafeStorage } from 'electron';
import { AppError } from '../shared/errors';
import type { SecretStore as SecretStoreContract } from '../services/secrets';

export const secretsFileName = 'secrets.json';

/** What the store needs from Electron's safeStorage (a fake in tests). */
export type SecretCipher = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> &
  Partial<Pick<SafeStorage, 'getSelectedStorageBackend'>>;

interface SecretsFile {
  version: 1;
  /** name → base64 of safeStorage's ciphertext */
  secrets: Record<string, string>;
}

const namePattern = /^[A-Za-z0-9._-]{1,100}$/;

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
  private readonly file: string;
  /** Writes run one after another so two `set`s cannot lose each other's entry. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly cipher: SecretCipher,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.file = path.join(dataDir, secretsFileName);
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
    checkName(name);
    const stored = (await this.read()).secrets[name];
    if (stored === undefined || !this.isAvailable()) return null;
    try {
      return this.cipher.decryptString(Buffer.from(stored, 'base64'));
    } catch (error) {
      console.warn(`[secrets] could not decrypt "${name}"; it must be entered again:`, (error as Error).message);
      return null;
    }
  }

  async has(name: string): Promise<boolean> {
    checkName(name);
    return Object.hasOwn((await this.read()).secrets, name);
  }

  async set(name: string, value: string): Promise<void> {
    checkName(name);
    if (typeof value !== 'string' || value.length === 0) throw new AppError('INVALID_INPUT', 'A secret cannot be empty.');
    if (!this.isAvailable()) throw new SecretStorageUnavailableError();
    const encrypted = this.cipher.encryptString(value).toString('base64');
    await this.update((secrets) => ({ ...secrets, [name]: encrypted }));
  }

  /** Resolves true when something was deleted. */
  async delete(name: string): Promise<boolean> {
    checkName(name);
    let deleted = false;
    await this.update((secrets) => {
      if (!Object.hasOwn(secrets, name)) return secrets;
      deleted = true;
      const { [name]: _removed, ...rest } = secrets;
      return rest;
    });
    return deleted;
  }

  private async read(): Promise<SecretsFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, secrets: {} };
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as Partial<SecretsFile>;
      const secrets = parsed.secrets && typeof parsed.secrets === 'object' ? parsed.secrets : {};
      return { version: 1, secrets: Object.fromEntries(Object.entries(secrets).filter(([, v]) => typeof v === 'string')) };
    } catch {
      // Unreadable: keep it aside for inspection rather than overwrite it on the next write.
      const aside = `${this.file}.corrupt-${Date.now()}`;
      await rename(this.file, aside).catch(() => {});
      console.warn(`[secrets] ${this.file} was not valid JSON; moved to ${aside}`);
      return { version: 1, secrets: {} };
    }
  }

  private update(change: (secrets: Record<string, string>) => Record<string, string>): Promise<void> {
    const run = this.queue.then(async () => {
      const current = await this.read();
      const next: SecretsFile = { version: 1, secrets: change(current.secrets) };
      await mkdir(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.tmp`;
      await writeFile(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, this.file);
    });
    this.queue = run.catch(() => {});
    return run;
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || !namePattern.test(name)) {
    throw new AppError('INVALID_INPUT', 'A secret name is 1–100 letters, digits, dots, dashes or underscores.');
  }
}
