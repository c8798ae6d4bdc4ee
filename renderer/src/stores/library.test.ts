import { describe, expect, it, vi } from 'vitest';
import { AppError, type DocumentSummary, type Envelope, type IngestBatchResult, type IngestProgress } from '../contract';
import type { UploadedFile } from '../api/httpTransport';
import { clientError } from '../api/clientErrors';
import { fakeApi as fakeApiOf } from '../testing/fakeApi';
import { manualFrames } from '../testing/manualFrames';
import { createLibraryStore } from './library';

function doc(id: string, fileName: string, extra: Partial<DocumentSummary> = {}): DocumentSummary & { duplicate: boolean } {
  return { id, fileName, title: null, format: 'pdf', sizeBytes: 10, sha256: id, pageCount: 3, tableCount: 2, chunkCount: 4, warnings: [], embedded: false, createdAt: 1, duplicate: false, ...extra };
}

/** Its streams: `docs.add` and `docs.embed`. */
const fakeApi = (calls?: Parameters<typeof fakeApiOf>[0]) => fakeApiOf<{ paths: string[] }, IngestProgress, IngestBatchResult>(calls);

const progress = (fileName: string, phase: IngestProgress['phase'], pagesDone = 0, pagesTotal: number | null = null): IngestProgress => ({ documentId: null, fileName, phase, pagesDone, pagesTotal });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('library store: adding by path', () => {
  it('batches per-page progress into one update a frame and lands each file on its own row', async () => {
    const frames = manualFrames();
    const { api, streams } = fakeApi({ 'docs.list': () => [] });
    const store = createLibraryStore({ api, scheduler: frames });
    const adding = store.getState().addPaths(['/r/a.pdf', '/r/bad.pdf', '/r/b.docx']);
    await tick();
    expect(store.getState().ingest.map((r) => [r.fileName, r.phase])).toEqual([
      ['a.pdf', 'waiting'],
      ['bad.pdf', 'waiting'],
      ['b.docx', 'waiting'],
    ]);
    const stream = streams[0]!;
    expect(stream.input).toEqual({ paths: ['/r/a.pdf', '/r/bad.pdf', '/r/b.docx'] });

    const updates = vi.fn();
    const unsubscribe = store.subscribe(updates);
    stream.emit(progress('a.pdf', 'reading'));
    for (let page = 1; page <= 200; page++) stream.emit(progress('a.pdf', 'parsing', page, 200));
    expect(updates).not.toHaveBeenCalled();
    frames.frame();
    expect(updates).toHaveBeenCalledTimes(1);
    expect(store.getState().ingest[0]).toMatchObject({ phase: 'parsing', pagesDone: 200, pagesTotal: 200 });

    stream.emit(progress('a.pdf', 'done', 200, 200));
    stream.emit(progress('bad.pdf', 'reading'));
    stream.emit(progress('bad.pdf', 'failed'));
    stream.emit(progress('b.docx', 'parsing', 0, 1));
    frames.frame();
    expect(store.getState().ingest.map((r) => r.phase)).toEqual(['done', 'failed', 'parsing']);
    unsubscribe();

    const added = [doc('d1', 'a.pdf', { pageCount: 200 }), doc('d2', 'b.docx', { pageCount: 1, tableCount: 0, warnings: ['w'] })];
    stream.resolve({ added, failed: [{ path: '/r/bad.pdf', fileName: 'bad.pdf', error: { code: 'DOCUMENT_ENCRYPTED', message: 'bad.pdf is protected.' } }], cancelled: false });
    await adding;
    const rows = store.getState().ingest;
    expect(rows.map((r) => [r.phase, r.document?.id ?? null, r.error?.code ?? null])).toEqual([
      ['done', 'd1', null],
      ['failed', null, 'DOCUMENT_ENCRYPTED'],
      ['done', 'd2', null],
    ]);
    expect(store.getState().ingesting).toBe(0);
    expect(api.call).toHaveBeenCalledWith('docs.list', {});
  });

  it('cancel aborts the stream; files not reached end as cancelled, those added stay', async () => {
    const { api, streams } = fakeApi({ 'docs.list': () => [] });
    const store = createLibraryStore({ api, scheduler: manualFrames() });
    const adding = store.getState().addPaths(['/r/a.pdf', '/r/b.pdf', '/r/c.pdf']);
    await tick();
    store.getState().cancelIngest();
    expect(streams[0]!.signal.aborted).toBe(true);
    streams[0]!.resolve({ added: [doc('d1', 'a.pdf')], failed: [{ path: '/r/b.pdf', fileName: 'b.pdf', error: { code: 'CANCELLED', message: 'Cancelled.' } }], cancelled: true });
    await adding;
    expect(store.getState().ingest.map((r) => r.phase)).toEqual(['done', 'cancelled', 'cancelled']);
  });

  it('a stream that fails as a whole marks the unfinished rows with its error', async () => {
    const onError = vi.fn();
    const { api, streams } = fakeApi({ 'docs.list': () => [] });
    const store = createLibraryStore({ api, scheduler: manualFrames(), onError });
    const adding = store.getState().addPaths(['/r/a.pdf']);
    await tick();
    streams[0]!.reject(new AppError('INTERNAL', 'lost', { client: 'connectionLost' }));
    await adding;
    expect(store.getState().ingest[0]).toMatchObject({ phase: 'failed', error: { code: 'INTERNAL' } });
    expect(onError).toHaveBeenCalled();
  });
});

