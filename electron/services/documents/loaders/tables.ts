/** What every loader's tables share: recognising numbers, units and header rows, trimming empty rows and columns. */
import type { ParsedTable } from '../../../shared/documents';

// "12,345", "(7,210)", "-3.5", "$1,234", "¥1.2", "12%", "1,234,567.89", "—" (a dash for zero), "2024".
const numericPattern = /^[(\-−–+]?\s*(?:US\$|HK\$|RMB|[$€£¥￥])?\s*[(\-−]?\d[\d,，]*(?:\.\d+)?\s*\)?\s*(?:%|‰|x|bp)?\)?$/i;
const dashPattern = /^[-−–—]+$/;

/** Whether a cell holds a number as reports write them (dashes for nil count too). */
export function isNumericCell(text: string): boolean {
  const t = text.trim();
  return t !== '' && (numericPattern.test(t) || dashPattern.test(t));
}

/** A numeric cell that is not just a year or period label ("2024", "FY2023"): an amount in the table's body. */
export function isAmountCell(text: string): boolean {
  const t = text.trim();
  if (/^(?:FY|CY)?\s*(?:19|20)\d{2}[A-Z]?$/i.test(t)) return false;
  return isNumericCell(t) && !dashPattern.test(t);
}

const unitPatterns = [
  // "(in millions, except per share data)", "Amounts in thousands of U.S. dollars", "in RMB million"
  /\b(?:(?:amounts?|dollars|figures)\s+)?(?:expressed\s+)?in\s+(?:(?:US\$|U\.S\.\s*dollars|RMB|HK\$|\$|USD|CNY|euros?)\s+)?(?:thousands|millions|billions|hundreds of millions|million|thousand|billion)\b[^)\n]*/i,
  // "单位：万元", "单位:人民币千元", "金额单位：元"
  /(?:金额)?单位\s*[：:]\s*[^\s，,。；;)）]+(?:\s*[/／]\s*[^\s，,。；;)）]+)?/,
  // "人民币千元" / "（万元）" standing alone
  /^[（(]?\s*(?:人民币|美元|港元|港币)?\s*(?:元|千元|万元|百万元|亿元)\s*[）)]?$/,
];

/** The units a line states ("in millions, except per share data", "单位：万元"), or null. */
export function findUnits(text: string): string | null {
  for (const pattern of unitPatterns) {
    const match = pattern.exec(text.trim());
    if (match) return match[0].replace(/[)）\s]+$/, '').replace(/^[（(]\s*/, '').trim();
  }
  return null;
}

/**
 * How many leading rows are headers: rows with no amounts (labels, years, "Fiscal year"), stopping at the first
 * row that carries amounts. At most 4, and never every row of a table that has amounts.
 */
export function countHeaderRows(rows: string[][]): number {
  let count = 0;
  for (const row of rows) {
    if (count >= 4) break;
    const body = row.slice(1);
    if (body.some(isAmountCell)) break;
    // A row with a label and nothing else in the middle of a table is a section label, not a header,
    // unless it's the very first row.
    if (count > 0 && row[0] && body.every((cell) => !cell)) break;
    count++;
  }
  if (count === rows.length && rows.some((row) => row.some(isAmountCell))) return 0;
  return count === rows.length ? Math.min(1, count) : count;
}

/** Drops rows and columns with no text. */
export function trimEmpty(rows: string[][]): string[][] {
  const width = Math.max(0, ...rows.map((row) => row.length));
  const filled = rows.filter((row) => row.some((cell) => cell.trim() !== '')).map((row) => Array.from({ length: width }, (_, i) => row[i] ?? ''));
  const keep = Array.from({ length: width }, (_, col) => filled.some((row) => (row[col] ?? '').trim() !== ''));
  return filled.map((row) => row.filter((_, col) => keep[col]));
}

export function makeTable(rows: string[][], context: { title?: string | null; units?: string | null } = {}): ParsedTable {
  const headerRows = countHeaderRows(rows);
  let units = context.units ?? null;
  for (const row of rows.slice(0, Math.max(headerRows, 1))) {
    if (units) break;
    for (const cell of row) units ??= findUnits(cell);
  }
  return { title: context.title ?? null, headerRows, rows, units };
}

/** Title and units for a table from the text just above it (nearest last), e.g. a statement name and "(in millions)". */
export function contextAbove(linesAbove: string[]): { title: string | null; units: string | null } {
  let title: string | null = null;
  let units: string | null = null;
  for (const line of linesAbove.slice(-3).reverse()) {
    const foundUnits = findUnits(line);
    if (foundUnits) {
      units ??= foundUnits;
      continue;
    }
    if (!title && line.length <= 160) title = line;
    if (title) break;
  }
  return { title, units };
}
