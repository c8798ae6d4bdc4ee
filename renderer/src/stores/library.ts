/**
 * The report library: its documents, adding files (uploads in the browser, then `docs.add` with per-page progress),
 * search, and the page view that search hits and citations open.
 *
 * Ingest progress can come once a page; chunks are queued and applied once a frame, so a 500-page report costs a
 * few dozen store updates, not 500. Building the meaning index (`docs.embed`) reports per chunk and is batched alike.
 */
import { createStore } from 'zustand/vanilla';
import type { ApiClient } from '../contract';
import type { DocumentPageView, DocumentSummary, IngestBatchResult, IngestProgress, SearchResult } from '../contract';
import type { SerializedError } from '../contract';
import type { UploadFile } from '../api/uploads';
import { uploadEach } from '../api/uploads';
import { clientErrorKind } from '../api/clientErrors';
import { animationFrameScheduler, type FrameScheduler } from '../lib/deltaBatcher';
import { createFrameQueue } from '../lib/frameQueue';
import { baseName } from '../lib/format';
import { toSerialized } from './errors';
import { applyEmbedProgress, documentsToEmbed, finishEmbedRows, idleMeaningIndex, waitingRows, type MeaningIndexState } from './meaningIndex';

/** A row's phase: the server's ingest phases, plus the browser's upload and the wait for its turn. */
export type IngestRowPhase = 'uploading' | 'waiting' | IngestProgress['phase'];

export interface IngestRow {
  key: string;
  batch: number;
  fileName: string;
  phase: IngestRowPhase;
  pagesDone: number;
  pagesTotal: number | null;
  /** Upload progress, 0..1 (browser only). */
  uploaded: number | null;
  /** The document it became (when done). */
  document: (DocumentSummary & { duplicate: boolean }) | null;
  error: SerializedError | null;
}

export interface SearchState {
  query: string;
  status: 'idle' | 'searching' | 'ready' | 'error';
  result: SearchResult | null;
  error: SerializedError | null;
}

/** The passage to highlight in the page view: a cited or found chunk. */
export interface PagePassage {
  page: number;
  text: string;
  tableIndex: number | null;
}

export interface PageViewState {
  documentId: string;
  fileName: string;
  page: number;
  /** Pages in the document (for prev/next); null until known. */
  pageCount: number | null;
  status: 'loading' | 'ready' | 'error';
  data: DocumentPageView | null;
  error: SerializedError | null;
  passage: PagePassage | null;
}

export interface OpenPageTarget {
  documentId: string;
  fileName: string;
  page: number;
  /** The chunk to highlight on that page. */
  passage?: { text: string; tableIndex: number | null };
}

export interface LibraryState {
  documents: DocumentSummary[];
  listStatus: 'idle' | 'loading' | 'ready' | 'error';
  listError: SerializedError | null;
  /** Files being added (and those of earlier batches, until cleared). */
  ingest: IngestRow[];
  /** Batches still running. */
  ingesting: number;
  removeError: SerializedError | null;
  search: SearchState;
  pageView: PageViewState | null;
  /** Building meaning-search vectors for the documents that have none. */
  meaningIndex: MeaningIndexState;

  refresh(): Promise<void>;
  /** Electron: files by path. */
  addPaths(paths: string[]): Promise<void>;
  /** Browser: uploads the files first (without an upload, their paths are asked of the host). */
  addFiles(files: File[]): Promise<void>;
  /** Cancels every running batch (files already added stay). */
  cancelIngest(): void;
  /** Removes the finished rows. */
  clearIngest(): void;
  remove(id: string): Promise<boolean>;
  /** Runs `docs.embed` with a progress row per document; the list is refreshed when it ends. */
  buildMeaningIndex(): Promise<void>;
  cancelMeaningIndex(): void;
  /** Hides the rows of a finished run. */
  clearMeaningIndex(): void;
  runSearch(query: string): Promise<void>;
  /** Runs the current query again (the search mode may have changed); nothing when there is none. */
  searchAgain(): Promise<void>;
  clearSearch(): void;
  openPage(target: OpenPageTarget): Promise<void>;
  showPage(page: number): Promise<void>;
  closePage(): void;
}

export interface LibraryStoreDeps {
  api: ApiClient;
  /** Browser: uploads one file to the server; absent in Electron (files go by path). */
  upload?: UploadFile;
  /** Electron: a dropped or picked File's path. */
  pathForFile?: (file: File) => string;
  onError?: (error: unknown) => void;
  scheduler?: FrameScheduler;
  /** Search results asked for; the hits list is virtualised. Defaults to 50. */
  searchTop?: number;
}

