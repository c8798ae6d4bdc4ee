/**
 * Whether a table cell reads as a number ("12,345", "(7,210)", "-3.5%", "¥1,234.56", "1.2亿", "—"), so the page
 * view right-aligns it the way reports print figures.
 */
const numeric = /^[-−–+]?[(（]?[-−–+]?\s*[$€£¥￥]?\s*\d[\d,，.\s]*(?:[%‰]|万|亿|千|百万|[kmb]n?)?[)）]?\s*[%‰]?$/iu;
const placeholders = new Set(['-', '—', '–', '−', 'n/a', 'N/A', '不适用', '/']);

export function isNumericCell(cell: string): boolean {
  const text = cell.trim();
  if (!text) return false;
  return placeholders.has(text) || numeric.test(text);
}
