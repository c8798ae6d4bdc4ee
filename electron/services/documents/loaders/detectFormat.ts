/**
 * Which format a file is, from its bytes: `%PDF-` → PDF; a ZIP with `word/` entries → DOCX, with `xl/` → XLSX;
 * text that looks like HTML → HTML; other text → by extension (CSV/TSV, Markdown) or TXT. The extension only picks
 * between text formats: a misnamed file is read as what it is (with a warning), anything else is unsupported.
 */
import path from 'node:path';
import type { DocumentFormat } from '../../../shared/documents';
import { documentError } from './errors';

export interface DetectedFormat {
  format: DocumentFormat;
  /** Set when the extension says something else. */
  warning: string | null;
}

const extensionFormats: Record<string, DocumentFormat> = {
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.xlsx': 'xlsx',
  '.xlsm': 'xlsx',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.htm': 'html',
  '.html': 'html',
  '.xhtml': 'html',
  '.txt': 'txt',
  '.text': 'txt',
  '.md': 'md',
  '.markdown': 'md',
};

function looksLikeText(head: Uint8Array): boolean {
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 9 || (byte > 13 && byte < 32 && byte !== 27)) control++;
  }
  return control <= head.length * 0.01;
}

function detectByContent(bytes: Uint8Array, extensionFormat: DocumentFormat | undefined, fileName: string): DocumentFormat {
  const head = bytes.subarray(0, 1024);
  const headText = Buffer.from(head).toString('latin1');
  if (headText.includes('%PDF-')) return 'pdf';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    // Entry names are stored in plain text in the local headers and the central directory.
    const zip = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (zip.includes('word/document') || zip.includes('word/')) return 'docx';
    if (zip.includes('xl/workbook') || zip.includes('xl/')) return 'xlsx';
    throw documentError('unsupported', `${fileName} is a ZIP archive but not a Word (.docx) or Excel (.xlsx) file.`, { fileName });
  }
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    throw documentError('unsupported', `${fileName} is a legacy Office file (.doc/.xls) or a password-protected Office file. Save it as .docx/.xlsx without a password and add it again.`, { fileName });
  }
  if (!looksLikeText(head)) throw documentError('unsupported', `${fileName} is not a PDF, Word, Excel, CSV, HTML, Markdown or text file.`, { fileName });
  const text = new TextDecoder('utf-8').decode(head).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (/^<!doctype html|^<html|^<\?xml[^>]*>\s*(?:<!doctype html|<html)/.test(text) || /<(?:html|body|table|div|p)[\s>]/.test(text.slice(0, 512))) {
    return extensionFormat === 'md' || extensionFormat === 'txt' ? extensionFormat : 'html';
  }
  if (extensionFormat === 'csv' || extensionFormat === 'md' || extensionFormat === 'html') return extensionFormat;
  return 'txt';
}

export function detectFormat(bytes: Uint8Array, filePath: string): DetectedFormat {
  const fileName = path.basename(filePath);
  const extension = path.extname(fileName).toLowerCase();
  const extensionFormat = extensionFormats[extension];
  if (bytes.length === 0) throw documentError('empty', `${fileName} is empty (0 bytes).`, { fileName });
  const format = detectByContent(bytes, extensionFormat, fileName);
  const warning = extensionFormat && extensionFormat !== format ? `${fileName} is named ${extension} but contains ${format.toUpperCase()}; read as ${format.toUpperCase()}` : null;
  return { format, warning };
}
