/** Sending several files to `dianjin serve` (browser), one after the other; see httpTransport's `upload`. */
import type { Envelope } from '../contract';
import type { UploadedFile } from './httpTransport';
import { clientError, failed } from './clientErrors';

export interface UploadFilesOptions {
  signal?: AbortSignal;
  /** Per file (by its index in `files`): bytes sent and in all. */
  onProgress?: (index: number, sentBytes: number, totalBytes: number) => void;
  /** Per file, as soon as its upload ended (ok or not). */
  onUploaded?: (index: number, result: Envelope<UploadedFile>) => void;
}

/** Uploads one file; never rejects (the envelope says what happened). */
export type UploadFile = (file: File, options?: { signal?: AbortSignal; onProgress?: (sentBytes: number, totalBytes: number) => void }) => Promise<Envelope<UploadedFile>>;

/**
 * Uploads files one after the other (so progress reads in order and one bad file does not stop the rest); the result
 * has one envelope per file, in order. After a cancel the files not yet sent end as cancelled.
 */
export async function uploadEach(upload: UploadFile, files: readonly File[], options: UploadFilesOptions = {}): Promise<Envelope<UploadedFile>[]> {
  const results: Envelope<UploadedFile>[] = [];
  for (const [index, file] of files.entries()) {
    if (options.signal?.aborted) {
      const cancelled = failed(clientError('cancelled', `The upload of ${file.name} was cancelled.`));
      results.push(cancelled);
      options.onUploaded?.(index, cancelled);
      continue;
    }
    const result = await upload(file, {
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (sent, total) => options.onProgress?.(index, sent, total),
    });
    results.push(result);
    options.onUploaded?.(index, result);
  }
  return results;
}
