import type { DocumentSummary } from '../../shared/documents';

export interface ChunkingOptions {
  /** Length a text chunk aims for, in characters (UTF-16 units). Defaults to 1000. */
  targetChars?: number;
  /**
   * Characters of whole sentences repeated from the end of the previous chunk of the same section, so a sentence pair
   * split across chunks is still found together. Defaults to 150; 0 turns it off.
   */
  overlapChars?: number;
}

/** One searchable passage. Never spans two pages; `text` starts with the heading path line when there is one. */
export interface DocumentChunk {
  /** 0-based order within the document. */
  seq: number;
  page: number;
  kind: 'text' | 'table';
  /** 0-based index of the table in the document (reading order), for table chunks. */
  tableIndex: number | null;
  /** Headings above the passage, outermost first, joined by " › " ("Income statement › Revenue"); '' when none. */
  headingPath: string;
  text: string;
}

// The page view's types cross the API, so they live in electron/shared/documents.ts.
export type { LocatedTable, DocumentPageView } from '../../shared/documents';

/** What the caller knows about the file itself (the loader does not). */
export interface DocumentFileInfo {
  fileName: string;
  sizeBytes: number;
  /** Hex SHA-256 of the file's bytes: the same file added twice is one document. */
  sha256: string;
}

/** addDocument's answer: the document, and whether it was already in the library (then nothing was written). */
export interface AddedDocument extends DocumentSummary {
  duplicate: boolean;
}

export interface SearchOptions {
  /** Most hits returned. Defaults to 10. */
  top?: number;
  /** Only search these documents. Defaults to the whole library. */
  documentIds?: readonly string[];
}

export interface EmbeddingInfo {
  model: string;
  dimension: number;
}

export interface DocumentIndexOptions {
  /** Clock for `createdAt`. Defaults to Date.now. */
  now?: () => number;
  /**
   * Path of the sqlite-vec loadable extension (in a packaged app it lives outside the asar archive). Defaults to the
   * `sqlite-vec` package's own; `null` runs without vectors (keyword search only, setEmbeddings throws).
   */
  vectorExtensionPath?: string | null;
  /** Candidates each search contributes before fusion in searchHybrid. Defaults to max(3 × top, 30). */
  fusionDepth?: number;
  /**
   * Most chunks one keyword ranking step scores with BM25; when more match, the most recently added of them are
   * scored. BM25 costs about 0.35 µs per matching chunk (FTS5 reads each one's positions and length), so a term in half
   * of a 100,000-chunk library would take 15–20 ms to rank in full. Queries with a selective term (a company, a rare
   * phrase) match fewer and are ranked exactly. Defaults to 10,000.
   */
  keywordCandidates?: number;
}

/** A stored chunk as answers cite it: its id (the citation's chunkId), page, table and text. */
export interface StoredChunk {
  id: number;
  page: number;
  tableIndex: number | null;
  text: string;
}
