import { randomUUID } from 'node:crypto';
import type { Database, Statement, Transaction } from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { DocumentFormat, DocumentSummary, ParsedDocument, ParsedTable, SearchHit, SearchResult } from '../../shared/documents';
import { AppError } from '../../shared/errors';
import { chunkDocument, locateTables, pageText } from './chunking';
import { anyWordExpression, findHighlights, highlightPattern, parseQuery, termsExpression, termsPrefix, termsText, trigramExpression, type QueryTerm } from './queryTerms';
import type {
  AddedDocument,
  ChunkingOptions,
  DocumentFileInfo,
  DocumentIndexOptions,
  DocumentPageView,
  EmbeddingInfo,
  LocatedTable,
  SearchOptions,
  StoredChunk,
} from './types';

/** Reciprocal rank fusion constant (Cormack et al.): dampens the weight of the very first ranks. */
export const rrfK = 60;
const defaultTop = 10;
/** See DocumentIndexOptions.keywordCandidates. */
export const defaultKeywordCandidates = 10_000;
const maxTop = 200;
const vectorTable = 'chunk_vectors';
const embeddingMetaKey = 'embedding';
/** A query prefix that starts more words than this stays an FTS5 prefix query (see termsPrefix). */
const maxPrefixWords = 8;

interface DocumentRow {
  id: string;
  file_name: string;
  title: string | null;
  format: DocumentFormat;
  size_bytes: number;
  sha256: string;
  page_count: number;
  table_count: number;
  chunk_count: number;
  warnings_json: string;
  embedded: number;
  created_at: number;
}

interface HitRow {
  id: number;
  document_id: string;
  file_name: string;
  page: number;
  text: string;
  table_index: number | null;
}

interface TableRow {
  page: number;
  table_index: number;
  title: string | null;
  units: string | null;
  header_rows: number;
  rows_json: string;
}

interface RankedChunk {
  id: number;
  score: number;
}

/** Where a keyword search looks: a chunk id span (and the documents, when the span holds others' chunks too). */
interface KeywordScope {
  lo: number;
  hi: number;
  /** JSON array of the document ids. */
  docs: string;
  /** The span holds only these documents' chunks. */
  exact: boolean;
}

interface KeywordParams {
  match: string;
  lo?: number;
  hi?: number;
  docs?: string;
  candidates?: number;
  top?: number;
}

function toSummary(row: DocumentRow): DocumentSummary {
  return {
    id: row.id,
    fileName: row.file_name,
    title: row.title,
    format: row.format,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    pageCount: row.page_count,
    tableCount: row.table_count,
    chunkCount: row.chunk_count,
    warnings: JSON.parse(row.warnings_json) as string[],
    embedded: row.embedded === 1,
    createdAt: row.created_at,
  };
}

function toTable(row: TableRow): LocatedTable {
  return {
    page: row.page,
    tableIndex: row.table_index,
    title: row.title,
    units: row.units,
    headerRows: row.header_rows,
    rows: JSON.parse(row.rows_json) as ParsedTable['rows'],
  };
}

export function documentNotFound(id: string): AppError {
  return new AppError('NOT_FOUND', 'This document is no longer in the library; it may have been removed. Add the file again to search it.', {
    documentId: id,
  });
}

function clampTop(top: number | undefined): number {
  const n = Math.floor(top ?? defaultTop);
  if (!Number.isFinite(n) || n < 1) throw new AppError('INVALID_INPUT', `top must be a positive number of hits (got ${String(top)}).`, { top });
  return Math.min(n, maxTop);
}

function toBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

function checkVector(vector: Float32Array, dimension: number, what: string): void {
  if (!(vector instanceof Float32Array) || vector.length !== dimension) {
    throw new AppError('INVALID_INPUT', `${what} has ${vector?.length ?? 0} dimensions; the library's embeddings have ${dimension}.`, {
      expected: dimension,
      got: vector?.length ?? 0,
    });
  }
  let norm = 0;
  for (const x of vector) {
    if (!Number.isFinite(x)) throw new AppError('INVALID_INPUT', `${what} contains a value that is not a finite number.`);
    norm += x * x;
  }
  if (norm === 0) throw new AppError('INVALID_INPUT', `${what} is all zeros; cosine distance is undefined for it.`);
}

