/**
 * XLSX (exceljs) and CSV (papaparse).
 *
 * XLSX: each sheet is a page labelled with its name. Cells show their displayed text: numbers through their number
 * format (the common Excel formats: thousands separators, decimals, %, negative sections in parentheses,
 * currency literals; dates as yyyy-mm-dd), formulas through their cached result (as Excel saved it; nothing is
 * recalculated). A merged range's text sits in its first cell. Empty rows/columns are trimmed; each block of rows
 * between empty rows is one table; a block's leading single-cell text rows become its title and units.
 */
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import type { ParsedBlock, ParsedDocument, ParsedPage } from '../../../shared/documents';
import type { LoadContext } from './context';
import { abortIfNeeded } from './abort';
import { documentError } from './errors';
import { cleanText } from './text';
import { findUnits, isNumericCell, makeTable, trimEmpty } from './tables';

/** Renders a number with an Excel number format (the subset financial models use). */
export function formatNumber(value: number, numFmt: string | undefined): string {
  if (!numFmt || /^general$/i.test(numFmt)) return generalNumber(value);
  const sections = numFmt.split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  let section = sections[0] ?? '';
  let negativeSection = false;
  if (value < 0 && sections[1] !== undefined) {
    section = sections[1];
    negativeSection = true;
  } else if (value === 0 && sections[2] !== undefined) section = sections[2];
  // Drop colours/locales ([Red], [$-409]) but keep currency symbols from [$¥-804]; unquote literals; drop padding.
  const cleaned = section
    .replace(/\[\$([^\]-]*)(?:-[^\]]*)?\]/g, '"$1"')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/_./g, '')
    .replace(/\*./g, '');
  const placeholder = /[0#?][0#?,]*(?:\.[0#?]*)?/.exec(cleaned.replace(/"[^"]*"/g, (m) => ' '.repeat(m.length)));
  if (!placeholder) return cleaned.replace(/"/g, '') || generalNumber(value);
  const pattern = placeholder[0];
  const decimals = (pattern.split('.')[1] ?? '').replace(/[^0#?]/g, '').length;
  const minDecimals = (pattern.split('.')[1] ?? '').replace(/[^0]/g, '').length;
  const grouping = /[0#?],[0#?]/.test(pattern);
  const trailingCommas = /,+$/.exec(pattern.split('.')[0] ?? '')?.[0].length ?? 0;
  let scaled = Math.abs(value) / 1000 ** trailingCommas;
  if (cleaned.replace(/"[^"]*"/g, '').includes('%')) scaled *= 100;
  let digits = scaled.toLocaleString('en-US', { useGrouping: grouping, minimumFractionDigits: minDecimals, maximumFractionDigits: decimals });
  if (!/0/.test(pattern.split('.')[0] ?? '') && digits.startsWith('0') && digits.length > 1 && digits[1] === '.') digits = digits.slice(1);
  const before = cleaned.slice(0, placeholder.index).replace(/"/g, '');
  const after = cleaned.slice(placeholder.index + pattern.length).replace(/"/g, '');
  const sign = value < 0 && !negativeSection ? '-' : '';
  return `${sign}${before}${digits}${after}`.trim();
}

function generalNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}

function isoDate(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
}

/** The text Excel would display for a cell. */
export function displayedText(cell: ExcelJS.Cell): string {
  if (cell.isMerged && cell.master !== cell) return '';
  return valueText(cell.value, cell.numFmt);
}

function valueText(value: ExcelJS.CellValue, numFmt: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value, numFmt);
  if (typeof value === 'string') return cleanText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return isoDate(value);
  if (typeof value === 'object') {
    if ('richText' in value) return cleanText(value.richText.map((run) => run.text).join(''));
    if ('error' in value) return String(value.error);
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: unknown }).result;
      if (result && typeof result === 'object' && 'error' in result) return String((result as { error: unknown }).error);
      return valueText(result as ExcelJS.CellValue, numFmt);
    }
    if ('text' in value) return cleanText(String((value as { text: unknown }).text));
  }
  return cleanText(String(value));
}

/** Splits a sheet's grid into blocks at empty rows and turns each into a table (title/units rows pulled out). */
export function gridToBlocks(grid: string[][]): ParsedBlock[] {
  const blocks: ParsedBlock[] = [];
  let current: string[][] = [];
  const flush = () => {
    const rows = trimEmpty(current);
    current = [];
    if (!rows.length) return;
    let title: string | null = null;
    let units: string | null = null;
    // Leading rows with one text cell (and the block has more rows): title and units lines above the table.
    while (rows.length > 1) {
      const filled = (rows[0] ?? []).filter(Boolean);
      const only = filled[0];
      if (filled.length !== 1 || !only || isNumericCell(only)) break;
      const foundUnits = findUnits(only);
      if (foundUnits) units ??= foundUnits;
      else if (!title) title = only;
      else break;
      blocks.push({ type: 'paragraph', text: only });
      rows.shift();
    }
    const table = trimEmpty(rows);
    if (table.length === 1 && (table[0]?.length ?? 0) === 1) blocks.push({ type: 'paragraph', text: table[0]?.[0] ?? '' });
    else if (table.length) blocks.push({ type: 'table', table: makeTable(table, { title, units }) });
  };
  for (const row of grid) {
    if (row.some((cell) => cell !== '')) current.push(row);
    else flush();
  }
  flush();
  return blocks;
}

export async function loadXlsx(bytes: Uint8Array, context: LoadContext): Promise<ParsedDocument> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/password|encrypt/i.test(message)) throw documentError('encrypted', `${context.fileName} is password-protected. Save an unprotected copy and add it again.`, { fileName: context.fileName });
    throw documentError('unreadable', `${context.fileName} could not be read as an Excel workbook (${message}). Open and re-save it in Excel, then add it again.`, { fileName: context.fileName, cause: message });
  }
  const sheets = workbook.worksheets;
  if (sheets.length > context.maxPages) {
    throw documentError('too-large', `${context.fileName} has ${sheets.length} sheets; the limit is ${context.maxPages}.`, { fileName: context.fileName, pages: sheets.length, maxPages: context.maxPages });
  }
  const pages: ParsedPage[] = [];
  const warnings: string[] = [];
  for (const [index, sheet] of sheets.entries()) {
    abortIfNeeded(context.signal, context.fileName);
    const grid: string[][] = [];
    let missingResults = 0;
    sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, colNumber) => {
        const value = cell.value;
        if (value && typeof value === 'object' && ('formula' in value || 'sharedFormula' in value) && (value as { result?: unknown }).result === undefined) missingResults++;
        cells[colNumber - 1] = displayedText(cell);
      });
      grid[rowNumber - 1] = Array.from(cells, (c) => c ?? '');
    });
    const rows = Array.from(grid, (r) => r ?? []);
    if (sheet.state !== 'visible') warnings.push(`sheet "${sheet.name}" is hidden`);
    if (missingResults) warnings.push(`sheet "${sheet.name}": ${missingResults} formula(s) have no saved result (shown empty); open and re-save the file in Excel`);
    pages.push({ number: index + 1, label: sheet.name, blocks: gridToBlocks(rows) });
    context.onProgress?.(index + 1, sheets.length);
  }
  if (!pages.some((page) => page.blocks.length)) throw documentError('empty', `${context.fileName} has no cells with content.`, { fileName: context.fileName });
  const title = typeof workbook.title === 'string' && workbook.title ? workbook.title : null;
  return { format: 'xlsx', title, pages, warnings };
}

/** CSV/TSV: one page, one table; the delimiter is detected (comma, semicolon, tab, pipe). */
export function loadCsv(text: string, context: LoadContext): ParsedDocument {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter: '', skipEmptyLines: 'greedy', delimitersToGuess: [',', ';', '\t', '|'] });
  const rows = trimEmpty(parsed.data.map((row) => row.map((cell) => cleanText(String(cell ?? '')))));
  if (!rows.length) throw documentError('empty', `${context.fileName} has no rows.`, { fileName: context.fileName });
  const warnings = parsed.errors.length ? [`${parsed.errors.length} malformed CSV row(s) (e.g. row ${(parsed.errors[0]?.row ?? 0) + 1}: ${parsed.errors[0]?.message})`] : [];
  context.onProgress?.(1, 1);
  return { format: 'csv', title: null, pages: [{ number: 1, blocks: [{ type: 'table', table: makeTable(rows) }] }], warnings };
}
