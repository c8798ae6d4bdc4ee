/**
 * A file the user picked, as a path the services can open: the file's own path in Electron, the path of an uploaded
 * copy in a browser (`dianjin serve`). Shared by the stores that take a data file (fine-tuning, GRPO).
 */
import type { SerializedError } from '../contract';
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