/**
 * The document library's index on the app's SQLite database (migration 3): documents with their pages and tables,
 * chunks with two keyword indexes (trigram and short terms), and, once an embedding model has indexed something, a
 * sqlite-vec table of chunk vectors. Takes the open database like the store's repositories; loads sqlite-vec into it.
 */
export class DocumentIndex {
  readonly #db: Database;
  readonly #now: () => number;
  readonly #fusionDepth: number | undefined;
  readonly #chunking: ChunkingOptions;
  /** Why vectors are unavailable (extension not loaded), or null when they are available. */
  readonly vectorUnavailableReason: string | null;

  readonly #list: Statement<[], DocumentRow>;
  readonly #get: Statement<[string], DocumentRow>;
  readonly #getBySha: Statement<[string], DocumentRow>;
  readonly #insertDocument: Statement<[string, string, string | null, string, number, string, number, number, number, string, number]>;
  readonly #insertPage: Statement<[string, number, string | null, string]>;
  readonly #insertTable: Statement<[string, number, number, string | null, string | null, number, string]>;
  readonly #insertChunk: Statement<[string, number, number, string, number | null, string, string]>;
  readonly #insertTerms: Statement<[number | bigint, string]>;
  readonly #delete: Statement<[string]>;
  readonly #page: Statement<[string, number], { number: number; label: string | null; text: string }>;
  readonly #pageTables: Statement<[string, number], TableRow>;
  readonly #hits: Statement<[string], HitRow>;
  readonly #chunkIds: Statement<[string], number>;
  readonly #chunksOf: Statement<[string], StoredChunk>;
  readonly #readMeta: Statement<[string], string>;
  readonly #writeMeta: Statement<[string, string]>;
  readonly #markEmbedded: Statement<[string, string]>;
  readonly #embeddedCount: Statement<[], number>;
  readonly #embeddedIn: Statement<[string], number>;
  readonly #addTransaction: Transaction<(info: DocumentFileInfo, doc: ParsedDocument) => AddedDocument>;
  readonly #prefixWords: Statement<[string, string], string>;
  readonly #chunkSpan: Statement<[string], { lo: number | null; hi: number | null; n: number }>;
  readonly #keywordCandidates: number;
  readonly #keywordStatements = new Map<string, Statement<KeywordParams, RankedChunk | number>>();

