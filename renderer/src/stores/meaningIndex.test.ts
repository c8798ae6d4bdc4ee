import { describe, expect, it } from 'vitest';
import type { DocumentSummary, IngestProgress } from '../contract';
import { applyEmbedProgress, finishEmbedRows, meaningIndexBlocker, waitingRows } from './meaningIndex';

function doc(id: string, embedded = false): DocumentSummary {
  return { id, fileName: `${id}.pdf`, title: null, format: 'pdf', sizeBytes: 1, sha256: id, pageCount: 2, tableCount: 0, chunkCount: 3, warnings: [], embedded, createdAt: 1 };
}
const chunk = (id: string, phase: IngestProgress['phase'], done = 0, total: number | null = null): IngestProgress => ({ documentId: id, fileName: `${id}.pdf`, phase, pagesDone: done, pagesTotal: total });

describe('meaning index', () => {
  it('says why it cannot be built: running, no model, no documents, all embedded', () => {
    expect(meaningIndexBlocker('/m/e.gguf', [doc('a', true), doc('b')], false)).toBeNull();
    expect(meaningIndexBlocker('/m/e.gguf', [doc('b')], true)).toBe('running');
    expect(meaningIndexBlocker(null, [doc('b')], false)).toBe('noModel');
    expect(meaningIndexBlocker('', [doc('b')], false)).toBe('noModel');
    expect(meaningIndexBlocker('/m/e.gguf', [], false)).toBe('empty');
    expect(meaningIndexBlocker('/m/e.gguf', [doc('a', true)], false)).toBe('allEmbedded');
  });

  it('lands progress on each document’s row by id, keeping chunk counts when done', () => {
    let rows = waitingRows([doc('a'), doc('b')]);
    rows = applyEmbedProgress(rows, [chunk('a', 'embedding', 0, null), chunk('a', 'embedding', 2, 5), chunk('b', 'embedding', 0, null)]);
    expect(rows.map((r) => [r.key, r.phase, r.pagesDone, r.pagesTotal])).toEqual([
      ['a', 'embedding', 2, 5],
      ['b', 'embedding', 0, null],
    ]);
    rows = applyEmbedProgress(rows, [chunk('a', 'embedding', 5, 5), chunk('a', 'done', 2, 2), chunk('a', 'embedding', 1, 5), chunk('b', 'failed', 0, null)]);
    expect(rows.map((r) => [r.phase, r.pagesDone, r.pagesTotal])).toEqual([
      ['done', 5, 5],
      ['failed', 0, null],
    ]);
  });

  it('adds a row for a document it did not list (added meanwhile)', () => {
    const rows = applyEmbedProgress(waitingRows([doc('a')]), [chunk('new', 'embedding', 1, 4)]);
    expect(rows.map((r) => [r.key, r.fileName, r.phase])).toEqual([
      ['a', 'a.pdf', 'waiting'],
      ['new', 'new.pdf', 'embedding'],
    ]);
  });

  it('ends the rows it never reached as the run ended', () => {
    const rows = applyEmbedProgress(waitingRows([doc('a'), doc('b'), doc('c')]), [chunk('a', 'done'), chunk('b', 'embedding', 1, 3)]);
    expect(finishEmbedRows(rows, 'done').map((r) => r.phase)).toEqual(['done', 'done', 'done']);
    expect(finishEmbedRows(rows, 'cancelled').map((r) => [r.phase, r.error?.code ?? null])).toEqual([
      ['done', null],
      ['cancelled', 'CANCELLED'],
      ['cancelled', 'CANCELLED'],
    ]);
    const failed = finishEmbedRows(rows, 'failed', { code: 'INFERENCE_CRASHED', message: 'crashed' });
    expect(failed.map((r) => [r.phase, r.error?.code ?? null])).toEqual([
      ['done', null],
      ['failed', 'INFERENCE_CRASHED'],
      ['failed', 'INFERENCE_CRASHED'],
    ]);
  });
});