describe('library store: adding files in a browser', () => {
  it('uploads each file, ingests the uploaded paths and shows a failed upload on its row', async () => {
    const { api, streams } = fakeApi({ 'docs.list': () => [] });
    const upload = vi.fn(async (file: File, options?: { onProgress?: (sent: number, total: number) => void }): Promise<Envelope<UploadedFile>> => {
      options?.onProgress?.(5, 10);
      if (file.name === 'huge.pdf') return { ok: false, error: { code: 'DOCUMENT_TOO_LARGE', message: 'too large' } };
      return { ok: true, value: { path: `/uploads/x/${file.name}`, sizeBytes: file.size } };
    });
    const store = createLibraryStore({ api, upload, scheduler: manualFrames() });
    const files = [new File(['a'], '年报.pdf'), new File(['b'], 'huge.pdf'), new File(['c'], 'memo.txt')];
    const adding = store.getState().addFiles(files);
    await tick();
    await tick();
    expect(upload).toHaveBeenCalledTimes(3);
    const stream = streams[0]!;
    expect(stream.input).toEqual({ paths: ['/uploads/x/年报.pdf', '/uploads/x/memo.txt'] });
    expect(store.getState().ingest.map((r) => r.phase)).toEqual(['waiting', 'failed', 'waiting']);
    expect(store.getState().ingest[1]!.error?.code).toBe('DOCUMENT_TOO_LARGE');
    stream.resolve({ added: [doc('d1', '年报.pdf'), doc('d2', 'memo.txt')], failed: [], cancelled: false });
    await adding;
    expect(store.getState().ingest.map((r) => [r.fileName, r.phase])).toEqual([
      ['年报.pdf', 'done'],
      ['huge.pdf', 'failed'],
      ['memo.txt', 'done'],
    ]);
  });

  it('cancelling during the upload sends nothing to docs.add', async () => {
    const { api, streams } = fakeApi({ 'docs.list': () => [] });
    let release: () => void = () => {};
    const upload = vi.fn(
      (_file: File, options?: { signal?: AbortSignal }) =>
        new Promise<Envelope<UploadedFile>>((resolve) => {
          release = () => resolve({ ok: true, value: { path: '/u/a.pdf', sizeBytes: 1 } });
          options?.signal?.addEventListener('abort', () => resolve({ ok: false, error: clientError('cancelled', 'cancelled') }));
        }),
    );
    const store = createLibraryStore({ api, upload, scheduler: manualFrames() });
    const adding = store.getState().addFiles([new File(['a'], 'a.pdf'), new File(['b'], 'b.pdf')]);
    store.getState().cancelIngest();
    release();
    await adding;
    expect(streams).toHaveLength(0);
    expect(store.getState().ingest.map((r) => r.phase)).toEqual(['cancelled', 'cancelled']);
  });
});

describe('library store: search and page view', () => {
  it('keeps only the latest search', async () => {
    const resolvers: ((v: unknown) => void)[] = [];
    const { api } = fakeApi({ 'docs.search': () => new Promise((r) => resolvers.push(r)) });
    const store = createLibraryStore({ api });
    const first = store.getState().runSearch('net');
    const second = store.getState().runSearch('net income');
    resolvers[1]!({ hits: [], mode: 'keyword', tookMs: 1 });
    await second;
    resolvers[0]!({ hits: [{ documentId: 'd' }], mode: 'keyword', tookMs: 1 });
    await first;
    expect(store.getState().search).toMatchObject({ query: 'net income', status: 'ready', result: { hits: [] } });
  });

  it('opens a page with the passage to highlight, and moves within the document', async () => {
    const { api } = fakeApi({
      'docs.get': () => doc('d1', 'report.pdf', { pageCount: 3 }),
      'docs.page': (input) => ({ documentId: 'd1', number: (input as { page: number }).page, label: null, text: 'text', tables: [] }),
    });
    const store = createLibraryStore({ api });
    await store.getState().openPage({ documentId: 'd1', fileName: 'report.pdf', page: 2, passage: { text: 'Net income', tableIndex: null } });
    await tick();
    expect(store.getState().pageView).toMatchObject({ page: 2, pageCount: 3, status: 'ready', passage: { page: 2, text: 'Net income' } });
    await store.getState().showPage(3);
    expect(store.getState().pageView).toMatchObject({ page: 3, status: 'ready', data: { number: 3 }, passage: { page: 2 } });
    store.getState().closePage();
    expect(store.getState().pageView).toBeNull();
  });
});

