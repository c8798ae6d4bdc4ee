/**
 * HTML → pages of blocks with htmlparser2. Built for SEC filings (EDGAR .htm: huge, inline styles, layout tables)
 * and reused for DOCX (mammoth's HTML).
 *
 * - Visible text only: no script/style/head/template, nothing under `display:none`, `visibility:hidden` or `hidden`.
 * - Pages split at `page-break-before/after: always` (and `break-before/after: page`) styles; a document with no
 *   such styles but several `<hr>`s is split at the `<hr>`s (older EDGAR filings separate pages that way).
 * - Tables: colspan/rowspan expanded into a grid; "$" cells and ")" / "%" cells merged into the number beside
 *   them; then columns holding no text of their own (SEC spacer columns) are dropped, a spanning header moving
 *   onto the first column it covers that holds text.
 */
import { parseDocument } from 'htmlparser2';
import { type ChildNode, type Element, isTag, isText } from 'domhandler';
import type { ParsedBlock, ParsedPage, ParsedTable } from '../../../shared/documents';
import { cleanText, joinText } from './text';
import { contextAbove, isNumericCell, makeTable } from './tables';

const skippedTags = new Set(['script', 'style', 'head', 'template', 'noscript', 'title', 'meta', 'link', 'object', 'svg', 'iframe']);
const blockTags = new Set([
  'p', 'div', 'section', 'article', 'header', 'footer', 'main', 'aside', 'nav', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  'blockquote', 'pre', 'figure', 'figcaption', 'address', 'center', 'form', 'fieldset', 'caption', 'body', 'html',
]);
const headingTags: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };

function style(element: Element): string {
  return (element.attribs.style ?? '').toLowerCase().replace(/\s+/g, '');
}

function isHidden(element: Element): boolean {
  const s = style(element);
  return 'hidden' in element.attribs || s.includes('display:none') || s.includes('visibility:hidden');
}

function breakBefore(element: Element): boolean {
  const s = style(element);
  return s.includes('page-break-before:always') || s.includes('break-before:page');
}

function breakAfter(element: Element): boolean {
  const s = style(element);
  return s.includes('page-break-after:always') || s.includes('break-after:page');
}

/** Text of a subtree (visible parts only), whitespace collapsed; nested tables are flattened. */
function textOf(node: ChildNode): string {
  if (isText(node)) return node.data;
  if (!isTag(node) || skippedTags.has(node.name) || isHidden(node)) return '';
  if (node.name === 'br') return '\n';
  let out = '';
  for (const child of node.children) {
    const t = textOf(child);
    out = blockTags.has(isTag(child) ? child.name : '') || (isTag(child) && (child.name === 'td' || child.name === 'th' || child.name === 'tr')) ? joinText(out, t) : out + t;
  }
  return out;
}

interface Cell {
  text: string;
  /** Grid column where the cell starts and how many it covers. */
  col: number;
  span: number;
}

function tableRows(table: Element): Element[] {
  const rows: Element[] = [];
  const visit = (node: Element) => {
    for (const child of node.children) {
      if (!isTag(child) || isHidden(child)) continue;
      if (child.name === 'tr') rows.push(child);
      else if (child.name === 'thead' || child.name === 'tbody' || child.name === 'tfoot') visit(child);
    }
  };
  visit(table);
  return rows;
}

/** Reads an HTML table into a clean grid of strings (see the file comment). Null when it has no text. */
export function readHtmlTable(table: Element): string[][] | null {
  const grid: Cell[][] = [];
  const occupied: boolean[][] = [];
  tableRows(table).forEach((tr, r) => {
    grid[r] ??= [];
    occupied[r] ??= [];
    let col = 0;
    for (const td of tr.children) {
      if (!isTag(td) || (td.name !== 'td' && td.name !== 'th') || isHidden(td)) continue;
      while (occupied[r]?.[col]) col++;
      const colspan = Math.min(1000, Math.max(1, Number.parseInt(td.attribs.colspan ?? '1', 10) || 1));
      const rowspan = Math.min(1000, Math.max(1, Number.parseInt(td.attribs.rowspan ?? '1', 10) || 1));
      grid[r]?.push({ text: cleanText(textOf(td)), col, span: colspan });
      for (let dr = 0; dr < rowspan; dr++) {
        const row = (occupied[r + dr] ??= []);
        for (let dc = 0; dc < colspan; dc++) row[col + dc] = true;
      }
      col += colspan;
    }
  });
  if (!grid.some((row) => row.some((cell) => cell.text))) return null;

  // Merge currency-symbol cells into the number on their right, ")" and "%" cells into the number on their left.
  for (const row of grid) {
    for (let i = 0; i < row.length; i++) {
      const cell = row[i];
      if (!cell) continue;
      if (/^(?:\$|US\$|HK\$|RMB|¥|￥|€|£)$/.test(cell.text)) {
        const next = row.slice(i + 1).find((c) => c.text);
        if (next && isNumericCell(next.text)) {
          next.text = `${cell.text}${next.text}`;
          cell.text = '';
        }
      } else if (/^(?:\)|%|\)%|%\))$/.test(cell.text)) {
        const previous = row.slice(0, i).reverse().find((c) => c.text);
        if (previous && /\d/.test(previous.text)) {
          previous.text += cell.text;
          cell.text = '';
        }
      }
    }
  }

  // Columns with text of their own (single-column cells) stay; spanning cells go to the first such column they cover.
  const width = Math.max(0, ...grid.map((row) => row.reduce((w, cell) => Math.max(w, cell.col + cell.span), 0)));
  const keep = new Array<boolean>(width).fill(false);
  for (const row of grid) for (const cell of row) if (cell.text && cell.span === 1) keep[cell.col] = true;
  for (const row of grid) {
    for (const cell of row) {
      if (!cell.text || cell.span === 1) continue;
      if (!keep.slice(cell.col, cell.col + cell.span).some(Boolean)) keep[cell.col] = true;
    }
  }
  const kept = keep.flatMap((k, i) => (k ? [i] : []));
  const rows = grid.map((row) => {
    const out = kept.map(() => '');
    for (const cell of row) {
      if (!cell.text) continue;
      const target = kept.findIndex((c) => c >= cell.col && c < cell.col + cell.span);
      if (target >= 0) out[target] = out[target] ? `${out[target]} ${cell.text}` : cell.text;
    }
    return out;
  });
  const filled = rows.filter((row) => row.some(Boolean));
  return filled.length ? filled : null;
}

