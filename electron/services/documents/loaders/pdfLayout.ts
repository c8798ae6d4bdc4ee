/**
 * Rebuilds a PDF page's structure from positioned text items (pdfjs getTextContent): lines, headings, paragraphs
 * and tables. Pure: no pdfjs here, so it is tested with hand-made items.
 *
 * Tables: a line whose items sit far apart (gaps wider than ~1.2 em) is split into segments (candidate cells).
 * A run of such lines, allowing label-only lines inside it, becomes a table when it has ≥ 2 multi-segment lines
 * and looks numeric (some column after the first is mostly numbers) or has ≥ 3 columns. Columns come from the
 * x-extents of the segments of the rows that carry amounts, merged where they overlap (right-aligned numbers
 * overlap at their right edges, labels at their left), so a header that spans two columns doesn't fuse them;
 * every segment then goes to the column it overlaps most (or the nearest one).
 */
import type { ParsedBlock } from '../../../shared/documents';
import { cleanText, isCjk, joinText } from './text';
import { contextAbove, findUnits, isAmountCell, isNumericCell, makeTable } from './tables';

export interface PositionedText {
  str: string;
  /** Left edge, in PDF units (origin bottom-left). */
  x: number;
  /** Baseline. */
  y: number;
  width: number;
  fontSize: number;
}

interface Segment {
  text: string;
  x0: number;
  x1: number;
}

interface Line {
  y: number;
  fontSize: number;
  x0: number;
  segments: Segment[];
  text: string;
}

/** Gap (in em) above which two items on a line are separate cells. */
const cellGapEm = 1.2;

export function buildLines(items: PositionedText[]): Line[] {
  const visible = items.filter((item) => item.str.trim() !== '' && Number.isFinite(item.x) && Number.isFinite(item.y));
  visible.sort((a, b) => b.y - a.y || a.x - b.x);
  const groups: PositionedText[][] = [];
  let current: PositionedText[] = [];
  let currentY = Number.NaN;
  for (const item of visible) {
    const tolerance = Math.max(1, 0.4 * Math.min(item.fontSize || 10, current[0]?.fontSize || 10));
    if (current.length && Math.abs(item.y - currentY) <= tolerance) current.push(item);
    else {
      if (current.length) groups.push(current);
      current = [item];
      currentY = item.y;
    }
  }
  if (current.length) groups.push(current);

  return groups.map((group) => {
    group.sort((a, b) => a.x - b.x);
    const fontSize = Math.max(...group.map((item) => item.fontSize || 10));
    const segments: Segment[] = [];
    let segment: Segment | null = null;
    for (const item of group) {
      const em = item.fontSize || fontSize;
      const gap = segment ? item.x - segment.x1 : 0;
      if (!segment || gap > cellGapEm * em) {
        segment = { text: item.str.trim(), x0: item.x, x1: item.x + item.width };
        segments.push(segment);
        continue;
      }
      const last = segment.text.at(-1);
      const first = item.str.trimStart()[0];
      // A space where the gap is wider than a thin space, never between CJK characters.
      const space = gap > 0.18 * em && !(isCjk(last) || isCjk(first)) ? ' ' : '';
      segment.text = (segment.text + space + item.str).replace(/\s+$/, '');
      if (/\s$/.test(item.str) && !isCjk(last)) segment.text += ' ';
      segment.x1 = Math.max(segment.x1, item.x + item.width);
    }
    for (const s of segments) s.text = cleanText(s.text);
    const text = segments.map((s) => s.text).reduce((a, b) => (a ? `${a} ${b}` : b), '');
    return { y: group[0]?.y ?? 0, fontSize, x0: segments[0]?.x0 ?? 0, segments: segments.filter((s) => s.text), text };
  });
}

function overlap(a: { x0: number; x1: number }, b: { x0: number; x1: number }): number {
  return Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
}

