/**
 * A file the user picked, as a path the services can open: the file's own path in Electron, the path of an uploaded
 * copy in a browser (`dianjin serve`). Shared by the stores that take a data file (fine-tuning, GRPO).
 */
import type { ApiClient, SerializedError } from '../contract';
import type { UploadFile } from '../api/uploads';
import { clientErrorKind } from '../api/clientErrors';
import { toSerialized } from './errors';

export interface ServerFileDeps {
  upload?: UploadFile | undefined;
  pathForFile?: ((file: File) => string) | undefined;
  onError?: ((error: unknown) => void) | undefined;
}

/** The upload state such a store keeps beside its chosen file. */
export interface UploadState {
  uploading: boolean;
  uploadError: SerializedError | null;
}

/**
 * Uploads the file when there is an upload (browser), else takes its path (Electron), then hands the path to
 * `choose`. A failed upload lands in `uploadError` (and is reported unless the user cancelled it).
 */
export async function pickServerFile(file: File, deps: ServerFileDeps, set: (patch: Partial<UploadState>) => void, choose: (path: string) => void): Promise<void> {
  set({ uploadError: null });
  if (!deps.upload) {
    if (deps.pathForFile) choose(deps.pathForFile(file));
    return;
  }
  set({ uploading: true });
  try {
    const uploaded = await deps.upload(file);
    if (!uploaded.ok) throw uploaded.error;
    choose(uploaded.value.path);
  } catch (error) {
    const serialized = toSerialized(error);
    if (clientErrorKind(serialized) !== 'cancelled') deps.onError?.(error);
    set({ uploadError: serialized });
  } finally {
    set({ uploading: false });
  }
}

/** What a store that takes a data file is created with (fine-tuning, GRPO). */
export interface DataFileStoreDeps {
  api: ApiClient;
  onError?: (error: unknown) => void;
  /** Browser: uploads a file to the server; absent in Electron (files go by path). */
  upload?: UploadFile;
  /** Electron: a picked File's path. */
  pathForFile?: (file: File) => string;
}

/** A chosen path with the name to show (the file's own, else the path's last part), or null for a blank path. */
export function chosenFile(path: string, fileName?: string): { path: string; fileName: string } | null {
  const clean = path.trim();
  if (!clean) return null;
  return { path: clean, fileName: fileName ?? clean.split(/[\\/]/).pop() ?? clean };
}
