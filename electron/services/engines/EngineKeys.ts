/**
 * The remote engine's API key, kept in a SecretStore and bound to the server it was saved for: a request to another
 * origin (a per-request `engine`, or a changed address in settings) never gets it. A key given for one run (the
 * CLI's DIANJIN_ENGINE_API_KEY) is used as given and never stored.
 */
import type { EngineKeyStatus } from '../../shared/api';
import type { SecretStore } from '../secrets';
import { normalizeBaseUrl } from './RemoteEngine';

export type { EngineKeyStatus } from '../../shared/api';

const secretName = 'engine.remote.apiKey';

export class EngineKeys {
  constructor(
    private readonly secrets: SecretStore,
    /** A key for this process only (environment); wins over the saved one and is never written anywhere. */
    private readonly runKey: string | null = null,
  ) {}

  async save(baseUrl: string, apiKey: string): Promise<EngineKeyStatus> {
    const origin = new URL(normalizeBaseUrl(baseUrl)).origin;
    await this.secrets.set(secretName, JSON.stringify({ origin, apiKey: apiKey.trim() }));
    return { saved: true, origin, encrypted: this.secrets.encrypted };
  }

  clear(): Promise<boolean> {
    return this.secrets.delete(secretName);
  }

  async status(): Promise<EngineKeyStatus> {
    const saved = await this.read();
    return { saved: saved !== null, origin: saved?.origin ?? null, encrypted: this.secrets.encrypted };
  }

  /** The key to send to `baseUrl`, or null. */
  async keyFor(baseUrl: string): Promise<string | null> {
    if (this.runKey) return this.runKey;
    const saved = await this.read();
    if (!saved) return null;
    return new URL(normalizeBaseUrl(baseUrl)).origin === saved.origin ? saved.apiKey : null;
  }

  private async read(): Promise<{ origin: string; apiKey: string } | null> {
    const value = await this.secrets.get(secretName);
    if (!value) return null;
    try {
      const parsed = JSON.parse(value) as { origin?: unknown; apiKey?: unknown };
      return typeof parsed.origin === 'string' && typeof parsed.apiKey === 'string' && parsed.apiKey ? { origin: parsed.origin, apiKey: parsed.apiKey } : null;
    } catch {
      return null;
    }
  }
}
