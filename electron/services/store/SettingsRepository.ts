import type { Database, Statement, Transaction } from 'better-sqlite3';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { AppSettings, EngineSettingsFields, LanguageChoice, LoadSettings, SamplingSettings, ThemeChoice, defaultSettings } from '../../shared/records';
import type { DeepPartial } from './types';

/**
 * What `updateSettings` accepts: any subset, strict so a misspelt key is an error instead of a silent no-op.
 * (A candidate for electron/shared/records.ts once the API declares its settings procedure.)
 */
export const AppSettingsPatch = z.strictObject({
  sampling: z.strictObject(SamplingSettings.partial().shape).optional(),
  load: z.strictObject(LoadSettings.partial().shape).optional(),
  theme: ThemeChoice.optional(),
  language: LanguageChoice.optional(),
  modelPath: z.string().nullable().optional(),
  embeddingModelPath: z.string().nullable().optional(),
  engine: z.strictObject(EngineSettingsFields.partial().shape).optional(),
});
export type AppSettingsPatch = DeepPartial<AppSettings>;

type SettingKey = keyof AppSettings;
const settingKeys = Object.keys(AppSettings.shape) as SettingKey[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `over` on top of `base`; plain objects merge, anything else replaces; an explicit undefined removes the key. */
function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) delete out[key];
    else out[key] = deepMerge(out[key], value);
  }
  return out;
}

function parseJson(json: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch {
    return { ok: false };
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

function invalidSettings(error: z.ZodError): AppError {
  return new AppError('INVALID_INPUT', `Invalid settings: ${describeIssues(error)}`, {
    issues: error.issues.map((i) => ({ path: i.path.map(String), message: i.message, code: i.code })),
  });
}

/**
 * Settings are stored per top-level key as overrides of `defaultSettings`: only what the user changed is written,
 * so an improved default in a later release still reaches users who never touched that field.
 */
export class SettingsRepository {
  readonly #selectAll: Statement<[], { key: string; value_json: string }>;
  readonly #upsert: Statement<[string, string]>;
  readonly #delete: Statement<[string]>;
  readonly #updateTx: Transaction<(patch: z.infer<typeof AppSettingsPatch>) => void>;

  constructor(db: Database) {
    this.#selectAll = db.prepare('SELECT key, value_json FROM settings');
    this.#upsert = db.prepare('INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json');
    this.#delete = db.prepare('DELETE FROM settings WHERE key = ?');
    this.#updateTx = db.transaction((patch: z.infer<typeof AppSettingsPatch>) => {
      const overrides = this.#readOverrides();
      const next = new Map<SettingKey, unknown>();
      for (const key of settingKeys) {
        if (key in patch) next.set(key, deepMerge(overrides.get(key), patch[key]));
      }
      // Validate the whole object so issue paths name the key (e.g. "sampling.temperature").
      const candidate: Record<string, unknown> = { ...this.#effective(overrides) };
      for (const [key, override] of next) candidate[key] = override === undefined ? defaultSettings[key] : deepMerge(defaultSettings[key], override);
      const checked = AppSettings.safeParse(candidate);
      if (!checked.success) throw invalidSettings(checked.error);
      for (const [key, override] of next) {
        // An explicit undefined at the top level resets that key to its default.
        if (override === undefined) this.#delete.run(key);
        else this.#upsert.run(key, JSON.stringify(override));
      }
    });
  }

  /** Stored overrides merged over the defaults. A corrupt or invalid stored value falls back to that key's default. */
  get(): AppSettings {
    return this.#effective(this.#readOverrides());
  }

  /** Throws AppError('INVALID_INPUT') naming the offending field. Returns the settings now in effect. */
  update(patch: DeepPartial<AppSettings>): AppSettings {
    const parsed = AppSettingsPatch.safeParse(patch);
    if (!parsed.success) throw invalidSettings(parsed.error);
    this.#updateTx.immediate(parsed.data);
    return this.get();
  }

  /** Overrides that still produce a valid value; invalid ones are dropped, which `update` then overwrites. */
  #readOverrides(): Map<SettingKey, unknown> {
    const known = new Set<string>(settingKeys);
    const overrides = new Map<SettingKey, unknown>();
    for (const row of this.#selectAll.all()) {
      if (!known.has(row.key)) continue; // written by a newer build, or retired: ignore
      const json = parseJson(row.value_json);
      if (json.ok && this.#validFor(row.key as SettingKey, json.value)) overrides.set(row.key as SettingKey, json.value);
    }
    return overrides;
  }

  #validFor(key: SettingKey, override: unknown): boolean {
    const schema: z.ZodType = AppSettings.shape[key];
    return schema.safeParse(deepMerge(defaultSettings[key], override)).success;
  }

  #effective(overrides: Map<SettingKey, unknown>): AppSettings {
    const out: Record<string, unknown> = {};
    for (const key of settingKeys) {
      const schema: z.ZodType = AppSettings.shape[key];
      const merged = overrides.has(key) ? deepMerge(defaultSettings[key], overrides.get(key)) : defaultSettings[key];
      const parsed = schema.safeParse(merged);
      // structuredClone: callers may mutate what they get without touching the shared defaults.
      out[key] = parsed.success ? parsed.data : structuredClone(defaultSettings[key]);
    }
    return out as AppSettings;
  }
}
