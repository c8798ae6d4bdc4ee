/**
 * The report library: ingest files (loader in a worker → one all-or-nothing index transaction), list, page view,
 * search, remove. A batch goes on past a bad file; each failure keeps its specific error.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { DocumentPageView, DocumentSummary, IngestBatchResult, IngestProgress, SearchResult } from '../../shared/documents';
import { AppError, serializeError } from '../../shared/errors';
import { loadDocument } from './loaders';
import type { AddedDocument, DocumentIndex } from '../retrieval';


export interface DocumentServiceOptions {
  index: DocumentIndex;
  /** Worker entry for the loaders; defaults to the one beside the running bundle (see loaders/loadDocument.ts). */
  loaderWorkerPath?: string;
}

async function sha256Of(filePath: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(filePath, signal ? { signal } : {})) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class DocumentService {
  constructor(private readonly options: DocumentServiceOptions) {}

  get index(): DocumentIndex {
    return this.options.index;
  }

  /** Adds one file. Throws AppError with a DOCUMENT_* code (or CANCELLED); nothing is written on failure. */
  async ingest(filePath: string, options: { signal?: AbortSignal; onProgress?: (progress: IngestProgress) => void } = {}): Promise<AddedDocument> {
    const resolved = path.resolve(filePath);
    const fileName = path.basename(resolved);
    const report = (phase: IngestProgress['phase'], pagesDone = 0, pagesTotal: number | null = null, documentId: string | null = null) =>
      options.onProgress?.({ documentId, fileName, phase, pagesDone, pagesTotal });
    const info = await stat(resolved).catch(() => null);
    if (!info) throw new AppError('DOCUMENT_UNREADABLE', `No file at ${resolved}.`, { reason: 'unreadable', fileName });
    if (!info.isFile()) throw new AppError('DOCUMENT_UNSUPPORTED', `${resolved} is a folder; add the files inside it.`, { reason: 'unsupported', fileName });
    report('reading');
    const sha256 = await sha256Of(resolved, options.signal).catch((error: unknown) => {
      if (options.signal?.aborted) throw new AppError('CANCELLED', `Adding ${fileName} was cancelled.`, { reason: 'cancelled', fileName });
      throw new AppError('DOCUMENT_UNREADABLE', `${fileName} could not be read: ${(error as Error).message}`, { reason: 'unreadable', fileName });
    });
    const existing = this.options.index.listDocuments().find((d) => d.sha256 === sha256);
    if (existing) {
      report('done', existing.pageCount, existing.pageCount, existing.id);
      return { ...existing, duplicate: true };
    }
    report('parsing');
    const parsed = await loadDocument(resolved, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(this.options.loaderWorkerPath ? { workerPath: this.options.loaderWorkerPath } : {}),
      onProgress: (done, total) => report('parsing', done, total),
    });
    if (options.signal?.aborted) throw new AppError('CANCELLED', `Adding ${fileName} was cancelled.`, { reason: 'cancelled', fileName });
    report('indexing', parsed.pages.length, parsed.pages.length);
    const added = this.options.index.addDocument({ fileName, sizeBytes: info.size, sha256 }, parsed);
    report('done', added.pageCount, added.pageCount, added.id);
    return added;
  }

  /** Adds several files; a failure is recorded and the rest still go in. Cancelling stops before the next file. */
  async ingestMany(paths: string[], options: { signal?: AbortSignal; onProgress?: (progress: IngestProgress) => void } = {}): Promise<IngestBatchResult> {
    const result: IngestBatchResult = { added: [], failed: [], cancelled: false };
    for (const filePath of paths) {
      if (options.signal?.aborted) {
        result.cancelled = true;
        break;
      }
      try {
        result.added.push(await this.ingest(filePath, options));
      } catch (error) {
        const serialized = serializeError(error);
        if (serialized.code === 'CANCELLED') result.cancelled = true;
        options.onProgress?.({ documentId: null, fileName: path.basename(filePath), phase: serialized.code === 'CANCELLED' ? 'cancelled' : 'failed', pagesDone: 0, pagesTotal: null });
        result.failed.push({ path: filePath, fileName: path.basename(filePath), error: serialized });
      }
    }
    return result;
  }

  list(): DocumentSummary[] {
    return this.options.index.listDocuments();
  }

  get(id: string): DocumentSummary {
    return this.options.index.getDocument(id);
  }

  page(id: string, page: number): DocumentPageView {
    return this.options.index.getPage(id, page);
  }

  remove(id: string): void {
    this.options.index.removeDocument(id);
  }

  /** Keyword search now; hybrid once an embedding model indexes the library (the result says which). */
  search(query: string, options: { top?: number; documentIds?: string[] } = {}): SearchResult {
    return this.options.index.searchHybrid(query, null, options);
  }
}
