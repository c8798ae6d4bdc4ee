/**
 * Generated fixture documents for the document loaders' tests: nothing binary is committed, every file is built here
 * with the same libraries an analyst's tools would use (pdfkit, docx, exceljs) or written as text.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';

/** Noto Sans CJK from the `fonts-noto-cjk` package; the Chinese PDF tests skip (saying why) without it. */
export const cjkFontPath = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
export const cjkFontName = 'NotoSansCJKsc-Regular';
export function hasCjkFont(): boolean {
  return existsSync(cjkFontPath);
}

// ── The numbers every fixture carries, so tests can check they land in the right columns ─────────────────────────

export const incomeStatement = {
  title: 'Consolidated Statements of Income',
  units: '(in millions, except per share data)',
  header: ['', '2024', '2023', '2022'],
  rows: [
    ['Revenue', '12,345', '11,020', '9,876'],
    ['Cost of revenue', '(7,210)', '(6,540)', '(5,980)'],
    ['Gross profit', '5,135', '4,480', '3,896'],
    ['Operating expenses', '(2,011)', '(1,876)', '(1,702)'],
    ['Net income', '3,124', '2,604', '2,194'],
    ['Earnings per share', '1.52', '1.27', '1.07'],
  ],
};

export const incomeStatementZh = {
  title: '合并利润表',
  units: '单位：万元',
  header: ['项目', '本期金额', '上期金额'],
  rows: [
    ['营业收入', '1,234,567.89', '1,100,200.00'],
    ['营业成本', '(734,100.12)', '(650,300.45)'],
    ['营业利润', '500,467.77', '449,899.55'],
    ['净利润', '420,300.00', '380,120.50'],
  ],
};

// ── PDF ─────────────────────────────────────────────────────────────────────────────────────────────────────────

function pdfToBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/** Draws a table the way report generators do: label left-aligned, numbers right-aligned in fixed columns. */
function drawPdfTable(doc: PDFKit.PDFDocument, font: string, header: string[], rows: string[][], top: number): void {
  const labelX = 72;
  const columnRight = [0, 330, 420, 510];
  const columnWidth = 80;
  let y = top;
  for (const [rowIndex, row] of [header, ...rows].entries()) {
    doc.font(font).fontSize(10);
    row.forEach((cell, i) => {
      if (!cell) return;
      if (i === 0) doc.text(cell, labelX, y, { lineBreak: false });
      else doc.text(cell, (columnRight[i] ?? 510) - columnWidth, y, { width: columnWidth, align: 'right', lineBreak: false });
    });
    y += rowIndex === 0 ? 20 : 16;
  }
}

export interface FinancialPdfOptions {
  /** Pages in all (title page + alternating table pages). Defaults to 3. */
  pages?: number;
  /** Add the Chinese 利润表 page (needs the CJK font). Defaults to hasCjkFont(). */
  chinese?: boolean;
  userPassword?: string;
}

/**
 * Page 1: a title and paragraphs. Page 2: the English income statement. Page 3 (when `chinese`): 合并利润表.
 * Further pages repeat the statements, for speed measurements.
 */
export async function makeFinancialPdf(options: FinancialPdfOptions = {}): Promise<Buffer> {
  const chinese = options.chinese ?? hasCjkFont();
  const pageCount = options.pages ?? 3;
  const doc = new PDFDocument({ size: 'A4', margin: 72, autoFirstPage: false, ...(options.userPassword ? { userPassword: options.userPassword, ownerPassword: 'owner' } : {}) });
  if (chinese) doc.registerFont('cjk', cjkFontPath, cjkFontName);
  for (let page = 1; page <= pageCount; page++) {
    doc.addPage();
    if (page === 1) {
      doc.font('Helvetica-Bold').fontSize(22).text('Acme Corp Annual Report 2024', 72, 72, { lineBreak: false });
      doc.font('Helvetica').fontSize(11);
      doc.text('Acme Corp designs and sells industrial sensors. Revenue grew 12% in fiscal 2024.', 72, 120, { lineBreak: false });
      doc.text('Management expects margins to remain stable in 2025.', 72, 140, { lineBreak: false });
      if (chinese) doc.font('cjk').fontSize(11).text('公司主营业务为工业传感器的研发与销售。', 72, 170, { lineBreak: false });
      continue;
    }
    const zhPage = chinese && page % 2 === 1;
    if (zhPage) {
      doc.font('cjk').fontSize(16).text(incomeStatementZh.title, 72, 72, { lineBreak: false });
      doc.font('cjk').fontSize(10).text(incomeStatementZh.units, 72, 100, { lineBreak: false });
      drawPdfTable(doc, 'cjk', incomeStatementZh.header, incomeStatementZh.rows, 130);
      doc.font('cjk').fontSize(10).text('注：以上数据未经审计。', 72, 260, { lineBreak: false });
    } else {
      doc.font('Helvetica-Bold').fontSize(16).text(incomeStatement.title, 72, 72, { lineBreak: false });
      doc.font('Helvetica').fontSize(10).text(incomeStatement.units, 72, 100, { lineBreak: false });
      drawPdfTable(doc, 'Helvetica', incomeStatement.header, incomeStatement.rows, 130);
      doc.font('Helvetica').fontSize(10).text('See accompanying notes to the consolidated financial statements.', 72, 260, { lineBreak: false });
    }
  }
  return pdfToBuffer(doc);
}