describe('library store: building the meaning index', () => {
  it('streams docs.embed into a row per document, batched a frame at a time, then refreshes the list', async () => {
    const frames = manualFrames();
    let listed = [doc('d2', 'b.pdf', { createdAt: 2 }), doc('d1', 'a.pdf', { embedded: true })];
    const { api, streams } = fakeApi({ 'docs.list': () => listed, 'docs.search': () => ({ hits: [], mode: listed.every((d) => d.embedded) ? 'hybrid' : 'keyword', tookMs: 1 }) });
    const store = createLibraryStore({ api, scheduler: frames });
    await store.getState().refresh();
    await store.getState().runSearch('profit');
    expect(store.getState().search.result?.mode).toBe('keyword');
    const building = store.getState().buildMeaningIndex();
    expect(store.getState().meaningIndex).toMatchObject({ status: 'running', rows: [{ key: 'd2', phase: 'waiting' }] });
    const stream = streams[0]!;
    const chunk = (phase: IngestProgress['phase'], done: number, total: number | null): IngestProgress => ({ documentId: 'd2', fileName: 'b.pdf', phase, pagesDone: done, pagesTotal: total });
    for (let i = 0; i <= 40; i++) stream.emit(chunk('embedding', i, 40));
    frames.frame();
    expect(store.getState().meaningIndex.rows[0]).toMatchObject({ phase: 'embedding', pagesDone: 40, pagesTotal: 40 });
    stream.emit(chunk('done', 3, 3));
    listed = listed.map((d) => ({ ...d, embedded: true }));
    (stream.resolve as (v: unknown) => void)({ embedded: 1, failed: 0 });
    await building;
    expect(store.getState().meaningIndex).toMatchObject({ status: 'done', result: { embedded: 1, failed: 0 }, rows: [{ phase: 'done' }] });
    await tick();
    expect(store.getState().documents.every((d) => d.embedded)).toBe(true);
    // The results on screen are searched again, now in hybrid mode.
    expect(store.getState().search).toMatchObject({ query: 'profit', status: 'ready', result: { mode: 'hybrid' } });
    store.getState().clearMeaningIndex();
    expect(store.getState().meaningIndex.status).toBe('idle');
  });

  it('cancel aborts the stream and ends the rows not reached as cancelled', async () => {
    const { api, streams } = fakeApi({ 'docs.list': () => [doc('d2', 'b.pdf', { createdAt: 2 }), doc('d1', 'a.pdf')] });
    const store = createLibraryStore({ api, scheduler: manualFrames() });
    await store.getState().refresh();
    const building = store.getState().buildMeaningIndex();
    // A second click while it runs starts nothing.
    await store.getState().buildMeaningIndex();
    expect(streams).toHaveLength(1);
    store.getState().cancelMeaningIndex();
    expect(streams[0]!.signal.aborted).toBe(true);
    streams[0]!.reject(clientError('cancelled', 'cancelled'));
    await building;
    expect(store.getState().meaningIndex).toMatchObject({ status: 'cancelled', error: null });
    expect(store.getState().meaningIndex.rows.map((r) => r.phase)).toEqual(['cancelled', 'cancelled']);
  });

  it('a run refused as a whole keeps its error to show', async () => {
    const onError = vi.fn();
    const { api, streams } = fakeApi({ 'docs.list': () => [doc('d1', 'a.pdf')] });
    const store = createLibraryStore({ api, scheduler: manualFrames(), onError });
    await store.getState().refresh();
    const building = store.getState().buildMeaningIndex();
    streams[0]!.reject(new AppError('INVALID_INPUT', 'No embedding model is set.'));
    await building;
    expect(store.getState().meaningIndex).toMatchObject({ status: 'failed', error: { code: 'INVALID_INPUT' }, rows: [{ phase: 'failed' }] });
    expect(onError).toHaveBeenCalled();
  });

  it('a slower, older refresh does not overwrite a newer one', async () => {
    const answers: ((v: unknown) => void)[] = [];
    const { api } = fakeApi({ 'docs.list': () => new Promise((r) => answers.push(r)) });
    const store = createLibraryStore({ api });
    const older = store.getState().refresh();
    const newer = store.getState().refresh();
    answers[1]!([doc('d2', 'new.pdf')]);
    await newer;
    answers[0]!([]);
    await older;
    expect(store.getState().documents.map((d) => d.id)).toEqual(['d2']);
  });
});