  constructor(db: Database, options: DocumentIndexOptions & { chunking?: ChunkingOptions } = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#fusionDepth = options.fusionDepth;
    this.#chunking = options.chunking ?? {};
    this.#keywordCandidates = Math.max(1, Math.floor(options.keywordCandidates ?? defaultKeywordCandidates));
    this.vectorUnavailableReason = DocumentIndex.#loadVectors(db, options.vectorExtensionPath);

    const columns = 'id, file_name, title, format, size_bytes, sha256, page_count, table_count, chunk_count, warnings_json, embedded, created_at';
    this.#list = db.prepare(`SELECT ${columns} FROM documents ORDER BY created_at DESC, rowid DESC`);
    this.#get = db.prepare(`SELECT ${columns} FROM documents WHERE id = ?`);
    this.#getBySha = db.prepare(`SELECT ${columns} FROM documents WHERE sha256 = ?`);
    this.#insertDocument = db.prepare(
      `INSERT INTO documents (id, file_name, title, format, size_bytes, sha256, page_count, table_count, chunk_count, warnings_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertPage = db.prepare('INSERT INTO document_pages (document_id, number, label, text) VALUES (?, ?, ?, ?)');
    this.#insertTable = db.prepare(
      'INSERT INTO document_tables (document_id, page, table_index, title, units, header_rows, rows_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#insertChunk = db.prepare(
      'INSERT INTO chunks (document_id, page, seq, kind, table_index, heading_path, text) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#insertTerms = db.prepare('INSERT INTO chunk_terms (rowid, terms) VALUES (?, ?)');
    // Pages, tables and chunks go by ON DELETE CASCADE; the chunk triggers clear both keyword indexes and the vectors.
    this.#delete = db.prepare('DELETE FROM documents WHERE id = ?');
    this.#page = db.prepare('SELECT number, label, text FROM document_pages WHERE document_id = ? AND number = ?');
    this.#pageTables = db.prepare(
      'SELECT page, table_index, title, units, header_rows, rows_json FROM document_tables WHERE document_id = ? AND page = ? ORDER BY table_index',
    );
    this.#hits = db.prepare(
      `SELECT c.id, c.document_id, d.file_name, c.page, c.text, c.table_index
       FROM json_each(?) j JOIN chunks c ON c.id = j.value JOIN documents d ON d.id = c.document_id`,
    );
    // The terms index's words (a per-connection table over main.chunk_terms), to spell prefixes out.
    db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunk_terms_words USING fts5vocab(main, chunk_terms, row)');
    this.#prefixWords = db
      .prepare(`SELECT term FROM temp.chunk_terms_words WHERE term >= ? AND term <= ? LIMIT ${maxPrefixWords + 1}`)
      .pluck() as Statement<[string, string], string>;
    this.#chunkSpan = db.prepare(
      'SELECT MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n FROM chunks WHERE document_id IN (SELECT value FROM json_each(?))',
    );
    this.#chunkIds = db.prepare('SELECT id FROM chunks WHERE document_id = ? ORDER BY seq').pluck() as Statement<[string], number>;
    this.#chunksOf = db.prepare('SELECT id, page, table_index AS tableIndex, text FROM chunks WHERE document_id = ? ORDER BY seq') as Statement<[string], StoredChunk>;
    this.#readMeta = db.prepare('SELECT value_json FROM retrieval_meta WHERE key = ?').pluck() as Statement<[string], string>;
    this.#writeMeta = db.prepare('INSERT INTO retrieval_meta (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json');
    this.#markEmbedded = db.prepare('UPDATE documents SET embedded = 1, embedding_model = ? WHERE id = ?');
    this.#embeddedCount = db.prepare('SELECT COUNT(*) FROM documents WHERE embedded = 1').pluck() as Statement<[], number>;
    this.#embeddedIn = db
      .prepare('SELECT COUNT(*) FROM documents WHERE embedded = 1 AND id IN (SELECT value FROM json_each(?))')
      .pluck() as Statement<[string], number>;

    this.#addTransaction = db.transaction((info: DocumentFileInfo, doc: ParsedDocument) => this.#add(info, doc));
  }

  /** Loads sqlite-vec unless it is there already. Returns why it could not, or null. */
  static #loadVectors(db: Database, extensionPath: string | null | undefined): string | null {
    if (extensionPath === null) return 'Vector search is turned off for this library.';
    try {
      db.prepare('SELECT vec_version()').pluck().get();
      return null;
    } catch {
      // Not loaded yet.
    }
    try {
      if (extensionPath === undefined) sqliteVec.load(db);
      else db.loadExtension(extensionPath);
      return null;
    } catch (error) {
      return `The sqlite-vec extension could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  // Documents

  /**
   * Stores the document, its pages, tables and chunks in one IMMEDIATE transaction: on any failure nothing is left
   * behind. A file already in the library (same sha256) is not added again: its existing summary comes back with
   * `duplicate: true`.
   */
  addDocument(info: DocumentFileInfo, doc: ParsedDocument): AddedDocument {
    if (!/^[0-9a-f]{64}$/iu.test(info.sha256)) {
      throw new AppError('INVALID_INPUT', 'sha256 must be the 64 hex digits of the file’s SHA-256.', { sha256: info.sha256 });
    }
    return this.#addTransaction.immediate(info, doc);
  }

  #add(info: DocumentFileInfo, doc: ParsedDocument): AddedDocument {
    const sha256 = info.sha256.toLowerCase();
    const existing = this.#getBySha.get(sha256);
    if (existing) return { ...toSummary(existing), duplicate: true };

    const id = randomUUID();
    const tables = locateTables(doc);
    const chunks = chunkDocument(doc, this.#chunking);
    const summary: DocumentSummary = {
      id,
      fileName: info.fileName,
      title: doc.title,
      format: doc.format,
      sizeBytes: info.sizeBytes,
      sha256,
      pageCount: doc.pages.length,
      tableCount: tables.length,
      chunkCount: chunks.length,
      warnings: [...doc.warnings],
      embedded: false,
      createdAt: this.#now(),
    };
    this.#insertDocument.run(
      id,
      summary.fileName,
      summary.title,
      summary.format,
      summary.sizeBytes,
      sha256,
      summary.pageCount,
      summary.tableCount,
      summary.chunkCount,
      JSON.stringify(summary.warnings),
      summary.createdAt,
    );
    for (const page of doc.pages) this.#insertPage.run(id, page.number, page.label ?? null, pageText(page));
    for (const t of tables) this.#insertTable.run(id, t.page, t.tableIndex, t.title, t.units, t.headerRows, JSON.stringify(t.rows));
    for (const c of chunks) {
      const { lastInsertRowid } = this.#insertChunk.run(id, c.page, c.seq, c.kind, c.tableIndex, c.headingPath, c.text);
      this.#insertTerms.run(lastInsertRowid, termsText(c.text));
    }
    return { ...summary, duplicate: false };
  }

