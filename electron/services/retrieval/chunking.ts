/**
 * Cuts a parsed document into search passages: pages are never crossed, every passage carries the headings above it,
 * tables become pipe-separated text (split into row groups that each repeat the title, units and header rows).
 */
import type { ParsedDocument, ParsedTable } from '../../shared/documents';
import type { ChunkingOptions, DocumentChunk, LocatedTable } from './types';

export const defaultTargetChars = 1000;
export const defaultOverlapChars = 150;
export const headingSeparator = ' › ';

// A chunk may run this far past the target to end on a sentence boundary.
const maxOverTarget = 1.2;

/**
 * Sentences end after 。！？； (and their full-width/ASCII kin) or after .!? followed by a space; closing quotes and
 * brackets stay with their sentence. "3.5" and "U.S." do not end a sentence (no space after the dot).
 */
const sentenceEnd = /[。！？；!?;]+[”’」』）)\]]*|[.]+[”’"')\]]*(?=\s)|\n+/gu;

export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const m of text.matchAll(sentenceEnd)) {
    const end = m.index + m[0].length;
    const s = text.slice(start, end).trim();
    if (s) sentences.push(s);
    start = end;
  }
  const rest = text.slice(start).trim();
  if (rest) sentences.push(rest);
  return sentences;
}

