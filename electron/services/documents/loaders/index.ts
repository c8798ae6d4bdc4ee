/** Document loaders: files analysts add (PDF, DOCX, XLSX, CSV, HTML, TXT, Markdown) → ParsedDocument. */
export { loadDocument, resolveDocumentWorker, type LoadDocumentOptions } from './loadDocument';
export { parseDocumentBytes, parseDocumentFile, defaultMaxPages, defaultMaxBytes, type ParseLimits, type ParseOptions } from './parseDocument';
export { detectFormat, type DetectedFormat } from './detectFormat';
export { documentError, documentErrorReason, documentErrorCodes, type DocumentErrorReason } from './errors';
