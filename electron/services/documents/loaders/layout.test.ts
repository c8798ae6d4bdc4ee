import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { readHtmlTable } from './html';
import { buildLines, layoutPage, type PositionedText } from './pdfLayout';
import { formatNumber } from './spreadsheets';
import { countHeaderRows, findUnits, isAmountCell } from './tables';
import { cleanText } from './text';
import type { Element } from 'domhandler';

/** Items as a PDF generator emits them: `x` left edge, right-aligned numbers ending at `right`. */
function item(str: string, x: number, y: number, fontSize = 10, charWidth = 0.5): PositionedText {
  return { str, x, y, width: str.length * fontSize * charWidth, fontSize };
}
function right(str: string, rightEdge: number, y: number): PositionedText {
  const width = str.length * 5;
  return { str, x: rightEdge - width, y, width, fontSize: 10 };
}

describe('PDF lines', () => {
  it('joins CJK pieces without spaces and Latin words with one', () => {
    const lines = buildLines([item('营业', 72, 700, 10, 1), item('收入', 92.5, 700, 10, 1), item('增长', 112.5, 700, 10, 1), item('Net', 72, 680), item('income', 90, 680)]);
    expect(lines.map((l) => l.text)).toEqual(['营业收入增长', 'Net income']);
  });

  it('groups items on one baseline even when generators emit them out of order', () => {
    const lines = buildLines([item('b', 200, 700.3), item('a', 72, 700), item('next', 72, 688)]);
    expect(lines.map((l) => l.segments.map((s) => s.text))).toEqual([['a', 'b'], ['next']]);
  });
});

describe('PDF tables from positions', () => {
  it('keeps a header spanning two columns from fusing them, and label-only rows inside the table', () => {
    const items = [
      item('Balance sheet', 72, 760, 16),
      item('(in thousands)', 72, 740),
      item('December 31,', 320, 720),
      right('2024', 360, 705),
      right('2023', 440, 705),
      item('Current assets:', 72, 690),
      item('Cash', 82, 675),
      right('1,234', 360, 675),
      right('987', 440, 675),
      item('Receivables', 82, 660),
      right('(56)', 360, 660),
      right('—', 440, 660),
      item('Total', 72, 645),
      right('1,178', 360, 645),
      right('987', 440, 645),
    ];
    const { blocks } = layoutPage(items);
    const table = blocks.find((b) => b.type === 'table');
    expect(table?.type === 'table' && table.table).toEqual({
      title: 'Balance sheet',
      units: 'in thousands',
      headerRows: 2,
      rows: [
        ['', 'December 31,', ''],
        ['', '2024', '2023'],
        ['Current assets:', '', ''],
        ['Cash', '1,234', '987'],
        ['Receivables', '(56)', '—'],
        ['Total', '1,178', '987'],
      ],
    });
  });

  it('does not turn two-column prose into a table', () => {
    const items = [
      item('The company sells sensors', 72, 700),
      item('and it competes on price.', 320, 700),
      item('Growth came from Asia', 72, 686),
      item('and from new products.', 320, 686),
    ];
    expect(layoutPage(items).blocks.every((b) => b.type !== 'table')).toBe(true);
  });

  it('makes large-font lines headings with levels by size', () => {
    const items = [item('Annual report', 72, 760, 24), item('Overview', 72, 720, 16), item('Body text that is long enough to be the body size.', 72, 700)];
    expect(layoutPage(items).blocks.slice(0, 2)).toEqual([
      { type: 'heading', text: 'Annual report', level: 1 },
      { type: 'heading', text: 'Overview', level: 2 },
    ]);
  });
});

describe('HTML tables', () => {
  const table = (html: string) => readHtmlTable(parseDocument(html).children.find((n) => (n as Element).name === 'table') as Element);

  it('expands rowspan and colspan', () => {
    expect(table('<table><tr><td rowspan="2">Segment</td><td colspan="2">Revenue</td></tr><tr><td>2024</td><td>2023</td></tr><tr><td>Asia</td><td>10</td><td>9</td></tr></table>')).toEqual([
      ['Segment', 'Revenue', ''],
      ['', '2024', '2023'],
      ['Asia', '10', '9'],
    ]);
  });

  it('merges % cells and keeps (1,234) as written', () => {
    expect(table('<table><tr><td>Margin</td><td>(1,234</td><td>)</td><td>12.5</td><td>%</td></tr></table>')).toEqual([['Margin', '(1,234)', '12.5%']]);
  });
});

describe('numbers and units', () => {
  it('formats Excel number formats', () => {
    expect(formatNumber(1234567.891, '#,##0.00')).toBe('1,234,567.89');
    expect(formatNumber(-1234, '#,##0;(#,##0)')).toBe('(1,234)');
    expect(formatNumber(-1234, '#,##0')).toBe('-1,234');
    expect(formatNumber(0.4159, '0.0%')).toBe('41.6%');
    expect(formatNumber(1234, '"$"#,##0')).toBe('$1,234');
    expect(formatNumber(1234, '[$¥-804]#,##0.00')).toBe('¥1,234.00');
    expect(formatNumber(1234567, '#,##0,')).toBe('1,235');
    expect(formatNumber(12.5, undefined)).toBe('12.5');
  });

  it('finds units lines in English and Chinese', () => {
    expect(findUnits('(In millions, except per share data)')).toBe('In millions, except per share data');
    expect(findUnits('Amounts in thousands of U.S. dollars')).toBe('Amounts in thousands of U.S. dollars');
    expect(findUnits('单位：万元')).toBe('单位：万元');
    expect(findUnits('金额单位：人民币千元')).toBe('金额单位：人民币千元');
    expect(findUnits('单位：元 币种：人民币')).toBe('单位：元');
    expect(findUnits('（人民币千元）')).toBe('人民币千元');
    expect(findUnits('Revenue grew in 2024')).toBeNull();
  });

  it('tells amounts from years and counts header rows', () => {
    expect(isAmountCell('2024')).toBe(false);
    expect(isAmountCell('(1,234)')).toBe(true);
    expect(isAmountCell('$12.5')).toBe(true);
    expect(countHeaderRows([['', 'FY2024'], ['Item', '2024'], ['Revenue', '100']])).toBe(2);
  });

  it('drops spaces between CJK characters only', () => {
    expect(cleanText('营业 收入  Net  income 2024 年')).toBe('营业收入 Net income 2024 年');
  });
});
