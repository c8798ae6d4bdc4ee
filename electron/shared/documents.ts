/**
 * Reports in the library: what loaders produce, what the store keeps, what search returns and what an answer cites.
 * Runtime-neutral: crosses the API to the renderer and the CLI's --json output.
 */

export type DocumentFormat = 'pdf' | 'docx' | 'xlsx' | 'csv' | 'html' | 'txt' | 'md';

/** A table as structured data: rows of cells, header rows first; numbers stay text as written ("(1,234)"). */
export interface ParsedTable {
  /** Caption or title found just above the table, if any. */
  title: string | null;
  /** Number of leading rows that are headers. */
  headerRows: number;
  rows: string[][];
  /** Units stated for the table ("in millions", "单位：万元"), if found. */
  units: string | null;
}

export type ParsedBlock =
  | { type: 'heading'; text: string; level: number }
  | { type: 'paragraph'; text: string }
  | { type: 'table'; table: ParsedTable };

export interface ParsedPage {
  /** 1-based page number (PDF pages; the sheet index for spreadsheets; 1 for single-page formats). */
  number: number;
  /** A label when the page has a name (a spreadsheet's sheet name). */
  label?: string;
  blocks: ParsedBlock[];
}

/** What a loader returns for one file. */
export interface ParsedDocument {
  format: DocumentFormat;
  title: string | null;
  pages: ParsedPage[];
  /** Problems the user should know about ("no text layer (scanned)", "2 pages had no text"). */
  warnings: string[];
}

export interface IngestProgress {
  documentId: string | null;
  fileName: string;
  phase: 'reading' | 'parsing' | 'indexing' | 'embedding' | 'done' | 'failed' | 'cancelled';
  pagesDone: number;
  pagesTotal: number | null;
}

export interface DocumentSummary {
  id: string;
  fileName: string;
  title: string | null;
  format: DocumentFormat;
  sizeBytes: number;
  sha256: string;
  pageCount: number;
  tableCount: number;
  chunkCount: number;
  warnings: string[];
  /** Whether meaning (vector) search covers this document: an embedding model indexed it. */
  embedded: boolean;
  createdAt: number;
}

export interface SearchHit {
  documentId: string;
  fileName: string;
  chunkId: string;
  page: number;
  /** The chunk's text. */
  text: string;
  /** [start, end) offsets in `text` to highlight (query terms). */
  highlights: [number, number][];
  /** The table this chunk came from, when it is one. */
  tableIndex: number | null;
  score: number;
  /** Which searches found it. */
  matchedBy: ('keyword' | 'vector')[];
}

export interface SearchResult {
  hits: SearchHit[];
  /** 'hybrid' when an embedding model is set and the documents are embedded; otherwise 'keyword' (said in the UI). */
  mode: 'hybrid' | 'keyword';
  tookMs: number;
}

/** A passage an answer may cite as [n]; the UI links [n] to the document page with the passage highlighted. */
export interface Citation {
  n: number;
  documentId: string;
  fileName: string;
  page: number;
  chunkId: string;
  tableIndex: number | null;
  text: string;
}

/** A table with where it sits: its page and its 0-based index in the document. */
export interface LocatedTable extends ParsedTable {
  page: number;
  tableIndex: number;
}

/** What the page view shows: the page's text (headings and paragraphs) and its tables. */
export interface DocumentPageView {
  documentId: string;
  number: number;
  label: string | null;
  text: string;
  tables: LocatedTable[];
}

export interface IngestFailure {
  path: string;
  fileName: string;
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** What adding a batch of files did: a bad file is reported and the rest still go in. */
export interface IngestBatchResult {
  added: (DocumentSummary & { duplicate: boolean })[];
  failed: IngestFailure[];
  cancelled: boolean;
}