  /** Newest first. */
  listDocuments(): DocumentSummary[] {
    return this.#list.all().map(toSummary);
  }

  /** Throws AppError('NOT_FOUND'). */
  getDocument(id: string): DocumentSummary {
    const row = this.#get.get(id);
    if (!row) throw documentNotFound(id);
    return toSummary(row);
  }

  /** The page's text and tables for the page view. Throws AppError('NOT_FOUND') for an unknown document or page. */
  getPage(id: string, page: number): DocumentPageView {
    const row = this.#page.get(id, page);
    if (!row) {
      const doc = this.getDocument(id);
      throw new AppError('NOT_FOUND', `“${doc.fileName}” has no page ${page}; it has ${doc.pageCount}.`, { documentId: id, page });
    }
    return { documentId: id, number: row.number, label: row.label, text: row.text, tables: this.#pageTables.all(id, page).map(toTable) };
  }

  /** A document's chunks in reading order (for embedding, and for answers that take a whole report). */
  listChunks(documentId: string): StoredChunk[] {
    return this.#chunksOf.all(documentId);
  }

  /** Removes the document with its pages, tables, chunks, keyword index entries and vectors. Throws AppError('NOT_FOUND'). */
  removeDocument(id: string): void {
    if (this.#delete.run(id).changes === 0) throw documentNotFound(id);
  }

  // Keyword search

  /**
   * BM25-ranked chunks containing every term of the query (terms are split on spaces and punctuation), then — when
   * that finds fewer than `top` — chunks containing some of them: first those with one of the query's selective terms
   * (terms with at most `keywordCandidates` matches), then any. Chinese terms of 3+ characters are substrings through
   * the trigram index; a query with a shorter term (营收, EV) or an English word runs on the terms index
   * (queryTerms.ts). Case-insensitive. `score` is −bm25 (higher is better).
   *
   * Each ranking step scores at most `keywordCandidates` chunks, the most recently added of those that match (see
   * DocumentIndexOptions.keywordCandidates): only queries made of very common terms are affected.
   */
  searchKeyword(query: string, options: SearchOptions = {}): SearchHit[] {
    const top = clampTop(options.top);
    const terms = parseQuery(query);
    if (terms.length === 0) return [];
    const scope = options.documentIds ? this.#keywordScope(options.documentIds) : null;
    if (scope === 'empty') return [];

    // One index per query, so FTS5 intersects posting lists itself (joining two indexes' matches costs far more with
    // common terms): the trigram index when every term is Chinese of 3+ characters, otherwise the terms index.
    const useTrigram = terms.every((t) => t.index === 'trigram');
    const table = useTrigram ? 'chunks_fts' : 'chunk_terms';
    const expressions = terms.flatMap((t) => {
      const e = useTrigram ? trigramExpression(t) : this.#termsExpression(t);
      return e ? [`(${e})`] : [];
    });
    if (expressions.length === 0) return [];

    const ranked = this.#rankKeyword(table, expressions.join(' AND '), top, scope);
    if (ranked.length < top && expressions.length > 1) {
      const seen = new Set(ranked.map((r) => r.id));
      const fill = (expression: string): void => {
        for (const r of this.#rankKeyword(table, expression, top, scope)) {
          if (ranked.length >= top) break;
          if (!seen.has(r.id)) {
            seen.add(r.id);
            ranked.push(r);
          }
        }
      };
      // Chunks with a selective term before those with only common ones: ranking every chunk with any term would
      // otherwise mean ranking within the newest matches of the common terms and missing, say, older "Tesla" chunks.
      const selective = expressions.filter((e) => this.#countKeyword(table, e, scope) <= this.#keywordCandidates);
      if (selective.length > 0 && selective.length < expressions.length) fill(selective.join(' OR '));
      if (ranked.length < top) fill(expressions.join(' OR '));
    }
    const pattern = highlightPattern(terms);
    return this.#toHits(ranked, 'keyword', pattern);
  }

  #termsExpression(term: QueryTerm): string | null {
    const prefix = termsPrefix(term);
    if (prefix !== null) {
      const words = this.#prefixWords.all(prefix, `${prefix}\u{10FFFF}`).filter((w) => w.startsWith(prefix));
      if (words.length > 0 && words.length <= maxPrefixWords) return anyWordExpression(words);
    }
    return termsExpression(term);
  }

  /**
   * The chunk id span of the documents (null: the whole library), pushed into FTS5 as a rowid range so that it only
   * reads the posting lists there; `exact` when the span holds no other document's chunks (a document's chunks are
   * inserted together, so one document's span is exact), otherwise rows are also checked against the documents.
   */
  #keywordScope(documentIds: readonly string[]): KeywordScope | 'empty' {
    const docs = JSON.stringify(documentIds);
    const span = this.#chunkSpan.get(docs);
    if (!span || span.n === 0 || span.lo === null || span.hi === null) return 'empty';
    return { lo: span.lo, hi: span.hi, docs, exact: span.hi - span.lo + 1 === span.n };
  }

  #keywordStatement(kind: 'rank' | 'count', table: 'chunks_fts' | 'chunk_terms', scope: KeywordScope | null): Statement<KeywordParams, RankedChunk | number> {
    const key = `${kind} ${table} ${scope === null ? 'all' : scope.exact ? 'span' : 'documents'}`;
    let statement = this.#keywordStatements.get(key);
    if (statement) return statement;
    let where = `${table} MATCH @match`;
    if (scope) where += ' AND rowid BETWEEN @lo AND @hi';
    // "+": a check on each matching row, not a constraint FTS5 would run the whole query again for, chunk by chunk.
    if (scope && !scope.exact) where += ' AND +rowid IN (SELECT c.id FROM chunks c WHERE c.document_id IN (SELECT value FROM json_each(@docs)))';
    // bm25() in this query, not ORDER BY rank: FTS5 would sort every match itself; here SQLite keeps only the best
    // `top` (a bounded sort), and the inner LIMIT stops FTS5 (walking newest first) before it scores more than
    // @candidates chunks.
    const sql =
      kind === 'rank'
        ? `SELECT id, score FROM (SELECT rowid AS id, -bm25(${table}) AS score FROM ${table} WHERE ${where} ORDER BY rowid DESC LIMIT @candidates)
           ORDER BY score DESC, id DESC LIMIT @top`
        : `SELECT COUNT(*) FROM (SELECT 1 FROM ${table} WHERE ${where} LIMIT @candidates)`;
    statement = this.#db.prepare<KeywordParams, RankedChunk | number>(sql);
    if (kind === 'count') statement.pluck();
    this.#keywordStatements.set(key, statement);
    return statement;
  }