/** Cuts a piece longer than `max` at the last comma or space before the limit (or hard at the limit). */
function splitLong(sentence: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = sentence;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const soft = Math.max(window.lastIndexOf('，'), window.lastIndexOf(', '), window.lastIndexOf('、'), window.lastIndexOf(' '));
    const cut = soft > max / 2 ? soft + 1 : max;
    pieces.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

function cell(value: string): string {
  // A cell is one line of text; a pipe inside a cell would read as a column break.
  return value.replace(/\s+/gu, ' ').replace(/\|/gu, '¦').trim();
}

function row(cells: readonly string[]): string {
  return cells.map(cell).join(' | ');
}

/** "Table: title (units)" line, or '' when the table has neither. */
function tableCaption(table: ParsedTable): string {
  const parts: string[] = [];
  if (table.title?.trim()) parts.push(table.title.trim());
  if (table.units?.trim()) parts.push(`(${table.units.trim()})`);
  return parts.length ? `Table: ${parts.join(' ')}` : '';
}

/** The table as pipe-separated lines, cut into row groups that each fit `max` (one row at least) and repeat the header. */
export function renderTable(table: ParsedTable, target: number, max: number): string[] {
  const headerCount = Math.min(Math.max(0, table.headerRows), table.rows.length);
  const head = [tableCaption(table), ...table.rows.slice(0, headerCount).map(row)].filter(Boolean);
  const body = table.rows.slice(headerCount).map(row);
  const headText = head.join('\n');
  const whole = [headText, ...body].filter(Boolean).join('\n');
  if (whole.length <= max || body.length <= 1) return whole ? [whole] : [];

  const groups: string[] = [];
  let lines: string[] = [];
  let length = headText.length;
  for (const line of body) {
    if (lines.length > 0 && length + 1 + line.length > target) {
      groups.push([headText, ...lines].filter(Boolean).join('\n'));
      lines = [];
      length = headText.length;
    }
    lines.push(line);
    length += 1 + line.length;
  }
  if (lines.length) groups.push([headText, ...lines].filter(Boolean).join('\n'));
  return groups;
}

/** Tables of the document in reading order, with their page and document-wide index. */
export function locateTables(doc: ParsedDocument): LocatedTable[] {
  const tables: LocatedTable[] = [];
  for (const page of doc.pages) {
    for (const block of page.blocks) {
      if (block.type === 'table') tables.push({ ...block.table, page: page.number, tableIndex: tables.length });
    }
  }
  return tables;
}

/** The page's headings and paragraphs as plain text (tables are kept structured beside it). */
export function pageText(page: ParsedDocument['pages'][number]): string {
  return page.blocks
    .flatMap((b) => (b.type === 'table' ? [] : [b.text.trim()]))
    .filter(Boolean)
    .join('\n\n');
}

interface Piece {
  text: string;
  /** First sentence of a paragraph: joined to the previous one by a line break. */
  paragraphStart: boolean;
}

const cjkEnd = /[\p{Script=Han}。！？；：，、”’」』）]$/u;

/** Paragraphs on their own lines; sentences joined by a space, or by nothing after Chinese. */
function joinPieces(pieces: readonly Piece[]): string {
  let text = '';
  for (const [i, piece] of pieces.entries()) {
    if (i > 0) text += piece.paragraphStart ? '\n' : cjkEnd.test(text.slice(-2)) ? '' : ' ';
    text += piece.text;
  }
  return text;
}

function withHeading(headingPath: string, body: string): string {
  return headingPath ? `${headingPath}\n${body}` : body;
}

/**
 * Chunks in reading order. Text chunks aim at `targetChars` (up to 20 % more to finish a sentence) and never hold two
 * sections or two pages; the heading path is both a field and the first line of `text`, so keyword search, embeddings
 * and the model all see it. Headings carry over page breaks (a section continues on the next page).
 */
export function chunkDocument(doc: ParsedDocument, options: ChunkingOptions = {}): DocumentChunk[] {
  const target = Math.max(50, Math.floor(options.targetChars ?? defaultTargetChars));
  const max = Math.floor(target * maxOverTarget);
  const overlap = Math.max(0, Math.min(Math.floor(options.overlapChars ?? defaultOverlapChars), Math.floor(target / 2)));

  const chunks: DocumentChunk[] = [];
  const headings: { level: number; text: string }[] = [];
  let tableIndex = 0;

  for (const page of doc.pages) {
    // Sentences of the chunk being built, each with what joins it to the one before.
    let pieces: Piece[] = [];
    let length = 0;
    // Pieces carried over as overlap: a chunk of only those is not emitted.
    let carried = 0;
    let headingPath = headings.map((h) => h.text).join(headingSeparator);

    const push = (kind: 'text' | 'table', text: string, table: number | null): void => {
      chunks.push({ seq: chunks.length, page: page.number, kind, tableIndex: table, headingPath, text: withHeading(headingPath, text) });
    };
    const reset = (kept: Piece[]): void => {
      pieces = kept;
      carried = kept.length;
      length = kept.reduce((n, p) => n + p.text.length + 1, 0);
    };
    const flush = (keepOverlap: boolean): void => {
      if (pieces.length > carried) push('text', joinPieces(pieces), null);
      const kept: Piece[] = [];
      let keptLength = 0;
      for (let i = pieces.length - 1; keepOverlap && i >= 0; i--) {
        const piece = pieces[i] as Piece;
        if (keptLength + piece.text.length > overlap) break;
        kept.unshift(piece);
        keptLength += piece.text.length + 1;
      }
      reset(kept);
    };

    for (const block of page.blocks) {
      if (block.type === 'heading') {
        const text = block.text.replace(/\s+/gu, ' ').trim();
        if (!text) continue;
        flush(false);
        while (headings.length && (headings[headings.length - 1] as { level: number }).level >= block.level) headings.pop();
        headings.push({ level: block.level, text });
        headingPath = headings.map((h) => h.text).join(headingSeparator);
      } else if (block.type === 'table') {
        // A table is its own passage; the text after it starts afresh (no overlap across the table).
        flush(false);
        for (const group of renderTable(block.table, target, max)) push('table', group, tableIndex);
        tableIndex++;
      } else {
        let first = true;
        for (const sentence of splitSentences(block.text).flatMap((s) => splitLong(s, max))) {
          if (pieces.length > carried && length + sentence.length > max) flush(true);
          // An overlap that would push a long sentence past the limit is dropped rather than cut.
          if (pieces.length === carried && length + sentence.length > max) reset([]);
          pieces.push({ text: sentence, paragraphStart: first });
          first = false;
          length += sentence.length + 1;
          if (length >= target) flush(true);
        }
      }
    }
    flush(false);
  }
  return chunks;
}