export const finishedPhases: readonly IngestRowPhase[] = ['done', 'failed', 'cancelled'];
export const isFinished = (row: Pick<IngestRow, 'phase'>) => finishedPhases.includes(row.phase);

function sortByAdded(documents: DocumentSummary[]): DocumentSummary[] {
  return [...documents].sort((a, b) => b.createdAt - a.createdAt);
}

function cancelledError(): SerializedError {
  return { code: 'CANCELLED', message: 'Cancelled.' };
}

/**
 * Applies progress chunks of one batch to its rows. The server works through the paths in order and names each
 * chunk's file, so a chunk belongs to the row at the cursor or, when it moved on, to the next row with that name.
 */
export function applyProgress(rows: IngestRow[], batchKeys: readonly string[], cursor: { at: number }, chunks: readonly IngestProgress[]): IngestRow[] {
  if (chunks.length === 0) return rows;
  const byKey = new Map(rows.map((row, index) => [row.key, index]));
  const next = rows.slice();
  for (const chunk of chunks) {
    let at = cursor.at;
    while (at < batchKeys.length && next[byKey.get(batchKeys[at]!)!]!.fileName !== chunk.fileName) at++;
    if (at >= batchKeys.length) continue;
    cursor.at = at;
    const index = byKey.get(batchKeys[at]!)!;
    const row = next[index]!;
    if (isFinished(row)) continue;
    next[index] = {
      ...row,
      phase: chunk.phase,
      pagesDone: chunk.pagesDone,
      pagesTotal: chunk.pagesTotal ?? row.pagesTotal,
    };
  }
  return next;
}

/** The batch's result on its rows: `paths[i]` was sent for `keys[i]`; `added` follows the paths that did not fail. */
export function applyBatchResult(rows: IngestRow[], keys: readonly string[], paths: readonly string[], result: IngestBatchResult): IngestRow[] {
  const failed = new Map(result.failed.map((f) => [f.path, f]));
  const next = rows.slice();
  const byKey = new Map(rows.map((row, index) => [row.key, index]));
  let added = 0;
  paths.forEach((path, i) => {
    const index = byKey.get(keys[i]!);
    if (index === undefined) return;
    const row = next[index]!;
    const failure = failed.get(path);
    if (failure) {
      const cancelled = failure.error.code === 'CANCELLED';
      next[index] = { ...row, phase: cancelled ? 'cancelled' : 'failed', error: toSerialized(failure.error) };
      return;
    }
    const document = result.added[added];
    if (document) {
      added++;
      next[index] = { ...row, phase: 'done', pagesDone: document.pageCount, pagesTotal: document.pageCount, document, error: null };
    } else {
      next[index] = { ...row, phase: 'cancelled', error: cancelledError() };
    }
  });
  return next;
}