  #keywordParams(expression: string, scope: KeywordScope | null, extra: Partial<KeywordParams>): KeywordParams {
    const params: KeywordParams = { match: expression, ...extra };
    if (scope) {
      params.lo = scope.lo;
      params.hi = scope.hi;
      if (!scope.exact) params.docs = scope.docs;
    }
    return params;
  }

  #rankKeyword(table: 'chunks_fts' | 'chunk_terms', expression: string, top: number, scope: KeywordScope | null): RankedChunk[] {
    const statement = this.#keywordStatement('rank', table, scope) as Statement<KeywordParams, RankedChunk>;
    return statement.all(this.#keywordParams(expression, scope, { candidates: this.#keywordCandidates, top }));
  }

  /** Chunks matching the expression, counted up to keywordCandidates + 1 (enough to tell selective from common). */
  #countKeyword(table: 'chunks_fts' | 'chunk_terms', expression: string, scope: KeywordScope | null): number {
    const statement = this.#keywordStatement('count', table, scope) as Statement<KeywordParams, number>;
    return statement.get(this.#keywordParams(expression, scope, { candidates: this.#keywordCandidates + 1 })) ?? 0;
  }

  #toHits(ranked: readonly RankedChunk[], by: 'keyword' | 'vector', pattern: RegExp | null): SearchHit[] {
    if (ranked.length === 0) return [];
    const rows = new Map(this.#hits.all(JSON.stringify(ranked.map((r) => r.id))).map((row) => [row.id, row]));
    return ranked.flatMap(({ id, score }) => {
      const row = rows.get(id);
      if (!row) return [];
      return [
        {
          documentId: row.document_id,
          fileName: row.file_name,
          chunkId: String(row.id),
          page: row.page,
          text: row.text,
          highlights: findHighlights(row.text, pattern),
          tableIndex: row.table_index,
          score,
          matchedBy: [by],
        },
      ];
    });
  }

  // Vectors

  /** The embedding model and dimension the library's vectors were made with, or null when nothing is embedded. */
  embeddingInfo(): EmbeddingInfo | null {
    const json = this.#readMeta.get(embeddingMetaKey);
    return json ? (JSON.parse(json) as EmbeddingInfo) : null;
  }

  #requireVectors(): void {
    if (this.vectorUnavailableReason) {
      throw new AppError('INVALID_INPUT', `${this.vectorUnavailableReason} Meaning search is unavailable; keyword search still works.`);
    }
  }

  /**
   * Stores one vector per chunk (in chunk order) for the document, replacing any it had, and marks it embedded. The
   * first call fixes the library's model and dimension (the vector table is created then); a different model or
   * dimension later is refused until resetEmbeddings(). Throws AppError 'NOT_FOUND' or 'INVALID_INPUT'.
   */
  setEmbeddings(documentId: string, vectors: readonly Float32Array[], model: string): void {
    this.#requireVectors();
    if (!model.trim()) throw new AppError('INVALID_INPUT', 'Name the embedding model the vectors came from.');
    this.#db
      .transaction(() => {
        this.getDocument(documentId);
        const ids = this.#chunkIds.all(documentId);
        if (vectors.length !== ids.length) {
          throw new AppError('INVALID_INPUT', `The document has ${ids.length} chunks but ${vectors.length} vectors were given; embed every chunk, in order.`, {
            documentId,
            chunks: ids.length,
            vectors: vectors.length,
          });
        }
        let info = this.embeddingInfo();
        const dimension = vectors[0]?.length ?? info?.dimension ?? 0;
        if (info && (info.model !== model || info.dimension !== dimension)) {
          throw new AppError(
            'INVALID_INPUT',
            `The library is embedded with ${info.model} (${info.dimension} dimensions); these vectors come from ${model} (${dimension}). Re-embed the whole library after resetting its embeddings.`,
            { libraryModel: info.model, libraryDimension: info.dimension, model, dimension },
          );
        }
        if (!info) {
          if (!Number.isInteger(dimension) || dimension < 1) return;
          info = { model, dimension };
          this.#createVectorTable(dimension);
          this.#writeMeta.run(embeddingMetaKey, JSON.stringify(info));
        }
        vectors.forEach((v, i) => checkVector(v, dimension, `Vector ${i}`));
        this.#db.prepare(`DELETE FROM ${vectorTable} WHERE document_id = ?`).run(documentId);
        const insert = this.#db.prepare(`INSERT INTO ${vectorTable} (rowid, embedding, document_id) VALUES (?, ?, ?)`);
        ids.forEach((id, i) => insert.run(BigInt(id), toBlob(vectors[i] as Float32Array), documentId));
        this.#markEmbedded.run(model, documentId);
      })
      .immediate();
  }

  #createVectorTable(dimension: number): void {
    // document_id is a metadata column: KNN filters on it inside the vector scan. Cosine: embedding models' vectors
    // are compared by angle. The trigger keeps vectors in step with chunks, cascades included.
    this.#db.exec(/* sql */ `
      CREATE VIRTUAL TABLE IF NOT EXISTS ${vectorTable} USING vec0 (embedding float[${dimension}] distance_metric=cosine, document_id text);
      CREATE TRIGGER IF NOT EXISTS chunk_vectors_delete AFTER DELETE ON chunks BEGIN
        DELETE FROM ${vectorTable} WHERE rowid = old.id;
      END;
    `);
  }

  /** Drops every vector (e.g. before switching embedding models); documents become keyword-only until re-embedded. */
  resetEmbeddings(): void {
    this.#db
      .transaction(() => {
        this.#db.exec(`DROP TRIGGER IF EXISTS chunk_vectors_delete`);
        if (!this.vectorUnavailableReason) this.#db.exec(`DROP TABLE IF EXISTS ${vectorTable}`);
        this.#db.prepare('DELETE FROM retrieval_meta WHERE key = ?').run(embeddingMetaKey);
        this.#db.exec('UPDATE documents SET embedded = 0, embedding_model = NULL WHERE embedded = 1');
      })
      .immediate();
  }

  /** Nearest chunks by cosine distance (sqlite-vec KNN); `score` is 1 − distance. Empty when nothing is embedded. */
  searchVector(queryVector: Float32Array, options: SearchOptions = {}): SearchHit[] {
    const top = clampTop(options.top);
    return this.#toHits(this.#rankVector(queryVector, top, options.documentIds), 'vector', null);
  }

  #rankVector(queryVector: Float32Array, top: number, documentIds: readonly string[] | undefined): RankedChunk[] {
    this.#requireVectors();
    const info = this.embeddingInfo();
    if (!info) return [];
    checkVector(queryVector, info.dimension, 'The query vector');
    const filter = documentIds ? ' AND document_id IN (SELECT value FROM json_each(?))' : '';
    const sql = `SELECT rowid AS id, 1 - distance AS score FROM ${vectorTable} WHERE embedding MATCH ? AND k = ?${filter} ORDER BY distance`;
    const params: unknown[] = [toBlob(queryVector), top];
    if (documentIds) params.push(JSON.stringify(documentIds));
    return this.#db.prepare<unknown[], RankedChunk>(sql).all(...params);
  }

  // Hybrid

  /**
   * Keyword and vector hits fused by reciprocal rank (k = 60): score = Σ 1 / (60 + rank). Mode 'keyword' (keyword
   * hits only, their BM25 scores) when no query vector is given, vectors are unavailable, or no document in scope is
   * embedded — the UI says so.
   */
  searchHybrid(query: string, queryVector: Float32Array | null, options: SearchOptions = {}): SearchResult {
    const started = performance.now();
    const top = clampTop(options.top);
    const filter = options.documentIds ? JSON.stringify(options.documentIds) : null;
    const embedded = filter ? this.#embeddedIn.get(filter) : this.#embeddedCount.get();
    const hybrid = queryVector !== null && !this.vectorUnavailableReason && (embedded ?? 0) > 0 && this.embeddingInfo() !== null;
    if (!hybrid) {
      const hits = this.searchKeyword(query, options);
      return { hits, mode: 'keyword', tookMs: performance.now() - started };
    }

    const depth = Math.min(maxTop, this.#fusionDepth ?? Math.max(3 * top, 30));
    const keyword = this.searchKeyword(query, { ...options, top: depth });
    const vector = this.searchVector(queryVector, { ...options, top: depth });
    const fused = new Map<string, { hit: SearchHit; score: number; best: number }>();
    const add = (hits: readonly SearchHit[]): void => {
      hits.forEach((hit, i) => {
        const share = 1 / (rrfK + i + 1);
        const entry = fused.get(hit.chunkId);
        if (entry) {
          entry.score += share;
          entry.best = Math.min(entry.best, i);
          entry.hit.matchedBy = [...entry.hit.matchedBy, ...hit.matchedBy];
          if (entry.hit.highlights.length === 0) entry.hit.highlights = hit.highlights;
        } else {
          fused.set(hit.chunkId, { hit: { ...hit }, score: share, best: i });
        }
      });
    };
    add(keyword);
    add(vector);
    const hits = [...fused.values()]
      // Equal fused scores: the better single rank first, then keyword before vector (stable sort keeps insertion order).
      .sort((a, b) => b.score - a.score || a.best - b.best)
      .slice(0, top)
      .map(({ hit, score }) => ({ ...hit, score }));
    return { hits, mode: 'hybrid', tookMs: performance.now() - started };
  }
}
