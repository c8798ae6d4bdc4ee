/** The model library (GGUF files), selecting, importing and removing one, the download catalog and its mirror. */
import { createStore } from 'zustand/vanilla';
import type { ApiClient } from '../contract';
import type { CatalogEntryWithFit, InferenceStatus, MirrorChoice, ModelFileInfo, TrainedAdapter } from '../contract';
import type { SerializedError } from '../contract';
import { toSerialized } from './errors';

export interface ModelsState {
  files: ModelFileInfo[];
  listStatus: 'idle' | 'loading' | 'ready' | 'error';
  listError: SerializedError | null;
  /** The path being selected, while models.select runs. */
  selecting: string | null;
  selectError: { path: string; error: SerializedError } | null;

  catalog: CatalogEntryWithFit[];
  catalogStatus: 'idle' | 'loading' | 'ready' | 'error';
  catalogError: SerializedError | null;
  /** The context size the fit estimates assume; null = the load settings'. */
  catalogContextSize: number | null;
  importing: boolean;
  importError: SerializedError | null;
  /** The path being removed, while models.remove runs. */
  removing: string | null;
  removeError: { path: string; error: SerializedError } | null;
  /** The mirror last chosen here (the server does not report it back). */
  mirror: MirrorChoice | null;
  mirrorError: SerializedError | null;
  /** LoRA adapters: trained here, or imported with their base model. */
  adapters: TrainedAdapter[];
  adaptersError: SerializedError | null;
  importingAdapter: boolean;
  adapterImportError: SerializedError | null;

  refresh(): Promise<void>;
  refreshAdapters(): Promise<void>;
  /** Records a LoRA adapter GGUF with the base model it applies to; resolves true when the server accepted it. */
  importAdapter(path: string, baseModelPath: string): Promise<boolean>;
  /** Forgets an adapter (the file stays). */
  forgetAdapter(path: string): Promise<boolean>;
  clearAdapterImportError(): void;
  loadCatalog(contextSize?: number | null): Promise<void>;
  /** Records a GGUF by its path (no copy); resolves true when the server accepted it. */
  importPath(path: string): Promise<boolean>;
  /** Forgets a model (deleting it only when it is in the models folder or was downloaded). */
  remove(path: string): Promise<{ deleted: boolean } | null>;
  setMirror(mirror: MirrorChoice): Promise<boolean>;
  clearImportError(): void;
  /** Validates and loads a GGUF; resolves true when the server accepted it. */
  select(path: string): Promise<boolean>;
  clearSelectError(): void;
}

export interface ModelsStoreDeps {
  api: ApiClient;
  /** Called with the status models.select returned (the model is loading). */
  onSelected?: (status: InferenceStatus, path: string) => void;
  onError?: (error: unknown) => void;
  /** Where the last chosen mirror is remembered between reloads. */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
}

const mirrorKey = 'dianjin.models.mirror';

function readMirror(storage: Pick<Storage, 'getItem'> | null | undefined): MirrorChoice | null {
  try {
    const raw = storage?.getItem(mirrorKey);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as unknown;
    if (parsed === 'huggingface' || parsed === 'hf-mirror' || parsed === 'modelscope') return parsed;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { custom?: unknown }).custom === 'string') return { custom: (parsed as { custom: string }).custom };
  } catch {
    /* unreadable: no remembered choice */
  }
  return null;
}

export function createModelsStore({ api, onSelected, onError, storage }: ModelsStoreDeps) {
  return createStore<ModelsState>()((set, get) => ({
    files: [],
    listStatus: 'idle',
    listError: null,
    selecting: null,
    selectError: null,
    catalog: [],
    catalogStatus: 'idle',
    catalogError: null,
    catalogContextSize: null,
    importing: false,
    importError: null,
    removing: null,
    removeError: null,
    mirror: readMirror(storage),
    mirrorError: null,
    adapters: [],
    adaptersError: null,
    importingAdapter: false,
    adapterImportError: null,

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

    async loadCatalog(contextSize) {
      const size = contextSize === undefined ? get().catalogContextSize : contextSize;
      set({ catalogStatus: 'loading', catalogContextSize: size });
      try {
        const catalog = await api.call('models.catalog', size ? { contextSize: size } : {});
        // A later request for another context size wins.
        if (get().catalogContextSize === size) set({ catalog, catalogStatus: 'ready', catalogError: null });
      } catch (error) {
        onError?.(error);
        set({ catalogStatus: 'error', catalogError: toSerialized(error) });
      }
    },

    async importPath(rawPath) {
      const path = rawPath.trim();
      if (!path || get().importing) return false;
      set({ importing: true, importError: null });
      try {
        await api.call('models.import', { path });
        set({ importing: false });
        await get().refresh();
        return true;
      } catch (error) {
        onError?.(error);
        set({ importing: false, importError: toSerialized(error) });
        return false;
      }
    },

    async remove(path) {
      if (get().removing) return null;
      set({ removing: path, removeError: null });
      try {
        const result = await api.call('models.remove', { path });
        set({ removing: null });
        await Promise.all([get().refresh(), get().loadCatalog()]);
        return { deleted: result.deleted };
      } catch (error) {
        onError?.(error);
        set({ removing: null, removeError: { path, error: toSerialized(error) } });
        return null;
      }
    },

    async setMirror(mirror) {
      try {
        const result = await api.call('models.setMirror', { mirror });
        set({ mirror: result.mirror, mirrorError: null });
        try {
          storage?.setItem(mirrorKey, JSON.stringify(result.mirror));
        } catch {
          /* storage full or disabled: only this session remembers it */
        }
        return true;
      } catch (error) {
        onError?.(error);
        set({ mirrorError: toSerialized(error) });
        return false;
      }
    },

    clearImportError() {
      set({ importError: null });
    },

    async refreshAdapters() {
      try {
        set({ adapters: await api.call('train.adapters', {}), adaptersError: null });
      } catch (error) {
        onError?.(error);
        set({ adaptersError: toSerialized(error) });
      }
    },

    async importAdapter(rawPath, rawBase) {
      const path = rawPath.trim();
      const baseModelPath = rawBase.trim();
      if (!path || !baseModelPath || get().importingAdapter) return false;
      set({ importingAdapter: true, adapterImportError: null });
      try {
        await api.call('train.importAdapter', { path, baseModelPath });
        set({ importingAdapter: false });
        await get().refreshAdapters();
        return true;
      } catch (error) {
        onError?.(error);
        set({ importingAdapter: false, adapterImportError: toSerialized(error) });
        return false;
      }
    },

    async forgetAdapter(path) {
      try {
        await api.call('train.forgetAdapter', { path });
        await get().refreshAdapters();
        return true;
      } catch (error) {
        onError?.(error);
        set({ adaptersError: toSerialized(error) });
        return false;
      }
    },

    clearAdapterImportError() {
      set({ adapterImportError: null });
    },
  }));
}

export type ModelsStore = ReturnType<typeof createModelsStore>;
