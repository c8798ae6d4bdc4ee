/**
 * The "Engine" settings section: the remote engine's fields as typed, checked into a settings patch. The rules
 * mirror EngineSettings in electron/shared/records.ts (a remote engine needs an http(s) address and a model name),
 * which the server checks again.
 */
import { isHttpUrl } from '../../contract';
import type { AppSettings, EngineKeyStatus, SettingsPatch } from '../../contract';

export type EngineKind = AppSettings['engine']['kind'];

export interface EngineFormValues {
  kind: EngineKind;
  baseUrl: string;
  model: string;
}

export type EngineFieldError = 'urlRequired' | 'urlInvalid' | 'modelRequired';
export interface EngineFieldErrors {
  baseUrl?: EngineFieldError;
  model?: EngineFieldError;
}

export function engineFormFromSettings(settings: AppSettings): EngineFormValues {
  return { kind: settings.engine.kind, baseUrl: settings.engine.baseUrl, model: settings.engine.model };
}

/** The address as a test or save would send it: trimmed; "" stays "". */
export function checkBaseUrl(raw: string): EngineFieldError | null {
  const url = raw.trim();
  if (!url) return 'urlRequired';
  return isHttpUrl(url) ? null : 'urlInvalid';
}

/** Errors per field: the address and model are required only for a remote engine (kept, unchecked, for local). */
export function validateEngineForm(values: EngineFormValues): EngineFieldErrors {
  if (values.kind === 'local') return {};
  const errors: EngineFieldErrors = {};
  const url = checkBaseUrl(values.baseUrl);
  if (url) errors.baseUrl = url;
  if (!values.model.trim()) errors.model = 'modelRequired';
  return errors;
}

/** The settings patch for what changed (null when nothing did), or the field errors. */
export function buildEnginePatch(values: EngineFormValues, current: AppSettings['engine']): { patch: SettingsPatch | null; errors: EngineFieldErrors } {
  const errors = validateEngineForm(values);
  if (errors.baseUrl || errors.model) return { patch: null, errors };
  const next = { kind: values.kind, baseUrl: values.baseUrl.trim(), model: values.model.trim() };
  const engine: NonNullable<SettingsPatch['engine']> = {};
  if (next.kind !== current.kind) engine.kind = next.kind;
  if (next.baseUrl !== current.baseUrl) engine.baseUrl = next.baseUrl;
  if (next.model !== current.model) engine.model = next.model;
  return { patch: Object.keys(engine).length > 0 ? { engine } : null, errors };
}

/** "https://host[:port]" of an address, or null when it is not an http(s) URL. */
export function originOf(url: string): string | null {
  const text = url.trim();
  if (!isHttpUrl(text)) return null;
  return new URL(text).origin;
}

/**
 * Whether the saved key would be sent to `baseUrl`: it is bound to the origin it was saved for, so a key saved for
 * another server is not used (the section says so).
 */
export function keyMatchesUrl(status: EngineKeyStatus | null, baseUrl: string): boolean {
  if (!status?.saved || !status.origin) return false;
  return originOf(baseUrl) === status.origin;
}

/** What the top bar shows for a remote engine chosen in settings; null for the local engine. */
export function remoteEngineLabel(settings: AppSettings | null): { model: string; origin: string | null } | null {
  if (!settings || settings.engine.kind !== 'remote' || !settings.engine.model) return null;
  return { model: settings.engine.model, origin: originOf(settings.engine.baseUrl) };
}
