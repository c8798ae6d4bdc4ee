/** DOCX: mammoth turns it into HTML (headings as h1–h6, tables as tables), which html.ts parses. One page: DOCX has no fixed pages. */
import mammoth from 'mammoth';
import type { ParsedDocument } from '../../../shared/documents';
import type { LoadContext } from './context';
import { documentError } from './errors';
import { parseHtml } from './html';

export async function loadDocx(bytes: Uint8Array, context: LoadContext): Promise<ParsedDocument> {
  let html: string;
  try {
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    html = result.value;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw documentError('unreadable', `${context.fileName} could not be read as a Word document (${message}). Open and re-save it in Word, then add it again.`, { fileName: context.fileName, cause: message });
  }
  const parsed = parseHtml(html);
  const blocks = parsed.pages.flatMap((page) => page.blocks);
  if (!blocks.length) throw documentError('empty', `${context.fileName} has no text.`, { fileName: context.fileName });
  context.onProgress?.(1, 1);
  return { format: 'docx', title: parsed.title, pages: [{ number: 1, blocks }], warnings: [] };
}
