/**
 * Building the meaning (vector) index of the library with `docs.embed`: one progress row per document, in the same
 * shape as the rows of files being added, so the Library and Settings show them alike.
 */
import type { DocumentSummary, IngestProgress } from '../contract';
import type { SerializedError } from '../contract';
import type { IngestRow } from './library';

// Not library.ts's isFinished: this module is imported by it, and a type-only import keeps the two acyclic.
const isFinished = (row: IngestRow) => row.phase === 'done' || row.phase === 'failed' || row.phase === 'cancelled';

export interface MeaningIndexState {
  status: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
  /** One row per document, keyed by its id; chunk counts in pagesDone/pagesTotal while embedding. */
  rows: IngestRow[];
  /** What the server reported when the run finished. */
  result: { embedded: number; failed: number } | null;
  /** Why the run as a whole failed (no embedding model, connection lost…). */
  error: SerializedError | null;
}

export const idleMeaningIndex: MeaningIndexState = { status: 'idle', rows: [], result: null, error: null };

/** Documents meaning search does not cover yet. */
export function documentsToEmbed(documents: readonly DocumentSummary[]): DocumentSummary[] {
  return documents.filter((d) => !d.embedded);
}

export type MeaningIndexBlocker = 'running' | 'noModel' | 'empty' | 'allEmbedded';

/**
 * Why "Build meaning index" cannot run now, or null when it has work to do: an embedding model is set and some
 * documents lack vectors.
 */
export function meaningIndexBlocker(embeddingModelPath: string | null | undefined, documents: readonly DocumentSummary[], running: boolean): MeaningIndexBlocker | null {
  if (running) return 'running';
  if (!embeddingModelPath) return 'noModel';
  if (documents.length === 0) return 'empty';
  if (!documents.some((d) => !d.embedded)) return 'allEmbedded';
  return null;
}

/** Rows waiting for their turn, in the order the server works through them (the library's order). */
export function waitingRows(documents: readonly DocumentSummary[]): IngestRow[] {
  return documents.map((d) => waitingRow(d.id, d.fileName));
}

function waitingRow(key: string, fileName: string): IngestRow {
  return { key, batch: 0, fileName, phase: 'waiting', pagesDone: 0, pagesTotal: null, uploaded: null, document: null, error: null };
}

/** Applies `docs.embed` progress: each chunk names its document; one not listed yet gets a row at the end. */
export function applyEmbedProgress(rows: readonly IngestRow[], chunks: readonly IngestProgress[]): IngestRow[] {
  const next = rows.slice();
  if (chunks.length === 0) return next;
  const byKey = new Map(next.map((row, index) => [row.key, index]));
  for (const chunk of chunks) {
    const key = chunk.documentId ?? chunk.fileName;
    let index = byKey.get(key);
    if (index === undefined) {
      index = next.length;
      byKey.set(key, index);
      next.push(waitingRow(key, chunk.fileName));
    }
    const row = next[index]!;
    if (isFinished(row)) continue;
    // 'done' reports pages, not chunks: keep the chunk counts the bar showed.
    const counts = chunk.phase === 'embedding' ? { pagesDone: chunk.pagesDone, pagesTotal: chunk.pagesTotal ?? row.pagesTotal } : {};
    next[index] = { ...row, phase: chunk.phase, ...counts };
  }
  return next;
}

/**
 * The rows once the run ended: when it completed, documents it never reached had nothing left to embed (another
 * window did them meanwhile); when it was cancelled or failed, they end that way.
 */
export function finishEmbedRows(rows: readonly IngestRow[], outcome: 'done' | 'cancelled' | 'failed', error: SerializedError | null = null): IngestRow[] {
  return rows.map((row) => {
    if (isFinished(row)) return row;
    if (outcome === 'done') return { ...row, phase: 'done' };
    if (outcome === 'cancelled') return { ...row, phase: 'cancelled', error: { code: 'CANCELLED', message: 'Cancelled.' } };
    return { ...row, phase: 'failed', error };
  });
}
