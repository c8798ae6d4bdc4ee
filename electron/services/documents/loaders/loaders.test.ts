import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedDocument, ParsedTable } from '../../../shared/documents';
import { AppError } from '../../../shared/errors';
import { type DocumentFixtures, hasCjkFont, incomeStatement, incomeStatementZh, makeFinancialPdf, makeManyPagePdf, writeDocumentFixtures } from '../../../testing/documentFixtures';
import { repoRoot, tempDir } from '../../../testing/fixtures';
import { documentErrorReason, loadDocument, parseDocumentFile } from './index';

let dir: { dir: string; cleanup(): void };
let files: DocumentFixtures;

beforeAll(async () => {
  dir = tempDir('dianjin-docs-');
  files = await writeDocumentFixtures(dir.dir);
});
afterAll(() => dir.cleanup());

function tables(doc: ParsedDocument): ParsedTable[] {
  return doc.pages.flatMap((page) => page.blocks.flatMap((block) => (block.type === 'table' ? [block.table] : [])));
}

function rowOf(table: ParsedTable, label: string): string[] | undefined {
  return table.rows.find((row) => row[0] === label);
}

async function reasonOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
  } catch (error) {
    expect(AppError.is(error)).toBe(true);
    return documentErrorReason(error);
  }
  throw new Error('expected the load to fail');
}

describe('PDF', () => {
  it('rebuilds headings, paragraphs and the income statement table with numbers in their columns', async () => {
    const doc = await parseDocumentFile(files.pdf);
    expect(doc.format).toBe('pdf');
    expect(doc.title).toBe('Acme Corp Annual Report 2024');
    expect(doc.pages.map((p) => p.number)).toEqual(hasCjkFont() ? [1, 2, 3] : [1, 2, 3]);
    expect(doc.pages[0]?.blocks[0]).toEqual({ type: 'heading', text: 'Acme Corp Annual Report 2024', level: 1 });
    const table = tables(doc).find((t) => t.title === incomeStatement.title);
    expect(table).toBeDefined();
    if (!table) return;
    expect(table.units).toBe('in millions, except per share data');
    expect(table.headerRows).toBe(1);
    expect(table.rows[0]).toEqual(incomeStatement.header);
    expect(table.rows.slice(1)).toEqual(incomeStatement.rows);
    expect(doc.pages[1]?.blocks.some((b) => b.type === 'table')).toBe(true);
    expect(doc.warnings).toEqual([]);
  });

  it.skipIf(!hasCjkFont())('decodes Chinese text without spurious spaces and rebuilds 利润表 (needs fonts-noto-cjk)', async () => {
    const doc = await parseDocumentFile(files.pdf);
    const page3 = doc.pages[2];
    expect(page3?.number).toBe(3);
    const table = tables(doc).find((t) => t.title === incomeStatementZh.title);
    expect(table?.units).toBe('单位：万元');
    expect(table?.rows).toEqual([incomeStatementZh.header, ...incomeStatementZh.rows]);
    const paragraphs = doc.pages[0]?.blocks.filter((b) => b.type === 'paragraph').map((b) => (b.type === 'paragraph' ? b.text : ''));
    expect(paragraphs).toContain('公司主营业务为工业传感器的研发与销售。');
    expect(page3?.blocks.at(-1)).toEqual({ type: 'paragraph', text: '注：以上数据未经审计。' });
  });

  it('warns about pages without a text layer', async () => {
    const doc = await parseDocumentFile(files.partlyScannedPdf);
    expect(doc.pages).toHaveLength(2);
    expect(doc.pages[1]?.blocks).toEqual([]);
    expect(doc.warnings).toEqual(['no text layer (scanned) on 1 of 2 pages: 2']);
  });

  it('rejects a PDF with no text on any page as empty, saying it is scanned', async () => {
    const error = await parseDocumentFile(files.scannedPdf).catch((e: unknown) => e);
    expect(documentErrorReason(error)).toBe('empty');
    expect((error as AppError).message).toContain('no text layer (scanned)');
  });

  it('rejects encrypted and truncated PDFs with their own reasons', async () => {
    expect(await reasonOf(parseDocumentFile(files.encryptedPdf))).toBe('encrypted');
    expect(await reasonOf(parseDocumentFile(files.truncatedPdf))).toBe('unreadable');
  });

  it('rejects a PDF over 2,000 pages from its page count, before reading pages', async () => {
    const file = path.join(dir.dir, 'huge.pdf');
    writeFileSync(file, await makeManyPagePdf(2001));
    const progress: number[] = [];
    const error = await parseDocumentFile(file, { onProgress: (done) => progress.push(done) }).catch((e: unknown) => e);
    expect(documentErrorReason(error)).toBe('too-large');
    expect((error as AppError).message).toContain('2001 pages; the limit is 2000');
    expect(progress).toEqual([]);
  });
});

