/**
 * The local model files: the models folder, validation before loading, and getting the chosen model loaded in the
 * inference process (once, even when several requests ask for it at the same time).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import type { LoadedModelInfo, ModelFileInfo } from '../../shared/api';
import type { LoadSettings } from '../../shared/records';
import type { InferenceHost } from '../inference/InferenceHost';
import { assertFitsMemory, hashFile, inspectModelFile, type InspectedModel } from './inspectModel';
import { inspectLoraAdapter } from './inspectLora';

export interface ModelServiceOptions {
  modelsDir: string;
  host: InferenceHost;
  /** Memory the model may use; defaults to the machine's total memory. */
  totalMemoryBytes?: number;
}

export class ModelService {
  private readonly hashes = new Map<string, Promise<string>>();
  private loading: { key: string; promise: Promise<LoadedModelInfo> } | null = null;

  constructor(private readonly options: ModelServiceOptions) {}

  get modelsDir(): string {
    return this.options.modelsDir;
  }

  inspect(filePath: string, contextSize: number): Promise<InspectedModel> {
    return inspectModelFile(filePath, { contextSize });
  }

  /** Valid GGUF files in the models folder (and `extra` paths such as the selected model), sorted by name. */
  async list(contextSize: number, extra: (string | null)[] = []): Promise<ModelFileInfo[]> {
    // A missing models folder simply has no models.
    const names = (await readdir(this.options.modelsDir).catch(() => [] as string[])).filter((name) => name.toLowerCase().endsWith('.gguf'));
    const paths = new Set([...names.map((name) => path.join(this.options.modelsDir, name)), ...extra.filter((p): p is string => !!p).map((p) => path.resolve(p))]);
    const results = await Promise.all(
      [...paths].map((p) =>
        inspectModelFile(p, { contextSize }).then(
          ({ modelBytes: _modelBytes, ...info }) => info,
          () => null,
        ),
      ),
    );
    return results.filter((info): info is ModelFileInfo => info !== null).sort((a, b) => a.fileName.localeCompare(b.fileName));
  }

  /** SHA-256 of a model file, computed once per file version in the background. */
  hash(filePath: string): Promise<string> {
    const key = filePath;
    const cached = this.hashes.get(key);
    if (cached) return cached;
    const promise = stat(filePath).then(async (before) => {
      const digest = await hashFile(filePath);
      const after = await stat(filePath);
      if (after.mtimeMs !== before.mtimeMs || after.size !== before.size) this.hashes.delete(key);
      return digest;
    });
    promise.catch(() => this.hashes.delete(key));
    this.hashes.set(key, promise);
    return promise;
  }

  /** Validates the file and loads it unless it is already the loaded model with the same settings. */
  async ensureLoaded(filePath: string, requested: LoadSettings): Promise<LoadedModelInfo> {
    const resolved = path.resolve(filePath);
    // The LoRA adapter is part of what is loaded: another adapter, scale or none reloads the model.
    const load: LoadSettings = { ...requested, lora: requested.lora ? { path: path.resolve(requested.lora.path), scale: requested.lora.scale } : null };
    const key = JSON.stringify([resolved, load]);
    const { host } = this.options;
    if (this.loading?.key === key) return this.loading.promise;
    if (host.status.state === 'ready' && host.status.model?.path === resolved && this.loadedKey === key) return host.status.model;
    if ((host.status.state === 'restarting' || host.status.state === 'starting') && this.loadedKey === key) {
      throw new AppError('INFERENCE_UNAVAILABLE', 'The inference process is restarting and reloading the model. Try again in a moment.');
    }
    const promise = (async () => {
      const inspected = await this.inspect(resolved, load.contextSize);
      assertFitsMemory(inspected, this.options.totalMemoryBytes);
      if (load.lora) await inspectLoraAdapter(load.lora.path, resolved);
      const model = await host.load(resolved, load, null);
      this.loadedKey = key;
      void this.hash(resolved).then(
        (sha256) => host.setModelHash(resolved, sha256),
        () => undefined,
      );
      return model;
    })();
    this.loading = { key, promise };
    try {
      return await promise;
    } finally {
      if (this.loading?.promise === promise) this.loading = null;
    }
  }

  private loadedKey: string | null = null;
}
