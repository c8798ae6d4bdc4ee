/**
 * PDF → ParsedDocument with pdfjs-dist's legacy build (the one meant for Node). pdfjs runs its own worker in-thread
 * here ("fake worker"): this whole loader already runs in a worker_thread (see loadDocument.ts).
 * cMaps and standard fonts come from the installed package, so CID-keyed CJK fonts without ToUnicode decode.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { ParsedDocument, ParsedPage } from '../../../shared/documents';
import type { LoadContext } from './context';
import { documentError } from './errors';
import { abortIfNeeded } from './abort';
import { headingSizesOf, layoutPage, lineStats, type PositionedText } from './pdfLayout';

type PdfJs = typeof PdfJsModule;
let pdfjs: Promise<PdfJs> | null = null;

function packageDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
}

function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs').then((lib) => {
    // Point the fake worker at the package's file explicitly: bundlers move the importing module.
    lib.GlobalWorkerOptions.workerSrc = pathToFileURL(path.join(packageDir(), 'legacy', 'build', 'pdf.worker.mjs')).href;
    return lib;
  });
  return pdfjs;
}

function errorName(error: unknown): string {
  return error && typeof error === 'object' && 'name' in error ? String((error as { name: unknown }).name) : '';
}

export async function loadPdf(bytes: Uint8Array, context: LoadContext): Promise<ParsedDocument> {
  const lib = await loadPdfJs();
  const dir = packageDir();
  const task = lib.getDocument({
    // pdfjs transfers (detaches) the buffer it is given.
    data: new Uint8Array(bytes),
    cMapUrl: path.join(dir, 'cmaps') + path.sep,
    cMapPacked: true,
    standardFontDataUrl: path.join(dir, 'standard_fonts') + path.sep,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: lib.VerbosityLevel.ERRORS,
  });
  let pdf: Awaited<typeof task.promise>;
  try {
    pdf = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    if (errorName(error) === 'PasswordException') {
      throw documentError('encrypted', `${context.fileName} is password-protected. Remove the password (print to PDF or save an unprotected copy) and add it again.`, { fileName: context.fileName });
    }
    const message = error instanceof Error ? error.message : String(error);
    throw documentError('unreadable', `${context.fileName} is damaged or incomplete and could not be read as a PDF (${message}). Download or export it again.`, { fileName: context.fileName, cause: message });
  }

  try {
    const total = pdf.numPages;
    if (total > context.maxPages) {
      throw documentError('too-large', `${context.fileName} has ${total} pages; the limit is ${context.maxPages}. Split it into smaller files.`, { fileName: context.fileName, pages: total, maxPages: context.maxPages });
    }
    if (total === 0) throw documentError('empty', `${context.fileName} has no pages.`, { fileName: context.fileName });

    // Pass 1, per page (progress): positioned text.
    const pageItems: (PositionedText[] | null)[] = [];
    const failed: number[] = [];
    for (let number = 1; number <= total; number++) {
      abortIfNeeded(context.signal);
      try {
        const page = await pdf.getPage(number);
        const content = await page.getTextContent();
        const items: PositionedText[] = [];
        for (const item of content.items) {
          if (!('str' in item) || !item.str) continue;
          const [a, b, , d, e, f] = item.transform as number[];
          // Rotated text: font size from the matrix; position as given.
          const fontSize = Math.hypot(a ?? 0, b ?? 0) || Math.abs(d ?? 0) || item.height || 10;
          items.push({ str: item.str, x: e ?? 0, y: f ?? 0, width: item.width, fontSize });
        }
        pageItems.push(items);
        page.cleanup();
      } catch (error) {
        if (context.signal?.aborted) throw error;
        pageItems.push(null);
        failed.push(number);
      }
      context.onProgress?.(number, total);
    }

    // Pass 2: body and heading font sizes across the document, then each page's blocks.
    const stats = pageItems.flatMap((items) => (items ? lineStats(items) : []));
    const bodySize = mostCommonSize(stats);
    const headingSizes = headingSizesOf(stats, bodySize).slice(0, 6);
    const pages: ParsedPage[] = [];
    const noText: number[] = [];
    pageItems.forEach((items, index) => {
      const number = index + 1;
      if (!items) {
        pages.push({ number, blocks: [] });
        return;
      }
      const layout = layoutPage(items, { bodySize, headingSizes });
      if (layout.characters === 0) noText.push(number);
      pages.push({ number, blocks: layout.blocks });
    });

    if (failed.length === total) {
      throw documentError('unreadable', `${context.fileName} is damaged: none of its ${total} pages could be read. Download or export it again.`, { fileName: context.fileName });
    }
    if (noText.length + failed.length === total) {
      throw documentError('empty', `${context.fileName} has no text layer (scanned). Run OCR on it (e.g. "Save as searchable PDF") and add it again.`, {
        fileName: context.fileName,
        detail: 'no text layer (scanned)',
        pages: total,
      });
    }
    const warnings: string[] = [];
    if (noText.length) warnings.push(`no text layer (scanned) on ${noText.length} of ${total} pages: ${listPages(noText)}`);
    if (failed.length) warnings.push(`${failed.length} page(s) could not be read: ${listPages(failed)}`);

    let title: string | null = null;
    try {
      const meta = await pdf.getMetadata();
      const info = meta.info as { Title?: unknown } | undefined;
      if (typeof info?.Title === 'string' && info.Title.trim()) title = info.Title.trim();
    } catch {
      // Metadata is optional.
    }
    title ??= firstHeading(pages);
    return { format: 'pdf', title, pages, warnings };
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
}

function mostCommonSize(lines: { fontSize: number; text: string }[]): number {
  const weight = new Map<number, number>();
  for (const line of lines) {
    const size = Math.round(line.fontSize * 2) / 2;
    weight.set(size, (weight.get(size) ?? 0) + line.text.length);
  }
  return [...weight.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 10;
}

function listPages(pages: number[]): string {
  return pages.length > 10 ? `${pages.slice(0, 10).join(', ')}, …` : pages.join(', ');
}

export function firstHeading(pages: ParsedPage[]): string | null {
  for (const page of pages) for (const block of page.blocks) if (block.type === 'heading') return block.text;
  return null;
}