describe('other formats', () => {
  it('DOCX: headings from h1/h2, paragraphs, tables with units (en + zh)', async () => {
    const doc = await parseDocumentFile(files.docx);
    expect(doc.format).toBe('docx');
    expect(doc.title).toBe('Acme Corp Quarterly Review');
    const blocks = doc.pages[0]?.blocks ?? [];
    expect(blocks[0]).toEqual({ type: 'heading', text: 'Acme Corp Quarterly Review', level: 1 });
    expect(blocks).toContainEqual({ type: 'paragraph', text: '管理层预计2025年毛利率保持稳定。' });
    const [en, zh] = tables(doc);
    expect(en).toMatchObject({ title: 'Income statement', units: 'in millions', headerRows: 1 });
    expect(en?.rows.slice(1)).toEqual(incomeStatement.rows);
    expect(zh).toMatchObject({ title: '利润表', units: '单位：万元' });
    expect(zh?.rows).toEqual([incomeStatementZh.header, ...incomeStatementZh.rows]);
  });

  it('XLSX: a page per sheet, displayed numbers, formula results, merged headers, one table per block', async () => {
    const doc = await parseDocumentFile(files.xlsx);
    expect(doc.pages.map((p) => [p.number, p.label])).toEqual([
      [1, 'Income Statement'],
      [2, '利润表'],
    ]);
    const [main, headcount, zh] = tables(doc);
    expect(main).toMatchObject({ title: 'Acme Corp Income Statement', units: 'in millions', headerRows: 2 });
    expect(main?.rows[0]).toEqual(['', 'Fiscal year', '']);
    expect(main?.rows[1]).toEqual(['Item', '2024', '2023']);
    expect(rowOf(main as ParsedTable, 'Revenue')).toEqual(['Revenue', '12,345', '11,020']);
    expect(rowOf(main as ParsedTable, 'Gross profit')).toEqual(['Gross profit', '5,135', '4,480']);
    expect(rowOf(main as ParsedTable, 'Gross margin')).toEqual(['Gross margin', '41.6%', '40.7%']);
    expect(headcount?.rows).toEqual([
      ['Headcount', 'Dec 2024'],
      ['Employees', '1520'],
    ]);
    expect(zh).toMatchObject({ units: '单位：人民币千元', headerRows: 1 });
    expect(rowOf(zh as ParsedTable, '营业收入')).toEqual(['营业收入', '1,234,567.89', '1,100,200.00']);
  });

  it('CSV: one table, delimiter detected, BOM stripped', async () => {
    const doc = await parseDocumentFile(files.csv);
    expect(doc.format).toBe('csv');
    expect(doc.pages).toHaveLength(1);
    expect(tables(doc)[0]?.rows).toEqual([
      ['Item', '2024', '2023'],
      ['Revenue', '12,345', '11,020'],
      ['Net income', '3,124', '2,604'],
      ['营业收入', '1,234,567.89', '1,100,200.00'],
    ]);
  });

  it('HTML (SEC filing): visible text only, page breaks, $ and ) merged, spacer columns dropped', async () => {
    const doc = await parseDocumentFile(files.html);
    expect(doc).toMatchObject({ format: 'html', title: 'Acme Corp 10-K' });
    expect(doc.pages.map((p) => p.number)).toEqual([1, 2, 3]);
    const text = JSON.stringify(doc);
    expect(text).not.toContain('XBRL hidden');
    expect(text).not.toContain('do not index');
    const [table] = tables(doc);
    expect(doc.pages[1]?.blocks.some((b) => b.type === 'table')).toBe(true);
    expect(table).toMatchObject({ title: 'CONSOLIDATED STATEMENTS OF INCOME', units: 'In millions, except per share data', headerRows: 2 });
    expect(table?.rows).toEqual([
      ['', 'Year Ended December 31,', ''],
      ['', '2024', '2023'],
      ['Revenue', '$12,345', '$11,020'],
      ['Cost of revenue', '(7,210)', '(6,540)'],
      ['Net income', '$3,124', '$2,604'],
    ]);
    expect(doc.pages[2]?.blocks[0]).toEqual({ type: 'heading', text: 'Item 9. Changes in Accountants', level: 2 });
  });

  it('TXT: paragraphs, form feed starts a page; Markdown: headings and pipe tables', async () => {
    const txt = await parseDocumentFile(files.txt);
    expect(txt.pages.map((p) => p.blocks)).toEqual([
      [
        { type: 'paragraph', text: 'Acme Corp memo' },
        { type: 'paragraph', text: 'Revenue grew 12% in 2024. Margins were stable.' },
      ],
      [
        { type: 'paragraph', text: '第二页：管理层讨论与分析。' },
        { type: 'paragraph', text: '净利润增长20%。' },
      ],
    ]);
    const md = await parseDocumentFile(files.md);
    expect(md.pages[0]?.blocks[0]).toEqual({ type: 'heading', text: 'Acme Corp notes', level: 1 });
    expect(md.pages[0]?.blocks[1]).toEqual({ type: 'paragraph', text: 'Revenue grew 12% in 2024.' });
    expect(tables(md)[0]).toEqual({
      title: 'Income statement',
      units: 'in millions',
      headerRows: 1,
      rows: [
        ['Item', '2024', '2023'],
        ['Revenue', '12,345', '11,020'],
        ['Net income', '3,124', '2,604'],
      ],
    });
  });
});

