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


/** Turns passages into vectors (the inference process with the embedding model chosen in Settings). */
export interface Embedder {
  embed(texts: string[], signal?: AbortSignal): Promise<{ model: string; vectors: Float32Array[] }>;
}

export interface DocumentServiceOptions {
  index: DocumentIndex;
  /** The embedder to use now, or null for keyword search only (read at each call: Settings can change it). */
  embedder?: () => Embedder | null;
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
    const embedded = await this.embedDocument(added, options.signal, (done, total) => report('embedding', done, total, added.id));
    report('done', added.pageCount, added.pageCount, added.id);
    return embedded;
  }

  /**
   * Adds meaning-search vectors for a document when an embedding model is set. The document is already in the
   * library (keyword search works); a failure here leaves it keyword-only with a warning, never half-embedded.
   */
  private async embedDocument(doc: AddedDocument, signal: AbortSignal | undefined, onProgress: (done: number, total: number) => void): Promise<AddedDocument> {
    const embedder = this.options.embedder?.() ?? null;
    if (!embedder || doc.embedded) return doc;
    const texts = this.options.index.listChunks(doc.id).map((chunk) => chunk.text);
    const vectors: Float32Array[] = [];
    let model = '';
    try {
      for (let i = 0; i < texts.length; i += 16) {
        const batch = await embedder.embed(texts.slice(i, i + 16), signal);
        model = batch.model;
        vectors.push(...batch.vectors);
        onProgress(vectors.length, texts.length);
      }
      this.options.index.setEmbeddings(doc.id, vectors, model);
      return { ...this.options.index.getDocument(doc.id), duplicate: doc.duplicate };
    } catch (error) {
      if (signal?.aborted) {
        // Cancelling the batch removes the document being added: nothing half-done stays behind.
        this.options.index.removeDocument(doc.id);
        throw new AppError('CANCELLED', `Adding ${doc.fileName} was cancelled.`, { reason: 'cancelled', fileName: doc.fileName });
      }
      return { ...doc, warnings: [...doc.warnings, `meaning search is not available for this document: ${serializeError(error).message}`] };
    }
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

  /** Gives meaning-search vectors to every document that has none (after an embedding model was set or changed). */
  async embedMissing(options: { signal?: AbortSignal; onProgress?: (progress: IngestProgress) => void } = {}): Promise<{ embedded: number; failed: number }> {
    if (!this.options.embedder?.()) throw new AppError('INVALID_INPUT', 'No embedding model is set. Choose a GGUF embedding model in Settings first.');
    let embedded = 0;
    let failed = 0;
    for (const doc of this.list().filter((d) => !d.embedded)) {
      if (options.signal?.aborted) break;
      const report = (done: number, total: number | null, phase: IngestProgress['phase'] = 'embedding') =>
        options.onProgress?.({ documentId: doc.id, fileName: doc.fileName, phase, pagesDone: done, pagesTotal: total });
      report(0, null);
      const result = await this.embedDocument({ ...doc, duplicate: false }, options.signal, (done, total) => report(done, total)).catch(() => null);
      if (result?.embedded) embedded++;
      else failed++;
      report(result?.pageCount ?? 0, result?.pageCount ?? null, result?.embedded ? 'done' : 'failed');
    }
    return { embedded, failed };
  }

  /** Forgets every vector (the embedding model changed: old and new vectors are not comparable). */
  resetEmbeddings(): void {
    this.options.index.resetEmbeddings();
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

  /** Hybrid (keyword + meaning) when an embedding model is set and has indexed the documents; else keyword (the result says which). */
  async search(query: string, options: { top?: number; documentIds?: string[] } = {}): Promise<SearchResult> {
    const embedder = this.options.embedder?.() ?? null;
    const info = this.options.index.embeddingInfo();
    let vector: Float32Array | null = null;
    if (embedder && info) {
      const { model, vectors } = await embedder.embed([query]);
      // Vectors from another model than the library's are not comparable: search by keyword then.
      if (model === info.model && vectors[0]?.length === info.dimension) vector = vectors[0] ?? null;
    }
    const started = performance.now();
    const result = this.options.index.searchHybrid(query, vector, options);
    return { ...result, tookMs: result.tookMs + (vector ? performance.now() - started - result.tookMs : 0) };
  }
}
