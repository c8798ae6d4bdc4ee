/** Reads and parses one file in the current thread. loadDocument runs this in a worker; tests may call it directly. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ParsedDocument } from '../../../shared/documents';
import { abortIfNeeded } from './abort';
import type { LoadContext } from './context';
import { detectFormat } from './detectFormat';
import { loadDocx } from './docx';
import { documentError } from './errors';
import { parseHtml } from './html';
import { loadPdf } from './pdf';
import { loadCsv, loadXlsx } from './spreadsheets';
import { decodeText } from './text';
import { loadText } from './textFormats';

export interface ParseLimits {
  /** Defaults to 2,000. */
  maxPages?: number;
  /** Defaults to 500 MiB. */
  maxBytes?: number;
}

export const defaultMaxPages = 2000;
export const defaultMaxBytes = 500 * 1024 * 1024;

export interface ParseOptions extends ParseLimits {
  onProgress?(pagesDone: number, pagesTotal: number): void;
  signal?: AbortSignal;
}

export async function parseDocumentFile(filePath: string, options: ParseOptions = {}): Promise<ParsedDocument> {
  const fileName = path.basename(filePath);
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  let size: number;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw documentError('unsupported', `${fileName} is not a file.`, { fileName });
    size = info.size;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') throw documentError('unreadable', `${fileName} was not found at ${filePath}.`, { fileName, filePath });
    throw error;
  }
  if (size > maxBytes) {
    throw documentError('too-large', `${fileName} is ${(size / 1024 / 1024).toFixed(0)} MiB; the limit is ${(maxBytes / 1024 / 1024).toFixed(0)} MiB.`, { fileName, sizeBytes: size, maxBytes });
  }
  const bytes = await readFile(filePath);
  abortIfNeeded(options.signal, fileName);
  return parseDocumentBytes(bytes, fileName, options);
}

export async function parseDocumentBytes(bytes: Uint8Array, fileName: string, options: ParseOptions = {}): Promise<ParsedDocument> {
  const { format, warning } = detectFormat(bytes, fileName);
  const context: LoadContext = {
    fileName,
    maxPages: options.maxPages ?? defaultMaxPages,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  let document: ParsedDocument;
  switch (format) {
    case 'pdf':
      document = await loadPdf(bytes, context);
      break;
    case 'docx':
      document = await loadDocx(bytes, context);
      break;
    case 'xlsx':
      document = await loadXlsx(bytes, context);
      break;
    default: {
      const { text, warnings } = decodeText(bytes, fileName);
      if (!text.trim()) throw documentError('empty', `${fileName} has no text.`, { fileName });
      if (format === 'csv') document = loadCsv(text, context);
      else if (format === 'html') {
        const parsed = parseHtml(text);
        if (parsed.pages.length > context.maxPages) {
          throw documentError('too-large', `${fileName} has ${parsed.pages.length} pages; the limit is ${context.maxPages}.`, { fileName, pages: parsed.pages.length, maxPages: context.maxPages });
        }
        document = { format: 'html', title: parsed.title, pages: parsed.pages, warnings: [] };
      } else document = loadText(text, format === 'md' ? 'md' : 'txt');
      if (format !== 'csv' && !document.pages.some((page) => page.blocks.length)) throw documentError('empty', `${fileName} has no visible text.`, { fileName });
      if (format !== 'csv' && document.pages.length > context.maxPages) {
        throw documentError('too-large', `${fileName} has ${document.pages.length} pages; the limit is ${context.maxPages}.`, { fileName, pages: document.pages.length, maxPages: context.maxPages });
      }
      document.warnings.unshift(...warnings);
      if (format !== 'csv') context.onProgress?.(document.pages.length, document.pages.length);
    }
  }
  if (warning) document.warnings.unshift(warning);
  return document;
}