describe('format detection and bad input', () => {
  it('reads a misnamed file as what it contains, with a warning', async () => {
    const docx = await parseDocumentFile(files.docxAsPdf);
    expect(docx.format).toBe('docx');
    expect(docx.warnings[0]).toContain('is named .pdf but contains DOCX');
    const text = await parseDocumentFile(files.textAsPdf);
    expect(text.format).toBe('txt');
    expect(text.warnings[0]).toContain('is named .pdf but contains TXT');
  });

  it('rejects zero-byte, binary, missing and oversized files with their reasons', async () => {
    expect(await reasonOf(parseDocumentFile(files.empty))).toBe('empty');
    const unsupported = await parseDocumentFile(files.binaryJunk).catch((e: unknown) => e);
    expect(documentErrorReason(unsupported)).toBe('unsupported');
    expect((unsupported as AppError).message).toContain('blob.bin');
    expect(await reasonOf(parseDocumentFile(path.join(dir.dir, 'missing.pdf')))).toBe('unreadable');
    expect(await reasonOf(parseDocumentFile(files.pdf, { maxBytes: 100 }))).toBe('too-large');
  });
});

describe('loadDocument (worker thread)', () => {
  it('parses in a worker from source (tsx) and reports progress per page', async () => {
    const progress: [number, number][] = [];
    const doc = await loadDocument(files.pdf, { onProgress: (done, total) => progress.push([done, total]) });
    expect(tables(doc).length).toBeGreaterThan(0);
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('runs the esbuild bundle (dist/electron/documentWorker.js, built by globalSetup)', async () => {
    const doc = await loadDocument(files.html, { workerPath: path.join(repoRoot, 'dist', 'electron', 'documentWorker.js') });
    expect(tables(doc)[0]?.rows[2]).toEqual(['Revenue', '$12,345', '$11,020']);
    const pdf = await loadDocument(files.pdf, { workerPath: path.join(repoRoot, 'dist', 'electron', 'documentWorker.js') });
    expect(pdf.pages).toHaveLength(3);
  });

  it('passes errors across the thread with their reason', async () => {
    expect(await reasonOf(loadDocument(files.encryptedPdf))).toBe('encrypted');
  });

  it('cancels: terminates the worker mid-document and rejects as cancelled', async () => {
    const file = path.join(dir.dir, 'long.pdf');
    writeFileSync(file, await makeFinancialPdf({ pages: 200 }));
    const controller = new AbortController();
    const progress: number[] = [];
    const started = Date.now();
    const result = loadDocument(file, {
      signal: controller.signal,
      onProgress: (done) => {
        progress.push(done);
        if (done === 2) controller.abort();
      },
    });
    expect(await reasonOf(result)).toBe('cancelled');
    expect(Math.max(...progress)).toBeLessThan(200);
    expect(Date.now() - started).toBeLessThan(30_000);
    const before = new AbortController();
    before.abort();
    expect(await reasonOf(loadDocument(files.pdf, { signal: before.signal }))).toBe('cancelled');
  });

  it('keeps the caller event loop free while a worker parses', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await loadDocument(files.pdf);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
  });
});
