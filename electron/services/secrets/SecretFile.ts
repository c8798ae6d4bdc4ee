/**
 * One JSON file of named secrets in the data dir, owner-only (0600), written atomically and one write at a time.
 * Shared by the Electron store (values are safeStorage ciphertext) and the CLI's plain-text fallback.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../shared/errors';

const namePattern = /^[A-Za-z0-9._-]{1,100}$/;

export function checkSecretName(name: string): void {
  if (typeof name !== 'string' || !namePattern.test(name)) {
    throw new AppError('INVALID_INPUT', 'A secret name is 1–100 letters, digits, dots, dashes or underscores.');
  }
}

export class SecretFile {
  /** Writes run one after another so two `set`s cannot lose each other's entry. */
  private queue: Promise<unknown> = Promise.resolve();

  /** `header` goes into the file beside the secrets (e.g. a plain-text warning for whoever opens it). */
  constructor(
    readonly file: string,
    private readonly header: Record<string, string> = {},
  ) {}

  async read(): Promise<Record<string, string>> {
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
      // Unreadable: keep it aside for inspection rather than overwrite it on the next write.
      const aside = `${this.file}.corrupt-${Date.now()}`;
      await rename(this.file, aside).catch(() => {});
      console.warn(`[secrets] ${this.file} was not valid JSON; moved to ${aside}`);
      return {};
    }
  }

  update(change: (secrets: Record<string, string>) => Record<string, string>): Promise<void> {
    const run = this.queue.then(async () => {
      const next = { version: 1, ...this.header, secrets: change(await this.read()) };
      await mkdir(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.tmp`;
      await writeFile(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, this.file);
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** Resolves true when something was deleted. */
  async delete(name: string): Promise<boolean> {
    checkSecretName(name);
    let deleted = false;
    await this.update((secrets) => {
      if (!Object.hasOwn(secrets, name)) return secrets;
      deleted = true;
      const { [name]: _removed, ...rest } = secrets;
      return rest;
    });
    return deleted;
  }
}
