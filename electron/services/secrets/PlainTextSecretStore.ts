/**
 * The CLI's and `dianjin serve`'s secret store: one JSON file in the data dir, readable by the owner only (0600),
 * NOT encrypted — Node has no portable OS keyring. `encrypted: false` makes app.info and the settings UI say so.
 */
import path from 'node:path';
import { AppError } from '../../shared/errors';
import { checkSecretName, SecretFile } from './SecretFile';
import type { SecretStore } from './SecretStore';

export const plainSecretsFileName = 'secrets.plain.json';

export class PlainTextSecretStore implements SecretStore {
  readonly encrypted = false;
  private readonly store: SecretFile;

  constructor(dataDir: string) {
    this.store = new SecretFile(path.join(dataDir, plainSecretsFileName), { warning: 'Plain text: not encrypted.' });
  }

  async get(name: string): Promise<string | null> {
    checkSecretName(name);
    return (await this.store.read())[name] ?? null;
  }

  async has(name: string): Promise<boolean> {
    checkSecretName(name);
    return Object.hasOwn(await this.store.read(), name);
  }

  async set(name: string, value: string): Promise<void> {
    checkSecretName(name);
    if (typeof value !== 'string' || value.length === 0) throw new AppError('INVALID_INPUT', 'A secret cannot be empty.');
    await this.store.update((secrets) => ({ ...secrets, [name]: value }));
  }

  delete(name: string): Promise<boolean> {
    return this.store.delete(name);
  }
}
