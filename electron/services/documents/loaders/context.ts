/** What a format loader gets besides the bytes. */
export interface LoadContext {
  fileName: string;
  /** Reject documents with more pages (sheets) than this. */
  maxPages: number;
  onProgress?(pagesDone: number, pagesTotal: number): void;
  /** Checked between pages when a loader runs in-process. */
  signal?: AbortSignal;
}
