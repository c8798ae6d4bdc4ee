/**
 * The report library through the API (real loaders in workers, real SQLite/FTS5, real inference process with the
 * tiny model): ingest a batch with bad files in it, search, ask with citations, and the second question reusing the
 * evaluated report prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentPageView, IngestBatchResult, IngestProgress, SearchResult } from '../../shared/documents';
import type { ChatChunk } from '../../shared/api';
import type { MessageRecord } from '../../shared/records';
import { writeDocumentFixtures, type DocumentFixtures } from '../../testing/documentFixtures';
import { createTestServices, tempDir, tinyModel } from '../../testing/fixtures';

type Services = Awaited<ReturnType<typeof createTestServices>>;
let services: Services;
let files: DocumentFixtures;
const dir = tempDir('dianjin-docs-');
const ctx = () => ({ signal: new AbortController().signal, host: 'cli' as const });

async function stream<T>(method: 'docs.add' | 'chat.send', input: unknown, signal = new AbortController().signal) {
  const chunks: unknown[] = [];
  const iterator = services.dispatcher.stream(method, input, { signal, host: 'cli' });
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { result: next.value as T, chunks };
    chunks.push(next.value);
  }
}

beforeAll(async () => {
  files = await writeDocumentFixtures(dir.dir);
  services = await createTestServices();
  services.store.updateSettings({ load: { contextSize: 4096 }, sampling: { maxTokens: 16 } });
});
afterAll(async () => {
  await services.cleanup();
  dir.cleanup();
});

describe('report library', () => {
  it('ingests a batch with progress; bad files get specific errors and the rest still go in; duplicates are not added twice', async () => {
    const { result, chunks } = await stream<IngestBatchResult>('docs.add', { paths: [files.pdf, files.empty, files.docx, files.encryptedPdf, files.xlsx, files.html, files.pdf] });
    expect(result.added.map((d) => d.format)).toEqual(['pdf', 'docx', 'xlsx', 'html', 'pdf']);
    expect(result.added.at(-1)!.duplicate).toBe(true);
    expect(result.failed.map((f) => f.error.code)).toEqual(['DOCUMENT_EMPTY', 'DOCUMENT_ENCRYPTED']);
    const progress = chunks as IngestProgress[];
    expect(progress.some((p) => p.phase === 'parsing' && p.pagesTotal !== null && p.pagesDone > 0)).toBe(true);
    expect(progress.filter((p) => p.phase === 'failed')).toHaveLength(2);
    const list = (await services.dispatcher.call('docs.list', {}, ctx())) as { id: string; tableCount: number; pageCount: number }[];
    expect(list).toHaveLength(4);
    const pdf = list.find((d) => d.id === result.added[0]!.id)!;
    expect(pdf.pageCount).toBeGreaterThanOrEqual(2);
    expect(pdf.tableCount).toBeGreaterThanOrEqual(1);
  });

  it('searches in English and Chinese with page numbers and highlights, and shows a page with its tables', async () => {
    const en = (await services.dispatcher.call('docs.search', { query: 'net income' }, ctx())) as SearchResult;
    expect(en.mode).toBe('keyword');
    expect(en.hits.length).toBeGreaterThan(0);
    expect(en.hits[0]!.page).toBeGreaterThanOrEqual(1);
    expect(en.hits[0]!.highlights.length).toBeGreaterThan(0);
    const zh = (await services.dispatcher.call('docs.search', { query: '营业收入' }, ctx())) as SearchResult;
    expect(zh.hits.length).toBeGreaterThan(0);
    const hit = en.hits.find((h) => h.tableIndex !== null) ?? en.hits[0]!;
    const page = (await services.dispatcher.call('docs.page', { id: hit.documentId, page: hit.page }, ctx())) as DocumentPageView;
    expect(page.number).toBe(hit.page);
    await expect(services.dispatcher.call('docs.page', { id: hit.documentId, page: 999 }, ctx())).rejects.toMatchObject({ code: expect.stringMatching(/NOT_FOUND/) });
  });

  it('answers from attached documents with numbered citations, and the second question reuses the evaluated report', async () => {
    const docs = (await services.dispatcher.call('docs.list', {}, ctx())) as { id: string; format: string }[];
    const pdfId = docs.find((d) => d.format === 'pdf')!.id;
    const first = await stream<MessageRecord>('chat.send', { question: 'What was net income in 2024?', modelPath: tinyModel, documentIds: [pdfId] });
    expect(first.result.citations.length).toBeGreaterThan(0);
    expect(first.result.citations[0]).toMatchObject({ n: 1, documentId: pdfId });
    const start = first.chunks[0] as Extract<ChatChunk, { type: 'start' }>;
    expect(start.assistantMessage.citations.length).toBe(first.result.citations.length);
    // The report went into the prompt.
    expect(first.result.promptTokens).toBeGreaterThan(200);
    const conversation = services.store.getConversation(first.result.conversationId);
    expect(conversation.documentIds).toEqual([pdfId]);

    // Same conversation, attachments kept: only the new question is evaluated.
    const second = await stream<MessageRecord>('chat.send', { question: '净利润是多少？', modelPath: tinyModel, conversationId: first.result.conversationId });
    expect(second.result.citations.length).toBe(first.result.citations.length);
    expect(second.result.ttftMs!).toBeLessThan(first.result.ttftMs!);
  });

  it('with an embedding model set, new documents get vectors and search is hybrid (keyword + meaning)', async () => {
    await services.dispatcher.call('settings.update', { embeddingModelPath: tinyModel }, ctx());
    const { result } = await stream<IngestBatchResult>('docs.add', { paths: [files.md] });
    expect(result.added[0]!.embedded).toBe(true);
    const search = (await services.dispatcher.call('docs.search', { query: 'revenue', documentIds: [result.added[0]!.id] }, ctx())) as SearchResult;
    expect(search.mode).toBe('hybrid');
    expect(search.hits.some((h) => h.matchedBy.includes('vector'))).toBe(true);
    await expect(services.dispatcher.call('settings.update', { embeddingModelPath: files.txt }, ctx())).rejects.toMatchObject({ code: 'MODEL_NOT_GGUF' });
  });

  it('meaning search does not wait for an answer being generated', async () => {
    const controller = new AbortController();
    const answering = stream<MessageRecord>('chat.send', { question: 'A long answer please', modelPath: tinyModel, sampling: { maxTokens: 3000 } }, controller.signal);
    await expect.poll(() => services.inference.status.busy).toBe(true);
    const search = (await services.dispatcher.call('docs.search', { query: 'revenue' }, ctx())) as SearchResult;
    expect(search.mode).toBe('hybrid');
    // The answer was still being generated when the search came back.
    expect(services.inference.status.busy).toBe(true);
    controller.abort();
    expect((await answering).result.status).toBe('stopped');
  });
});