/** A grey square as a PNG, for the scanned-like PDF. */
function greyPng(size = 64): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const raw = Buffer.alloc((size + 1) * size, 0x80);
  for (let row = 0; row < size; row++) raw[row * (size + 1)] = 0; // filter: none
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Pages that hold only an image, like a scan without OCR. */
export async function makeScannedPdf(pages = 2): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', autoFirstPage: false });
  const png = greyPng();
  for (let i = 0; i < pages; i++) {
    doc.addPage();
    doc.image(png, 72, 72, { width: 400 });
  }
  return pdfToBuffer(doc);
}

/** Text pages followed by image-only pages: a partly scanned report. */
export async function makePartlyScannedPdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', autoFirstPage: false });
  doc.addPage();
  doc.font('Helvetica').fontSize(11).text('Cover letter with a text layer.', 72, 72, { lineBreak: false });
  doc.addPage();
  doc.image(greyPng(), 72, 72, { width: 400 });
  return pdfToBuffer(doc);
}

/** Many near-empty pages, for the page limit. */
export async function makeManyPagePdf(pages: number): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A7', autoFirstPage: false });
  for (let i = 0; i < pages; i++) doc.addPage();
  return pdfToBuffer(doc);
}

// ── DOCX ────────────────────────────────────────────────────────────────────────────────────────────────────────

export async function makeDocx(): Promise<Buffer> {
  const cell = (text: string, right = false) =>
    new TableCell({ children: [new Paragraph({ children: [new TextRun(text)], ...(right ? { alignment: AlignmentType.RIGHT } : {}) })] });
  const row = (cells: string[]) => new TableRow({ children: cells.map((text, i) => cell(text, i > 0)) });
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: 'Acme Corp Quarterly Review', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('Revenue grew 12% year over year, driven by industrial sensors.'),
          new Paragraph('管理层预计2025年毛利率保持稳定。'),
          new Paragraph({ text: 'Income statement', heading: HeadingLevel.HEADING_2 }),
          new Paragraph('(in millions)'),
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [row(incomeStatement.header), ...incomeStatement.rows.map(row)],
          }),
          new Paragraph({ text: '利润表', heading: HeadingLevel.HEADING_2 }),
          new Paragraph('单位：万元'),
          new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [row(incomeStatementZh.header), ...incomeStatementZh.rows.map(row)] }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

// ── XLSX / CSV ──────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Sheet "Income Statement": a merged title, a units line, a merged "Fiscal year" header over two columns, numbers
 * with a #,##0 format and formula cells (with cached results, as Excel saves them); a second block below a gap.
 * Sheet "利润表": the Chinese statement.
 */
export async function makeXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Income Statement');
  sheet.getCell('A1').value = 'Acme Corp Income Statement';
  sheet.mergeCells('A1:C1');
  sheet.getCell('A2').value = 'in millions';
  sheet.getCell('B3').value = 'Fiscal year';
  sheet.mergeCells('B3:C3');
  sheet.getRow(4).values = ['Item', '2024', '2023'];
  sheet.getRow(5).values = ['Revenue', 12345, 11020];
  sheet.getRow(6).values = ['Cost of revenue', 7210, 6540];
  sheet.getCell('A7').value = 'Gross profit';
  sheet.getCell('B7').value = { formula: 'B5-B6', result: 5135 };
  sheet.getCell('C7').value = { formula: 'C5-C6', result: 4480 };
  sheet.getCell('A8').value = 'Gross margin';
  sheet.getCell('B8').value = { formula: 'B7/B5', result: 5135 / 12345 };
  sheet.getCell('C8').value = { formula: 'C7/C5', result: 4480 / 11020 };
  for (const r of [5, 6, 7]) for (const c of ['B', 'C']) sheet.getCell(`${c}${r}`).numFmt = '#,##0';
  for (const c of ['B', 'C']) sheet.getCell(`${c}8`).numFmt = '0.0%';
  // A second block after an empty row.
  sheet.getRow(10).values = ['Headcount', 'Dec 2024'];
  sheet.getRow(11).values = ['Employees', 1520];

  const zh = workbook.addWorksheet('利润表');
  zh.getCell('A1').value = '单位：人民币千元';
  zh.getRow(2).values = incomeStatementZh.header;
  zh.getRow(3).values = ['营业收入', 1234567.89, 1100200];
  zh.getRow(4).values = ['净利润', 420300, 380120.5];
  for (const r of [3, 4]) for (const c of ['B', 'C']) zh.getCell(`${c}${r}`).numFmt = '#,##0.00';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const csvText = '\uFEFFItem;2024;2023\nRevenue;"12,345";"11,020"\nNet income;"3,124";"2,604"\n营业收入;"1,234,567.89";"1,100,200.00"\n';

