/** The model library (GGUF files) and selecting one. */
import { createStore } from 'zustand/vanilla';
import type { ApiClient } from '../contract';
import type { InferenceStatus, ModelFileInfo } from '../contract';
import type { SerializedError } from '../contract';
import { toSerialized } from './errors';

export interface ModelsState {
  files: ModelFileInfo[];
  listStatus: 'idle' | 'loading' | 'ready' | 'error';
  listError: SerializedError | null;
  /** The path being selected, while models.select runs. */
  selecting: string | null;
  selectError: { path: string; error: SerializedError } | null;

  refresh(): Promise<void>;
  /** Validates and loads a GGUF; resolves true when the server accepted it. */
  select(path: string): Promise<boolean>;
  clearSelectError(): void;
}

export interface ModelsStoreDeps {
  api: ApiClient;
  /** Called with the status models.select returned (the model is loading). */
  onSelected?: (status: InferenceStatus, path: string) => void;
  onError?: (error: unknown) => void;
}

export function createModelsStore({ api, onSelected, onError }: ModelsStoreDeps) {
  return createStore<ModelsState>()((set, get) => ({
    files: [],
    listStatus: 'idle',
    listError: null,
    selecting: null,
    selectError: null,

    async refresh() {
      set({ listStatus: 'loading' });
      try {
        set({ files: await api.call('models.list', {}), listStatus: 'ready', listError: null });
      } catch (error) {
        onError?.(error);
        set({ listStatus: 'error', listError: toSerialized(error) });
      }
    },

    async select(rawPath) {
      const path = rawPath.trim();
      if (!path || get().selecting) return false;
      set({ selecting: path, selectError: null });
      try {
        const status = await api.call('models.select', { path });
        set({ selecting: null });
        onSelected?.(status, path);
        void get().refresh();
        return true;
      } catch (error) {
        onError?.(error);
        set({ selecting: null, selectError: { path, error: toSerialized(error) } });
        return false;
      }
    },

    clearSelectError() {
      set({ selectError: null });
    },
  }));
}

export type ModelsStore = ReturnType<typeof createModelsStore>;
