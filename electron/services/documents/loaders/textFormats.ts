/**
 * Plain text and Markdown. A form feed (\f) starts a new page. Paragraphs are separated by blank lines; in Markdown,
 * `#` headings become headings and pipe tables become tables (the row above `|---|` is the header).
 */
import type { ParsedBlock, ParsedDocument, ParsedPage } from '../../../shared/documents';
import { cleanText, joinText } from './text';
import { contextAbove, makeTable } from './tables';

function stripInlineMarkdown(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])/g, '$2')
    .replace(/`([^`]*)`/g, '$1');
}

function splitPipeRow(line: string): string[] {
  let inner = line.trim();
  if (inner.startsWith('|')) inner = inner.slice(1);
  if (inner.endsWith('|') && !inner.endsWith('\\|')) inner = inner.slice(0, -1);
  return inner.split(/(?<!\\)\|/).map((cell) => cleanText(stripInlineMarkdown(cell.replace(/\\\|/g, '|'))));
}

const separatorRow = /^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$/;

function parsePage(text: string, markdown: boolean): ParsedBlock[] {
  const blocks: ParsedBlock[] = [];
  const lines = text.split(/\r?\n/);
  let paragraph = '';
  let inFence = false;
  const recent = () => blocks.slice(-3).flatMap((b) => (b.type === 'table' ? [] : [b.text]));
  const flush = () => {
    const t = cleanText(paragraph);
    paragraph = '';
    if (t) blocks.push({ type: 'paragraph', text: t });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (markdown && /^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      if (!inFence) flush();
      continue;
    }
    if (inFence) {
      paragraph += `${line}\n`;
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    if (markdown) {
      const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
      if (heading) {
        flush();
        blocks.push({ type: 'heading', text: cleanText(stripInlineMarkdown(heading[2] ?? '')), level: heading[1]?.length ?? 1 });
        continue;
      }
      if (line.includes('|') && separatorRow.test(lines[i + 1] ?? '') && !separatorRow.test(line)) {
        flush();
        const rows = [splitPipeRow(line)];
        let j = i + 2;
        for (; j < lines.length && (lines[j] ?? '').includes('|') && (lines[j] ?? '').trim(); j++) rows.push(splitPipeRow(lines[j] ?? ''));
        const width = Math.max(...rows.map((r) => r.length));
        const grid = rows.map((r) => Array.from({ length: width }, (_, k) => r[k] ?? ''));
        const table = makeTable(grid, contextAbove(recent()));
        table.headerRows = 1;
        blocks.push({ type: 'table', table });
        i = j - 1;
        continue;
      }
      paragraph = joinText(paragraph, stripInlineMarkdown(line.trim()));
    } else {
      paragraph = joinText(paragraph, line.trim());
    }
  }
  flush();
  return blocks;
}

export function loadText(text: string, format: 'txt' | 'md'): ParsedDocument {
  const pages: ParsedPage[] = text.split('\f').map((pageText, i) => ({ number: i + 1, blocks: parsePage(pageText, format === 'md') }));
  while (pages.length > 1 && !pages[pages.length - 1]?.blocks.length) pages.pop();
  const heading = pages.flatMap((p) => p.blocks).find((b) => b.type === 'heading');
  const first = pages[0]?.blocks[0];
  const title = heading && heading.type === 'heading' ? heading.text : first && first.type === 'paragraph' && first.text.length <= 120 ? first.text : null;
  return { format, title, pages, warnings: [] };
}
