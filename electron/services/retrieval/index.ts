/** The retrieval service: the document library's index (chunks, keyword and vector search) on the app's SQLite store. */
export { DocumentIndex, defaultKeywordCandidates, documentNotFound, rrfK } from './DocumentIndex';
export { chunkDocument, splitSentences, renderTable, locateTables, pageText, headingSeparator, defaultTargetChars, defaultOverlapChars } from './chunking';
export { parseQuery, termsText, findHighlights, highlightPattern, maxQueryTerms, type QueryTerm } from './queryTerms';
export type {
  AddedDocument,
  ChunkingOptions,
  DocumentChunk,
  DocumentFileInfo,
  DocumentIndexOptions,
  DocumentPageView,
  EmbeddingInfo,
  LocatedTable,
  SearchOptions,
  StoredChunk,
} from './types';
