/**
 * The CLI's and `dianjin serve`'s secret store: one JSON file in the data dir, readable by the owner only (0600),
 * NOT encrypted — Node has no portable OS keyring. `encrypted: false` makes app.info and the settings UI say so.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import type { SecretStore } from './SecretStore';

export const plainSecretsFileName = 'secrets.plain.json';

const namePattern = /^[A-Za-z0-9._-]{1,100}$/;

export class PlainTextSecretStore implements SecretStore {
  readonly encrypted = false;
  private readonly file: string;
  /** Writes run one after another so two `set`s cannot lose each other's entry. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.file = path.join(dataDir, plainSecretsFileName);
  }

  async get(name: string): Promise<string | null> {
    checkName(name);
    return (await this.read())[name] ?? null;
  }

  async has(name: string): Promise<boolean> {
    checkName(name);
    return Object.hasOwn(await this.read(), name);
  }

  async set(name: string, value: string): Promise<void> {
    checkName(name);
    if (typeof value !== 'string' || value.length === 0) throw new AppError('INVALID_INPUT', 'A secret cannot be empty.');
    await this.update((secrets) => ({ ...secrets, [name]: value }));
  }

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

  private async read(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as { secrets?: unknown };
      const secrets = parsed.secrets && typeof parsed.secrets === 'object' ? (parsed.secrets as Record<string, unknown>) : {};
      return Object.fromEntries(Object.entries(secrets).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    } catch {
      return {};
    }
  }

  private update(change: (secrets: Record<string, string>) => Record<string, string>): Promise<void> {
    const run = this.queue.then(async () => {
      const next = { warning: 'Plain text: not encrypted.', secrets: change(await this.read()) };
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