function inferColumns(lines: Line[]): { x0: number; x1: number }[] {
  const withAmounts = lines.filter((line) => line.segments.length >= 2 && line.segments.some((s) => isAmountCell(s.text)));
  const basis = withAmounts.length >= 2 ? withAmounts : lines.filter((line) => line.segments.length >= 2);
  const spans = basis.flatMap((line) => line.segments.map((s) => ({ x0: s.x0, x1: s.x1 }))).sort((a, b) => a.x0 - b.x0);
  const columns: { x0: number; x1: number }[] = [];
  for (const span of spans) {
    const last = columns.at(-1);
    if (last && span.x0 <= last.x1 + 1) last.x1 = Math.max(last.x1, span.x1);
    else columns.push({ ...span });
  }
  return columns;
}

function toRows(lines: Line[], columns: { x0: number; x1: number }[]): string[][] {
  return lines.map((line) => {
    const row = columns.map(() => '');
    for (const segment of line.segments) {
      let best = 0;
      let bestScore = -Infinity;
      columns.forEach((column, i) => {
        const o = overlap(segment, column);
        const score = o > 0 ? o : -Math.min(Math.abs(segment.x0 - column.x1), Math.abs(segment.x1 - column.x0)) - 1e6;
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      });
      row[best] = row[best] ? `${row[best]} ${segment.text}` : segment.text;
    }
    return row;
  });
}

function looksTabular(lines: Line[], rows: string[][], columnCount: number): boolean {
  if (lines.filter((line) => line.segments.length >= 2).length < 2 || columnCount < 2) return false;
  if (columnCount >= 3) return true;
  for (let col = 1; col < columnCount; col++) {
    const cells = rows.map((row) => row[col] ?? '').filter(Boolean);
    if (cells.length >= 2 && cells.filter(isNumericCell).length / cells.length >= 0.5) return true;
  }
  return false;
}

/** Where the value columns start in a run: the left edge of the leftmost non-first segment. */
function valuesStart(lines: Line[]): number {
  let start = Infinity;
  for (const line of lines) if (line.segments.length >= 2) start = Math.min(start, line.segments[1]?.x0 ?? Infinity);
  return start;
}

/**
 * Finds table runs: consecutive multi-segment lines; inside a run, label-only lines that end before the value
 * columns (section labels like "Current assets:"); above a run, up to 3 single-segment lines that sit over the
 * value columns (a spanning header like "Year ended December 31,").
 */
function tableRuns(lines: Line[]): [number, number][] {
  const runs: [number, number][] = [];
  const close = (upper: Line, lower: Line) => upper.y - lower.y <= 2.6 * Math.max(upper.fontSize, lower.fontSize);
  let i = 0;
  while (i < lines.length) {
    if ((lines[i]?.segments.length ?? 0) < 2) {
      i++;
      continue;
    }
    let end = i;
    let j = i + 1;
    while (j < lines.length) {
      const prev = lines[j - 1];
      const line = lines[j];
      if (!prev || !line || !close(prev, line)) break;
      if (line.segments.length >= 2) {
        end = j;
        j++;
        continue;
      }
      const next = lines[j + 1];
      const start = valuesStart(lines.slice(i, end + 1));
      if (next && next.segments.length >= 2 && close(line, next) && (line.segments[0]?.x1 ?? Infinity) < start && !findUnits(line.text)) {
        j++;
        continue;
      }
      break;
    }
    let begin = i;
    const start = valuesStart(lines.slice(i, end + 1));
    const floor = runs.at(-1)?.[1] ?? -1;
    const labelsStart = Math.min(...lines.slice(i, end + 1).map((line) => line.x0));
    while (begin - 1 > floor && i - begin < 3) {
      const above = lines[begin - 1];
      const below = lines[begin];
      if (!above || !below || !close(above, below) || above.segments.length !== 1 || findUnits(above.text)) break;
      // Over the value columns: starts well right of the labels and reaches into the values.
      const segment = above.segments[0];
      if (!segment || segment.x0 < labelsStart + 4 * above.fontSize || segment.x1 < start) break;
      begin--;
    }
    runs.push([begin, end]);
    i = end + 1;
  }
  return runs;
}

