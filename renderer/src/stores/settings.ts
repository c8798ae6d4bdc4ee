/** The persisted settings and saving them as patches. */
import { createStore } from 'zustand/vanilla';
import type { ApiClient } from '../contract';
import type { SettingsPatch } from '../contract';
import type { AppSettings } from '../contract';
import type { SerializedError } from '../contract';
import { toSerialized } from './errors';

export interface SettingsState {
  settings: AppSettings | null;
  loadError: SerializedError | null;
  saving: boolean;
  saveError: SerializedError | null;

  load(): Promise<void>;
  /** Saves a patch; resolves true when the server accepted it. */
  update(patch: SettingsPatch): Promise<boolean>;
  setSettings(settings: AppSettings): void;
  clearSaveError(): void;
}

export interface SettingsStoreDeps {
  api: ApiClient;
  onError?: (error: unknown) => void;
  /** After the server accepted a patch: what the settings were and are now (other stores follow some of them). */
  onUpdated?: (before: AppSettings | null, after: AppSettings) => void;
}

export function createSettingsStore({ api, onError, onUpdated }: SettingsStoreDeps) {
  return createStore<SettingsState>()((set, get) => ({
    settings: null,
    loadError: null,
    saving: false,
    saveError: null,

    async load() {
      try {
        set({ settings: await api.call('settings.get', {}), loadError: null });
      } catch (error) {
        onError?.(error);
        set({ loadError: toSerialized(error) });
      }
    },

    async update(patch) {
      set({ saving: true, saveError: null });
      try {
        const before = get().settings;
        const settings = await api.call('settings.update', patch);
        set({ settings, saving: false });
        onUpdated?.(before, settings);
        return true;
      } catch (error) {
        onError?.(error);
        set({ saving: false, saveError: toSerialized(error) });
        return false;
      }
    },

    setSettings(settings) {
      set({ settings });
    },

    clearSaveError() {
      set({ saveError: null });
    },
  }));
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
