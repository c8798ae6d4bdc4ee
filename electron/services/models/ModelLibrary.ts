/**
 * The models the app knows about beyond the models folder: imported GGUFs (recorded by path, never copied) and
 * downloads, plus the download mirror. Kept in `<dataDir>/model-library.json` (read-modify-write, renamed into place)
 * so the CLI and the app share it without a schema migration.
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import type { KnownModel, MirrorChoice } from '../../shared/models';
import type { TrainedAdapter } from '../../shared/training';
import { partialOf } from './downloads/DownloadManager';

interface LibraryFile {
  version: 1;
  mirror: MirrorChoice;
  known: KnownModel[];
  /** LoRA adapters trained here (fine-tuning), each with its base model; absent in files from before fine-tuning. */
  adapters?: TrainedAdapter[];
}

export interface RemoveResult {
  path: string;
  /** True when the file itself was deleted (it was in the models folder or downloaded by the app). */
  deleted: boolean;
  /** True when it was in the list of known models. */
  forgotten: boolean;
}

export class ModelLibrary {
  constructor(
    private readonly file: string,
    private readonly modelsDir: string,
  ) {}

  get mirror(): MirrorChoice {
    return this.read().mirror;
  }

  setMirror(mirror: MirrorChoice): MirrorChoice {
    this.write({ ...this.read(), mirror });
    return mirror;
  }

  known(): KnownModel[] {
    return this.read().known;
  }

  /** Records a model by path (no copy). Validate it first (ModelService.inspect). */
  add(filePath: string, origin: KnownModel['origin'], catalogId?: string): KnownModel {
    const resolved = path.resolve(filePath);
    const data = this.read();
    const entry: KnownModel = { path: resolved, origin, addedAt: new Date().toISOString(), ...(catalogId ? { catalogId } : {}) };
    this.write({ ...data, known: [...data.known.filter((k) => k.path !== resolved), entry] });
    return entry;
  }

  /** Trained adapters, newest first. */
  adapters(): TrainedAdapter[] {
    return [...(this.read().adapters ?? [])].sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Records an adapter a fine-tuning job wrote or the user imported (the same path again replaces the entry). */
  addAdapter(adapter: TrainedAdapter): TrainedAdapter {
    const data = this.read();
    const entry = { ...adapter, path: path.resolve(adapter.path) };
    this.write({ ...data, adapters: [...(data.adapters ?? []).filter((a) => a.path !== entry.path), entry] });
    return entry;
  }

  /** Forgets an adapter (the file stays). False when none was recorded at that path. */
  forgetAdapter(filePath: string): boolean {
    const data = this.read();
    const resolved = path.resolve(filePath);
    const adapters = data.adapters ?? [];
    if (!adapters.some((a) => a.path === resolved)) return false;
    this.write({ ...data, adapters: adapters.filter((a) => a.path !== resolved) });
    return true;
  }

  /** Whether removing this path deletes the file (inside the models folder, or downloaded by the app). */
  deletesFile(filePath: string): boolean {
    const resolved = path.resolve(filePath);
    const known = this.read().known.find((k) => k.path === resolved);
    return isInside(resolved, this.modelsDir) || known?.origin === 'downloaded';
  }

  /** Forgets the model; deletes the file only when it is the app's to delete (see deletesFile). */
  async remove(filePath: string): Promise<RemoveResult> {
    const resolved = path.resolve(filePath);
    const data = this.read();
    const forgotten = data.known.some((k) => k.path === resolved);
    const deletes = this.deletesFile(resolved);
    if (!forgotten && !deletes) throw new AppError('MODEL_FILE_NOT_FOUND', `${resolved} is not in the model library; nothing was removed.`, { path: resolved });
    let deleted = false;
    if (deletes) {
      deleted = await rm(resolved).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return false;
          throw new AppError('INTERNAL', `${resolved} could not be deleted (${error.code ?? error.message}). Close programs using it and try again.`);
        },
      );
      await rm(partialOf(resolved), { force: true });
    }
    if (!deleted && !forgotten) throw new AppError('MODEL_FILE_NOT_FOUND', `No file at ${resolved}; nothing was removed.`, { path: resolved });
    this.write({ ...data, known: data.known.filter((k) => k.path !== resolved) });
    return { path: resolved, deleted, forgotten };
  }

  private read(): LibraryFile {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<LibraryFile>;
      return {
        version: 1,
        mirror: parsed.mirror ?? 'huggingface',
        known: Array.isArray(parsed.known) ? parsed.known : [],
        ...(Array.isArray(parsed.adapters) ? { adapters: parsed.adapters } : {}),
      };
    } catch {
      return { version: 1, mirror: 'huggingface', known: [] };
    }
  }

  private write(data: LibraryFile): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2));
    renameSync(tmp, this.file);
  }
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(path.resolve(dir), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
