import { describe, expect, it } from 'vitest';
import type { ParsedDocument, ParsedTable } from '../../shared/documents';
import { chunkDocument, renderTable, splitSentences } from './chunking';
import { teslaEn } from './testDocuments';

function longParagraph(sentence: string, count: number): string {
  return Array.from({ length: count }, (_, i) => `${sentence.replace('#', String(i))}`).join('');
}

describe('splitSentences', () => {
  it('splits Chinese on 。！？； and English on .!? before a space, keeping decimals whole', () => {
    expect(splitSentences('营收增长19%。利润下降！为什么？因为成本；完')).toEqual(['营收增长19%。', '利润下降！', '为什么？', '因为成本；', '完']);
    expect(splitSentences('Revenue was $96.77 billion. Margins fell! Why? Costs.')).toEqual(['Revenue was $96.77 billion.', 'Margins fell!', 'Why?', 'Costs.']);
  });
});

describe('chunkDocument', () => {
  it('keeps pages apart, carries the heading path (across a page break) and puts tables in their own chunks', () => {
    const chunks = chunkDocument(teslaEn);
    expect(chunks.map((c) => [c.seq, c.page, c.kind, c.tableIndex, c.headingPath])).toEqual([
      [0, 1, 'text', null, 'Income statement › Revenue'],
      [1, 1, 'table', 0, 'Income statement › Revenue'],
      [2, 2, 'text', null, 'Income statement › Revenue'],
      [3, 2, 'text', null, 'Risk factors'],
    ]);
    expect(chunks[0]?.text.startsWith('Income statement › Revenue\nTotal revenues grew 19%')).toBe(true);
    expect(chunks[1]?.text).toBe(
      'Income statement › Revenue\nTable: Consolidated Statements of Operations (in millions)\nItem | 2023 | 2022\n' +
        'Total revenues | 96,773 | 81,462\nCost of revenues | 79,113 | 60,609\nNet income | 14,997 | 12,556',
    );
  });

  it('packs Chinese sentences into chunks of about the target size with sentence-boundary cuts and overlap', () => {
    const text = longParagraph('第#季度公司营业收入同比增长百分之十二，主要受益于新能源汽车销量的持续提升和储能业务的快速扩张。', 60);
    const doc: ParsedDocument = { format: 'txt', title: null, warnings: [], pages: [{ number: 1, blocks: [{ type: 'paragraph', text }] }] };
    const chunks = chunkDocument(doc, { targetChars: 1000, overlapChars: 150 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks.slice(0, -1)) {
      expect(c.text.length).toBeGreaterThanOrEqual(800);
      expect(c.text.length).toBeLessThanOrEqual(1200);
      expect(c.text.endsWith('。')).toBe(true);
      expect(c.text).not.toContain(' ');
    }
    // Overlap: the next chunk starts with the last sentences (≤ 150 chars) of the one before.
    const lastSentence = (chunks[0]?.text.match(/[^。]+。$/u) ?? [''])[0];
    const second = chunks[1]?.text ?? '';
    expect(second.slice(0, 150)).toContain(lastSentence);
    expect(chunks[0]?.text).toContain(second.slice(0, 60));
    // Every sentence is somewhere.
    expect(chunks.map((c) => c.text).join('')).toContain('第59季度');
  });

  it('never crosses a page and cuts an over-long sentence', () => {
    const doc: ParsedDocument = {
      format: 'pdf',
      title: null,
      warnings: [],
      pages: [
        { number: 1, blocks: [{ type: 'paragraph', text: 'Short page one.' }] },
        { number: 2, blocks: [{ type: 'paragraph', text: 'word '.repeat(600) }] },
      ],
    };
    const chunks = chunkDocument(doc, { targetChars: 500 });
    expect(chunks[0]).toMatchObject({ page: 1, text: 'Short page one.' });
    expect(chunks.slice(1).every((c) => c.page === 2 && c.text.length <= 600)).toBe(true);
  });

  it('splits a long table into row groups that each repeat the caption, units and header rows', () => {
    const table: ParsedTable = {
      title: '分部收入',
      units: '单位：百万元',
      headerRows: 2,
      rows: [['分部', '2023', '2022'], ['', '金额', '金额'], ...Array.from({ length: 80 }, (_, i) => [`分部${i}`, `${1000 + i}`, `${900 + i}`])],
    };
    const groups = renderTable(table, 300, 360);
    expect(groups.length).toBeGreaterThan(3);
    for (const g of groups) {
      const lines = g.split('\n');
      expect(lines.slice(0, 3)).toEqual(['Table: 分部收入 (单位：百万元)', '分部 | 2023 | 2022', ' | 金额 | 金额']);
      expect(g.length).toBeLessThanOrEqual(360);
    }
    const doc: ParsedDocument = { format: 'xlsx', title: null, warnings: [], pages: [{ number: 3, label: 'Segments', blocks: [{ type: 'table', table }] }] };
    const chunks = chunkDocument(doc, { targetChars: 300 });
    expect(chunks.every((c) => c.kind === 'table' && c.tableIndex === 0 && c.page === 3)).toBe(true);
    expect(chunks.map((c) => c.text.split('\n').slice(3).join('\n')).join('\n')).toContain('分部79 | 1079 | 979');
  });
});