/** Body font size: the size carrying the most characters. */
function bodyFontSize(lines: Line[]): number {
  const weight = new Map<number, number>();
  for (const line of lines) {
    const size = Math.round(line.fontSize * 2) / 2;
    weight.set(size, (weight.get(size) ?? 0) + line.text.length);
  }
  let best = 10;
  let bestWeight = -1;
  for (const [size, w] of weight) {
    if (w > bestWeight) {
      best = size;
      bestWeight = w;
    }
  }
  return best;
}

export interface PageLayout {
  blocks: ParsedBlock[];
  /** Visible characters on the page (0: no text layer). */
  characters: number;
}

/**
 * Turns a page's items into blocks. `headingSizes` (distinct heading font sizes across the document, largest first)
 * sets heading levels; without it levels come from this page alone.
 */
export function layoutPage(items: PositionedText[], options: { bodySize?: number; headingSizes?: number[] } = {}): PageLayout {
  const lines = buildLines(items);
  const body = options.bodySize ?? bodyFontSize(lines);
  const headingSizes = options.headingSizes ?? headingSizesOf(lines, body);
  const blocks: ParsedBlock[] = [];
  const runs = tableRuns(lines);
  const tableAt = new Map<number, { end: number; rows: string[][] }>();
  for (const [start, end] of runs) {
    const runLines = lines.slice(start, end + 1);
    const columns = inferColumns(runLines);
    const rows = toRows(runLines, columns);
    if (looksTabular(runLines, rows, columns.length)) tableAt.set(start, { end, rows });
  }

  let paragraph: Line[] = [];
  const recentText: string[] = [];
  const flush = () => {
    if (!paragraph.length) return;
    const text = paragraph.map((line) => line.text).reduce((acc, next) => (acc.endsWith('-') && /^[a-z]/.test(next) ? acc.slice(0, -1) + next : joinText(acc, next)), '');
    blocks.push({ type: 'paragraph', text });
    recentText.push(text);
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const table = tableAt.get(i);
    const line = lines[i];
    if (!line) continue;
    if (table) {
      flush();
      const context = contextAbove(recentText);
      blocks.push({ type: 'table', table: makeTable(table.rows, context) });
      recentText.length = 0;
      i = table.end;
      continue;
    }
    const level = headingLevel(line, body, headingSizes);
    if (level) {
      flush();
      blocks.push({ type: 'heading', text: line.text, level });
      recentText.push(line.text);
      continue;
    }
    const prev = paragraph.at(-1);
    if (prev && (prev.y - line.y > 1.8 * Math.max(prev.fontSize, line.fontSize) || Math.abs(prev.fontSize - line.fontSize) > 1 || findUnits(line.text) || findUnits(prev.text))) flush();
    paragraph.push(line);
  }
  flush();
  return { blocks, characters: lines.reduce((n, line) => n + line.text.length, 0) };
}

export function headingSizesOf(lines: { fontSize: number; text: string }[], body: number): number[] {
  const sizes = new Set<number>();
  for (const line of lines) if (isHeadingCandidate(line, body)) sizes.add(Math.round(line.fontSize * 2) / 2);
  return [...sizes].sort((a, b) => b - a);
}

function isHeadingCandidate(line: { fontSize: number; text: string }, body: number): boolean {
  return line.fontSize >= body * 1.2 && line.text.length <= 120 && !isNumericCell(line.text);
}

function headingLevel(line: Line, body: number, headingSizes: number[]): number | null {
  if (line.segments.length > 1 || !isHeadingCandidate(line, body)) return null;
  const size = Math.round(line.fontSize * 2) / 2;
  const index = headingSizes.findIndex((s) => s <= size);
  return Math.min(6, (index < 0 ? headingSizes.length : index) + 1);
}

/** Lines and their font sizes for a document-wide pass (body size, heading sizes). */
export function lineStats(items: PositionedText[]): { fontSize: number; text: string }[] {
  return buildLines(items).map((line) => ({ fontSize: line.fontSize, text: line.text }));
}
