import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { chunkDocument } from './chunking';
import { DocumentIndex } from './DocumentIndex';
import { bankZh, fileInfo, openTestDatabase, teslaEn, teslaZh } from './testDocuments';

function counts(db: ReturnType<typeof openTestDatabase>['db']): Record<string, number> {
  const count = (table: string): number => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  const result: Record<string, number> = {};
  for (const t of ['documents', 'document_pages', 'document_tables', 'chunks', 'chunks_fts', 'chunk_terms']) result[t] = count(t);
  const hasVectors = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'chunk_vectors'").pluck().get() === 1;
  if (hasVectors) result.chunk_vectors = count('chunk_vectors');
  return result;
}

function highlighted(text: string, ranges: [number, number][]): string[] {
  return ranges.map(([a, b]) => text.slice(a, b));
}

describe('DocumentIndex', () => {
  let t: ReturnType<typeof openTestDatabase>;
  let index: DocumentIndex;
  beforeEach(() => {
    t = openTestDatabase();
    let clock = 1_700_000_000_000;
    index = new DocumentIndex(t.db, { now: () => clock++ });
  });
  afterEach(() => t.cleanup());

  describe('documents', () => {
    it('adds, lists (newest first), reads pages and removes with everything that hangs off the document', () => {
      const en = index.addDocument(fileInfo('tesla-10k.pdf'), teslaEn);
      const zh = index.addDocument(fileInfo('特斯拉年报.pdf'), teslaZh);
      expect(en).toMatchObject({ fileName: 'tesla-10k.pdf', title: 'Tesla 10-K 2023', format: 'pdf', pageCount: 2, tableCount: 1, chunkCount: 4, embedded: false, duplicate: false });
      expect(zh.warnings).toEqual(['1 页没有文字层']);
      expect(index.listDocuments().map((d) => d.id)).toEqual([zh.id, en.id]);
      const { duplicate: _duplicate, ...summary } = en;
      expect(index.getDocument(en.id)).toEqual(summary);

      const page = index.getPage(en.id, 1);
      expect(page.text).toContain('Total revenues grew 19%');
      expect(page.tables).toEqual([{ page: 1, tableIndex: 0, title: 'Consolidated Statements of Operations', units: 'in millions', headerRows: 1, rows: teslaEn.pages[0]?.blocks.flatMap((b) => (b.type === 'table' ? [b.table.rows] : []))[0] }]);
      expect(() => index.getPage(en.id, 9)).toThrow(/no page 9/);

      index.setEmbeddings(en.id, chunkDocument(teslaEn).map((_, i) => new Float32Array([1, i, 0.5])), 'fake-3d');
      expect(counts(t.db)).toEqual({ documents: 2, document_pages: 4, document_tables: 1, chunks: 6, chunks_fts: 6, chunk_terms: 6, chunk_vectors: 4 });

      index.removeDocument(en.id);
      expect(counts(t.db)).toEqual({ documents: 1, document_pages: 2, document_tables: 0, chunks: 2, chunks_fts: 2, chunk_terms: 2, chunk_vectors: 0 });
      // The keyword indexes really forgot the removed text (not only their row counts).
      expect(index.searchKeyword('total revenues')).toEqual([]);
      expect(index.searchKeyword('EV')).toEqual([]);
      expect(() => index.getDocument(en.id)).toThrow(AppError);
      expect(() => index.removeDocument(en.id)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    });

    it('returns the existing document for a file already in the library', () => {
      const first = index.addDocument(fileInfo('a.pdf', 'same bytes'), teslaEn);
      const again = index.addDocument(fileInfo('renamed.pdf', 'same bytes'), teslaZh);
      expect(again).toEqual({ ...first, duplicate: true });
      expect(counts(t.db).documents).toBe(1);
      expect(counts(t.db).chunks).toBe(4);
    });

    it('leaves nothing behind when an insert fails halfway', () => {
      index.addDocument(fileInfo('bank.docx'), bankZh);
      const before = counts(t.db);
      // A real failure in the middle of the chunk inserts (after the document, pages, tables and two chunks).
      t.db.exec("CREATE TEMP TRIGGER fail_third_chunk BEFORE INSERT ON chunks WHEN new.seq = 2 BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
      expect(() => index.addDocument(fileInfo('tesla.pdf'), teslaEn)).toThrow(/injected failure/);
      expect(counts(t.db)).toEqual(before);
      t.db.exec('DROP TRIGGER fail_third_chunk');
      // And the same file can be added afterwards (no half-written duplicate blocks it).
      expect(index.addDocument(fileInfo('tesla.pdf'), teslaEn).duplicate).toBe(false);
    });
  });

  describe('keyword search', () => {
    let en: string;
    let zh: string;
    let bank: string;
    beforeEach(() => {
      en = index.addDocument(fileInfo('tesla-10k.pdf'), teslaEn).id;
      zh = index.addDocument(fileInfo('特斯拉年报.pdf'), teslaZh).id;
      bank = index.addDocument(fileInfo('招商银行.docx'), bankZh).id;
    });

    it('finds Chinese terms of 3+ characters through the trigram index, with highlights', () => {
      const hits = index.searchKeyword('特斯拉 总收入');
      expect(hits[0]).toMatchObject({ documentId: zh, fileName: '特斯拉年报.pdf', page: 1, tableIndex: null, matchedBy: ['keyword'] });
      expect(highlighted(hits[0]!.text, hits[0]!.highlights)).toEqual(['特斯拉', '总收入']);
      expect(hits[0]!.score).toBeGreaterThan(0);
    });

    it('finds English case-insensitively, ranks by BM25 and highlights every occurrence', () => {
      const hits = index.searchKeyword('TOTAL Revenues');
      expect(hits.map((h) => h.documentId)).toEqual([en, en]);
      // The table chunk says "revenues" three times (title row included), the paragraph twice.
      expect(hits[0]?.tableIndex).toBe(0);
      expect(highlighted(hits[0]!.text, hits[0]!.highlights)).toEqual(['Total', 'revenues', 'revenues']);
      expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
    });

    it('finds 2-character Chinese terms through the bigram index, alone and next to longer terms', () => {
      const hits = index.searchKeyword('营收');
      expect(hits.map((h) => h.documentId)).toEqual([zh]);
      expect(highlighted(hits[0]!.text, hits[0]!.highlights)).toEqual(['营收']);
      // Both indexes at once: AND of 净利润 (trigram) and 营业 (bigram) finds the bank only.
      expect(index.searchKeyword('净利润 营业').map((h) => h.documentId)).toEqual([bank]);
      // A single character is a prefix of bigrams (or the end of a run).
      expect(index.searchKeyword('率').map((h) => h.documentId).sort()).toEqual([zh, bank].sort());
    });

    it('treats short English terms as whole words', () => {
      const hits = index.searchKeyword('ev');
      expect(hits.map((h) => h.page)).toEqual([1]);
      expect(highlighted(hits[0]!.text, hits[0]!.highlights)).toEqual(['EV']);
    });

    it('falls back to any-term matches when all terms together find too little', () => {
      const hits = index.searchKeyword('特斯拉 不良贷款率', { top: 5 });
      expect(hits.map((h) => h.documentId).sort()).toEqual([zh, bank].sort());
    });

    it('never passes user text to FTS5 as syntax', () => {
      for (const q of ['"', 'revenue*', 'NEAR(a b)', 'a OR b', ')(', '-margin', 'col:revenue', "'; DROP TABLE chunks; --", '^Total']) {
        expect(() => index.searchKeyword(q)).not.toThrow();
      }
      expect(index.searchKeyword('revenue*').length).toBeGreaterThan(0);
      expect(index.searchKeyword('   ，。 ')).toEqual([]);
      // Regular-expression characters in terms are literal in highlights too.
      const hits = index.searchKeyword('cost-savings (18.2%) [x] a+b |');
      expect(hits.some((h) => highlighted(h.text, h.highlights).includes('18.2%'))).toBe(true);
    });

    it('filters by document', () => {
      expect(index.searchKeyword('18.2%').map((h) => h.documentId).sort()).toEqual([en, zh].sort());
      expect(index.searchKeyword('18.2%', { documentIds: [zh] }).map((h) => h.documentId)).toEqual([zh]);
      expect(index.searchKeyword('18.2%', { documentIds: [] })).toEqual([]);
      expect(index.searchKeyword('营收', { documentIds: [bank] })).toEqual([]);
    });
  });

  describe('keyword search at scale', () => {
    it('spells a prefix out as the words that start with it (revenue finds revenues), and stays a prefix for a rare one', () => {
      const en = index.addDocument(fileInfo('tesla-10k.pdf'), teslaEn).id;
      const hits = index.searchKeyword('revenue');
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.every((h) => h.documentId === en)).toBe(true);
      expect(highlighted(hits[0]!.text, hits[0]!.highlights).every((w) => /^revenues?$/iu.test(w))).toBe(true);
      expect(index.searchKeyword('revenuezzz')).toEqual([]);
    });

    it('scores at most keywordCandidates chunks per step, the newest, and still puts all-terms matches first', () => {
      const capped = new DocumentIndex(t.db, { keywordCandidates: 1 });
      const old = capped.addDocument(fileInfo('tesla-10k.pdf'), teslaEn).id;
      const zh = capped.addDocument(fileInfo('特斯拉年报.pdf'), teslaZh).id;
      const bank = capped.addDocument(fileInfo('招商银行.docx'), bankZh).id;
      // 18.2% is in both the English and the Chinese report: one step scores only the newer match...
      expect(capped.searchKeyword('18.2%', { top: 1 }).map((h) => h.documentId)).toEqual([zh]);
      // ...and the any-term steps fill the rest: chunks with the selective term (Competition, one chunk, in the older
      // report) before the newest chunk with any term.
      const hits = capped.searchKeyword('competition 18.2%', { top: 5 });
      expect(hits.map((h) => h.documentId)).toEqual([old, zh]);
      expect(highlighted(hits[0]!.text, hits[0]!.highlights)).toEqual(['Competition']);
      expect(capped.searchKeyword('特斯拉 不良贷款率', { top: 5 }).map((h) => h.documentId)).toEqual([bank]);
      expect(capped.searchKeyword('total revenues', { documentIds: [old] }).length).toBe(1);
    });

    it('filters by documents whose chunks are not next to each other', () => {
      const first = index.addDocument(fileInfo('tesla-10k.pdf'), teslaEn).id;
      index.addDocument(fileInfo('特斯拉年报.pdf'), teslaZh);
      const last = index.addDocument(fileInfo('tesla-10k-copy.pdf', 'other bytes'), teslaEn).id;
      const hits = index.searchKeyword('18.2%', { documentIds: [first, last] });
      expect(hits.map((h) => h.documentId).sort()).toEqual([first, last].sort());
      expect(index.searchKeyword('18.2%', { documentIds: ['no-such-document'] })).toEqual([]);
      expect(index.searchKeyword('营收', { documentIds: [first, last] })).toEqual([]);
    });
  });

  describe('vectors and hybrid search', () => {
    let en: string;
    let zh: string;
    beforeEach(() => {
      en = index.addDocument(fileInfo('tesla-10k.pdf'), teslaEn).id;
      zh = index.addDocument(fileInfo('特斯拉年报.pdf'), teslaZh).id;
    });

    it('is keyword-only until something is embedded', () => {
      const result = index.searchHybrid('total revenues', new Float32Array([1, 0, 0]));
      expect(result.mode).toBe('keyword');
      expect(result.hits.length).toBe(2);
      expect(result.tookMs).toBeGreaterThanOrEqual(0);
      expect(index.searchVector(new Float32Array([1, 0, 0]))).toEqual([]);
    });

    it('finds nearest chunks with sqlite-vec, filtered by document', () => {
      // en chunks 0..3 and zh chunks 0..1, each pointing its own way in 3-d.
      index.setEmbeddings(en, [[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0, 1]].map((v) => new Float32Array(v)), 'fake-3d');
      index.setEmbeddings(zh, [[0.95, 0.05, 0], [0, 0.7, 0.7]].map((v) => new Float32Array(v)), 'fake-3d');
      expect(index.getDocument(en).embedded).toBe(true);
      expect(index.embeddingInfo()).toEqual({ model: 'fake-3d', dimension: 3 });

      const hits = index.searchVector(new Float32Array([1, 0, 0]), { top: 3 });
      expect(hits.map((h) => [h.documentId, h.page])).toEqual([[en, 1], [zh, 1], [en, 1]]);
      expect(hits[0]?.score).toBeCloseTo(1, 5);
      expect(hits[0]?.matchedBy).toEqual(['vector']);
      expect(index.searchVector(new Float32Array([1, 0, 0]), { top: 3, documentIds: [zh] }).map((h) => h.documentId)).toEqual([zh, zh]);

      expect(() => index.searchVector(new Float32Array([1, 0]))).toThrow(/2 dimensions/);
      expect(() => index.setEmbeddings(zh, [new Float32Array([1, 0, 0])], 'fake-3d')).toThrow(/2 chunks but 1/);
      expect(() => index.setEmbeddings(zh, [[1, 0, 0, 0], [0, 1, 0, 0]].map((v) => new Float32Array(v)), 'other')).toThrow(/Re-embed/);

      index.resetEmbeddings();
      expect(index.embeddingInfo()).toBeNull();
      expect(index.getDocument(en).embedded).toBe(false);
      index.setEmbeddings(zh, [[1, 0, 0, 0], [0, 1, 0, 0]].map((v) => new Float32Array(v)), 'other');
      expect(index.embeddingInfo()).toEqual({ model: 'other', dimension: 4 });
    });

    it('fuses keyword and vector ranks (RRF, k = 60)', () => {
      const chunks = chunkDocument(teslaEn);
      // Vector ranking: the risk-factors chunk (seq 3) first, then the revenue paragraph (seq 0).
      index.setEmbeddings(en, [[0.8, 0.6, 0], [0, 0, 1], [0, 1, 0.1], [1, 0, 0]].map((v) => new Float32Array(v)), 'fake-3d');
      const ids = index.searchVector(new Float32Array([1, 0, 0]), { top: 4 }).map((h) => h.chunkId);
      expect(ids.length).toBe(4);

      const result = index.searchHybrid('total revenues', new Float32Array([1, 0, 0]), { top: 4 });
      expect(result.mode).toBe('hybrid');
      // Keyword: table (seq 1) then paragraph (seq 0). Vector: seq 3, seq 0, seq 2, seq 1.
      // Fused: seq 0 = 1/62 + 1/62; seq 1 = 1/61 + 1/64; seq 3 = 1/61; seq 2 = 1/63.
      const bySeq = result.hits.map((h) => chunks.findIndex((c) => c.text === h.text));
      expect(bySeq).toEqual([0, 1, 3, 2]);
      expect(result.hits[0]?.score).toBeCloseTo(2 / 62, 10);
      expect(result.hits[0]?.matchedBy).toEqual(['keyword', 'vector']);
      expect(result.hits[2]?.matchedBy).toEqual(['vector']);
      expect(result.hits[0]?.highlights.length).toBeGreaterThan(0);

      expect(index.searchHybrid('total revenues', null).mode).toBe('keyword');
      // Scoped to a document that is not embedded: keyword only.
      expect(index.searchHybrid('特斯拉', new Float32Array([1, 0, 0]), { documentIds: [zh] }).mode).toBe('keyword');
    });
  });

  it('runs keyword-only when vectors are turned off', () => {
    const plain = new DocumentIndex(t.db, { vectorExtensionPath: null });
    const doc = plain.addDocument(fileInfo('a.pdf'), teslaEn);
    expect(plain.vectorUnavailableReason).toMatch(/turned off/);
    expect(plain.searchHybrid('revenues', new Float32Array([1, 0, 0])).mode).toBe('keyword');
    expect(() => plain.setEmbeddings(doc.id, [], 'm')).toThrow(AppError);
  });
});