// ── HTML / text ─────────────────────────────────────────────────────────────────────────────────────────────────

/** An SEC-style filing page: inline styles, `$` in its own cell, empty spacer columns, a page-break <hr>. */
export const secFilingHtml = `<!DOCTYPE html>
<html><head><title>Acme Corp 10-K</title><style>.x{color:red}</style><script>var hidden = "do not index";</script></head>
<body>
<div style="display:none">XBRL hidden facts 999999</div>
<p style="font-weight:bold;text-align:center">UNITED STATES SECURITIES AND EXCHANGE COMMISSION</p>
<h1>Acme Corp Annual Report</h1>
<p>Acme Corp designs and sells industrial sensors.</p>
<hr style="page-break-after:always"/>
<h2>Item 8. Financial Statements</h2>
<p style="text-align:center">CONSOLIDATED STATEMENTS OF INCOME</p>
<p style="text-align:center">(In millions, except per share data)</p>
<table style="border-collapse:collapse;width:100%">
<tr><td style="width:60%"></td><td></td><td colspan="6" style="text-align:center">Year Ended December 31,</td></tr>
<tr><td></td><td></td><td colspan="2" style="text-align:center">2024</td><td></td><td colspan="2" style="text-align:center">2023</td><td></td></tr>
<tr><td>Revenue</td><td></td><td>$</td><td style="text-align:right">12,345</td><td></td><td>$</td><td style="text-align:right">11,020</td><td></td></tr>
<tr><td>Cost of revenue</td><td></td><td></td><td style="text-align:right">(7,210</td><td>)</td><td></td><td style="text-align:right">(6,540</td><td>)</td></tr>
<tr><td>Net income</td><td></td><td>$</td><td style="text-align:right">3,124</td><td></td><td>$</td><td style="text-align:right">2,604</td><td></td></tr>
</table>
<div style="page-break-before:always"></div>
<h2>Item 9. Changes in Accountants</h2>
<p>None.</p>
</body></html>`;

export const reportText = 'Acme Corp memo\n\nRevenue grew 12% in 2024.\nMargins were stable.\n\f第二页：管理层讨论与分析。\n\n净利润增长20%。\n';

export const reportMarkdown = `# Acme Corp notes

Revenue grew **12%** in 2024.

## Income statement

(in millions)

| Item | 2024 | 2023 |
|------|-----:|-----:|
| Revenue | 12,345 | 11,020 |
| Net income | 3,124 | 2,604 |

Closing paragraph.
`;

// ── Writing them all ────────────────────────────────────────────────────────────────────────────────────────────

export interface DocumentFixtures {
  pdf: string;
  scannedPdf: string;
  partlyScannedPdf: string;
  encryptedPdf: string;
  truncatedPdf: string;
  textAsPdf: string;
  docx: string;
  docxAsPdf: string;
  xlsx: string;
  csv: string;
  html: string;
  txt: string;
  md: string;
  empty: string;
  binaryJunk: string;
}

/** Writes every fixture into `dir` and returns their paths. */
export async function writeDocumentFixtures(dir: string): Promise<DocumentFixtures> {
  const file = (name: string, data: Buffer | string) => {
    const target = path.join(dir, name);
    writeFileSync(target, data);
    return target;
  };
  const pdf = await makeFinancialPdf();
  const docx = await makeDocx();
  return {
    pdf: file('report.pdf', pdf),
    scannedPdf: file('scan.pdf', await makeScannedPdf()),
    partlyScannedPdf: file('partly-scanned.pdf', await makePartlyScannedPdf()),
    encryptedPdf: file('encrypted.pdf', await makeFinancialPdf({ pages: 2, chinese: false, userPassword: 'secret' })),
    truncatedPdf: file('truncated.pdf', pdf.subarray(0, Math.floor(pdf.length / 3))),
    textAsPdf: file('notes.pdf', 'This is really a text file with a .pdf name.\n\nSecond paragraph.\n'),
    docx: file('review.docx', docx),
    docxAsPdf: file('review-misnamed.pdf', docx),
    xlsx: file('model.xlsx', await makeXlsx()),
    csv: file('figures.csv', csvText),
    html: file('10-k.htm', secFilingHtml),
    txt: file('memo.txt', reportText),
    md: file('notes.md', reportMarkdown),
    empty: file('empty.pdf', Buffer.alloc(0)),
    binaryJunk: file('blob.bin', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x13, 0x37, 0x00, 0x00, 0x9c, 0x80])),
  };
}