export function createLibraryStore({ api, upload, pathForFile, onError, scheduler = animationFrameScheduler, searchTop = 50 }: LibraryStoreDeps) {
  const controllers = new Set<AbortController>();
  let nextBatch = 1;
  let searchToken = 0;
  let pageToken = 0;
  let listToken = 0;
  let embedController: AbortController | null = null;

  return createStore<LibraryState>()((set, get) => {
    function updateRows(keys: ReadonlySet<string>, update: (row: IngestRow) => IngestRow) {
      set({ ingest: get().ingest.map((row) => (keys.has(row.key) ? update(row) : row)) });
    }

    /** Progress chunks queued for the next frame, per batch. */
    function progressQueue(keys: readonly string[]) {
      const cursor = { at: 0 };
      return createFrameQueue<IngestProgress>((chunks) => set({ ingest: applyProgress(get().ingest, keys, cursor, chunks) }), scheduler);
    }

    /** Runs `docs.add` for rows that have a server-side path. */
    async function ingestPaths(batch: number, keys: string[], paths: string[], controller: AbortController) {
      if (paths.length === 0) return;
      const queue = progressQueue(keys);
      try {
        const result = await api.stream('docs.add', { paths }, { signal: controller.signal, onChunk: (chunk) => queue.push(chunk) });
        queue.flush();
        set({ ingest: applyBatchResult(get().ingest, keys, paths, result) });
      } catch (error) {
        queue.flush();
        const serialized = toSerialized(error);
        const cancelled = controller.signal.aborted || serialized.code === 'CANCELLED' || clientErrorKind(serialized) === 'cancelled';
        if (!cancelled) onError?.(error);
        const open = new Set(keys);
        updateRows(open, (row) => (row.batch !== batch || isFinished(row) ? row : { ...row, phase: cancelled ? 'cancelled' : 'failed', error: cancelled ? cancelledError() : serialized }));
      }
    }

    async function runBatch(rows: IngestRow[], prepare: (controller: AbortController) => Promise<{ keys: string[]; paths: string[] }>) {
      const controller = new AbortController();
      controllers.add(controller);
      set({ ingest: [...get().ingest, ...rows], ingesting: get().ingesting + 1 });
      try {
        const { keys, paths } = await prepare(controller);
        if (controller.signal.aborted) {
          const open = new Set(keys);
          updateRows(open, (row) => (isFinished(row) ? row : { ...row, phase: 'cancelled', error: cancelledError() }));
        } else {
          await ingestPaths(rows[0]!.batch, keys, paths, controller);
        }
      } finally {
        controllers.delete(controller);
        set({ ingesting: Math.max(0, get().ingesting - 1) });
        void get().refresh();
      }
    }

    function newRows(names: string[], phase: IngestRowPhase): IngestRow[] {
      const batch = nextBatch++;
      return names.map((fileName, i) => ({
        key: `${batch}:${i}`,
        batch,
        fileName,
        phase,
        pagesDone: 0,
        pagesTotal: null,
        uploaded: phase === 'uploading' ? 0 : null,
        document: null,
        error: null,
      }));
    }

    return {
      documents: [],
      listStatus: 'idle',
      listError: null,
      ingest: [],
      ingesting: 0,
      removeError: null,
      search: { query: '', status: 'idle', result: null, error: null },
      pageView: null,
      meaningIndex: idleMeaningIndex,

      async refresh() {
        // Refreshes overlap (an add ends, and its documents.changed event comes): the latest one's answer wins.
        const token = ++listToken;
        if (get().listStatus === 'idle') set({ listStatus: 'loading' });
        try {
          const documents = await api.call('docs.list', {});
          if (token !== listToken) return;
          set({ documents: sortByAdded(documents), listStatus: 'ready', listError: null });
        } catch (error) {
          onError?.(error);
          if (token !== listToken) return;
          set({ listStatus: get().documents.length > 0 ? 'ready' : 'error', listError: toSerialized(error) });
        }
      },

      async addPaths(paths) {
        const clean = paths.map((p) => p.trim()).filter(Boolean);
        if (clean.length === 0) return;
        const rows = newRows(clean.map(baseName), 'waiting');
        await runBatch(rows, async () => ({ keys: rows.map((r) => r.key), paths: clean }));
      },

      async addFiles(files) {
        if (files.length === 0) return;
        if (!upload) {
          if (pathForFile) await get().addPaths(files.map((file) => pathForFile(file)));
          return;
        }
        const rows = newRows(
          files.map((f) => f.name),
          'uploading',
        );
        await runBatch(rows, async (controller) => {
          const sent: { key: string; path: string }[] = [];
          // Upload progress is per file and arrives often: only whole percents are stored.
          const lastPercent = new Map<number, number>();
          await uploadEach(upload, files, {
            signal: controller.signal,
            onProgress(index, sentBytes, totalBytes) {
              const percent = totalBytes > 0 ? Math.floor((sentBytes / totalBytes) * 100) : 0;
              if (lastPercent.get(index) === percent) return;
              lastPercent.set(index, percent);
              updateRows(new Set([rows[index]!.key]), (row) => ({ ...row, uploaded: percent / 100 }));
            },
            onUploaded(index, result) {
              const key = rows[index]!.key;
              if (result.ok) {
                sent.push({ key, path: result.value.path });
                // The server names the file from the upload (sanitised): progress chunks use that name.
                updateRows(new Set([key]), (row) => ({ ...row, phase: 'waiting', uploaded: 1, fileName: baseName(result.value.path) }));
              } else {
                const cancelled = clientErrorKind(result.error) === 'cancelled' || result.error.code === 'CANCELLED';
                if (!cancelled) onError?.(result.error);
                updateRows(new Set([key]), (row) => ({ ...row, phase: cancelled ? 'cancelled' : 'failed', error: cancelled ? cancelledError() : result.error }));
              }
            },
          });
          return { keys: sent.map((s) => s.key), paths: sent.map((s) => s.path) };
        });
      },

      cancelIngest() {
        for (const controller of controllers) controller.abort();
      },

      clearIngest() {
        set({ ingest: get().ingest.filter((row) => !isFinished(row)) });
      },

      async remove(id) {
        try {
          await api.call('docs.remove', { id });
          const { search, pageView } = get();
          set({
            documents: get().documents.filter((d) => d.id !== id),
            removeError: null,
            // Hits and a page view of the removed document would now lead nowhere.
            search: search.result ? { ...search, result: { ...search.result, hits: search.result.hits.filter((h) => h.documentId !== id) } } : search,
            pageView: pageView?.documentId === id ? null : pageView,
          });
          return true;
        } catch (error) {
          onError?.(error);
          set({ removeError: toSerialized(error) });
          return false;
        }
      },

      async buildMeaningIndex() {
        if (embedController) return;
        const controller = new AbortController();
        embedController = controller;
        // The server embeds in the order it lists documents, newest first, as the list here is sorted.
        const missing = documentsToEmbed(get().documents);
        set({ meaningIndex: { status: 'running', rows: waitingRows(missing), result: null, error: null } });
        const queue = createFrameQueue<IngestProgress>((chunks) => {
          if (chunks.length > 0) set({ meaningIndex: { ...get().meaningIndex, rows: applyEmbedProgress(get().meaningIndex.rows, chunks) } });
        }, scheduler);
        try {
          const result = await api.stream('docs.embed', {}, { signal: controller.signal, onChunk: (chunk) => queue.push(chunk) });
          queue.flush();
          const outcome = controller.signal.aborted ? 'cancelled' : 'done';
          set({ meaningIndex: { status: outcome, rows: finishEmbedRows(get().meaningIndex.rows, outcome), result, error: null } });
        } catch (error) {
          queue.flush();
          const serialized = toSerialized(error);
          const cancelled = controller.signal.aborted || serialized.code === 'CANCELLED' || clientErrorKind(serialized) === 'cancelled';
          if (!cancelled) onError?.(error);
          const rows = finishEmbedRows(get().meaningIndex.rows, cancelled ? 'cancelled' : 'failed', cancelled ? null : serialized);
          set({ meaningIndex: { status: cancelled ? 'cancelled' : 'failed', rows, result: null, error: cancelled ? null : serialized } });
        } finally {
          embedController = null;
          void get().refresh();
          // Results on screen were found without these vectors: search again, now by meaning too.
          void get().searchAgain();
        }
      },

      cancelMeaningIndex() {
        embedController?.abort();
      },

      clearMeaningIndex() {
        if (get().meaningIndex.status !== 'running') set({ meaningIndex: idleMeaningIndex });
      },

      async runSearch(rawQuery) {
        const query = rawQuery.trim();
        const token = ++searchToken;
        if (!query) {
          set({ search: { query: '', status: 'idle', result: null, error: null } });
          return;
        }
        set({ search: { ...get().search, query, status: 'searching', error: null } });
        try {
          const result = await api.call('docs.search', { query, top: searchTop });
          if (token !== searchToken) return;
          set({ search: { query, status: 'ready', result, error: null } });
        } catch (error) {
          onError?.(error);
          if (token !== searchToken) return;
          set({ search: { query, status: 'error', result: null, error: toSerialized(error) } });
        }
      },

      async searchAgain() {
        const { query } = get().search;
        if (query) await get().runSearch(query);
      },

      clearSearch() {
        searchToken++;
        set({ search: { query: '', status: 'idle', result: null, error: null } });
      },

      async openPage({ documentId, fileName, page, passage }) {
        const known = get().documents.find((d) => d.id === documentId);
        set({
          pageView: {
            documentId,
            fileName: known?.fileName ?? fileName,
            page,
            pageCount: known?.pageCount ?? null,
            status: 'loading',
            data: null,
            error: null,
            passage: passage ? { page, text: passage.text, tableIndex: passage.tableIndex } : null,
          },
        });
        if (!known) {
          // Opened from a citation before the library was listed: its page count comes with the document.
          api.call('docs.get', { id: documentId }).then(
            (doc) => {
              const view = get().pageView;
              if (view?.documentId === documentId) set({ pageView: { ...view, pageCount: doc.pageCount, fileName: doc.fileName } });
            },
            () => {},
          );
        }
        await get().showPage(page);
      },

      async showPage(page) {
        const view = get().pageView;
        if (!view) return;
        const token = ++pageToken;
        set({ pageView: { ...view, page, status: 'loading', error: null } });
        try {
          const data = await api.call('docs.page', { id: view.documentId, page });
          if (token !== pageToken || get().pageView?.documentId !== view.documentId) return;
          set({ pageView: { ...get().pageView!, status: 'ready', data, error: null } });
        } catch (error) {
          onError?.(error);
          if (token !== pageToken || !get().pageView) return;
          set({ pageView: { ...get().pageView!, status: 'error', data: null, error: toSerialized(error) } });
        }
      },

      closePage() {
        pageToken++;
        set({ pageView: null });
      },
    };
  });
}

export type LibraryStore = ReturnType<typeof createLibraryStore>;