export interface HtmlParseResult {
  title: string | null;
  pages: ParsedPage[];
}

/** Parses an HTML document into pages of blocks (see the file comment). */
export function parseHtml(html: string): HtmlParseResult {
  const dom = parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  const splitAtStyles = /page-break-(?:before|after)\s*:\s*always|break-(?:before|after)\s*:\s*page/i.test(html);
  const hrCount = splitAtStyles ? 0 : (html.match(/<hr\b/gi)?.length ?? 0);
  const splitAtHr = !splitAtStyles && hrCount >= 2;

  const titleElement = findFirst(dom.children, 'title');
  let title = titleElement ? cleanText(titleElement.children.map((child) => (isText(child) ? child.data : '')).join('')) || null : null;

  const pages: ParsedBlock[][] = [[]];
  let inline = '';
  const current = () => pages[pages.length - 1] as ParsedBlock[];
  const recentText = (): string[] =>
    current()
      .slice(-3)
      .flatMap((block) => (block.type === 'table' ? [] : [block.text]));
  const flush = () => {
    const text = cleanText(inline);
    inline = '';
    if (text) current().push({ type: 'paragraph', text });
  };
  const pageBreak = () => {
    flush();
    if (current().length) pages.push([]);
  };

  const walk = (node: ChildNode) => {
    if (isText(node)) {
      inline += node.data;
      return;
    }
    if (!isTag(node) || skippedTags.has(node.name) || isHidden(node)) return;
    if (splitAtStyles && breakBefore(node)) pageBreak();
    const level = headingTags[node.name];
    if (level) {
      flush();
      const text = cleanText(textOf(node));
      if (text) current().push({ type: 'heading', text, level });
    } else if (node.name === 'table') {
      flush();
      const rows = readHtmlTable(node);
      if (rows) {
        // Layout tables with one column are just text.
        if (rows.every((row) => row.length <= 1)) for (const row of rows) current().push({ type: 'paragraph', text: row.join(' ') });
        else current().push({ type: 'table', table: withContext(rows, recentText()) });
      }
    } else if (node.name === 'hr') {
      if (splitAtHr) pageBreak();
      else flush();
    } else if (node.name === 'br') {
      inline += '\n';
      if (/\n\s*\n\s*$/.test(inline)) flush();
    } else {
      const block = blockTags.has(node.name) || node.name === 'tr';
      if (block) flush();
      for (const child of node.children) walk(child);
      if (block) flush();
      else if (node.name === 'td' || node.name === 'th') inline += ' ';
    }
    if (splitAtStyles && breakAfter(node)) pageBreak();
  };
  for (const child of dom.children) walk(child);
  flush();
  while (pages.length > 1 && !pages[pages.length - 1]?.length) pages.pop();

  if (!title) {
    for (const blocks of pages) {
      const heading = blocks.find((block) => block.type === 'heading');
      if (heading && heading.type === 'heading') {
        title = heading.text;
        break;
      }
    }
  }
  return { title, pages: pages.map((blocks, i) => ({ number: i + 1, blocks })) };
}

function withContext(rows: string[][], above: string[]): ParsedTable {
  return makeTable(rows, contextAbove(above));
}

function findFirst(nodes: ChildNode[], name: string): Element | null {
  for (const node of nodes) {
    if (!isTag(node)) continue;
    if (node.name === name) return node;
    const found = findFirst(node.children, name);
    if (found) return found;
  }
  return null;
}
