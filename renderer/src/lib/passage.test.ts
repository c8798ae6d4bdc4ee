import { describe, expect, it } from 'vitest';
import { locatePassage } from './passage';

const page = [
  'Management discussion',
  'Revenue grew 12% in 2024 to 12,345 million.  Net income\nwas 3,124 million, up 20%.',
  '第二节 经营情况讨论与分析',
  '报告期内，公司实现营业收入1,234,567.89万元，同比增长12.2%。净利润420,300.00万元。',
].join('\n\n');

const marked = (range: { start: number; end: number } | null) => (range ? page.slice(range.start, range.end) : null);

describe('locatePassage', () => {
  it('finds a passage whose sentences were re-joined with other whitespace', () => {
    const passage = 'Revenue grew 12% in 2024 to 12,345 million. Net income was 3,124 million, up 20%.';
    expect(marked(locatePassage(page, passage))).toBe('Revenue grew 12% in 2024 to 12,345 million.  Net income\nwas 3,124 million, up 20%.');
  });

  it('skips a heading-path line the page does not have', () => {
    const passage = 'Annual report 2024 › 第二节 经营情况讨论与分析\n报告期内，公司实现营业收入1,234,567.89万元，同比增长12.2%。净利润420,300.00万元。';
    expect(marked(locatePassage(page, passage))).toBe('报告期内，公司实现营业收入1,234,567.89万元，同比增长12.2%。净利润420,300.00万元。');
  });

  it('keeps a heading that is on the page with its body', () => {
    const passage = 'Management discussion\nRevenue grew 12% in 2024 to 12,345 million.';
    expect(marked(locatePassage(page, passage))).toBe('Management discussion\n\nRevenue grew 12% in 2024 to 12,345 million.');
  });

  it('falls back to the beginning and end when the middle differs', () => {
    const passage = 'Revenue grew 12% in 2024 to 12,345 million. NET INCOME was 3,124 million, up 20%.';
    const range = locatePassage(page, passage);
    expect(marked(range)).toBe('Revenue grew 12% in 2024 to 12,345 million.  Net income\nwas 3,124 million, up 20%.');
  });

  it('returns null when the passage is not on the page', () => {
    expect(locatePassage(page, 'Operating cash flow was negative.')).toBeNull();
    expect(locatePassage('', 'anything')).toBeNull();
    expect(locatePassage(page, '   ')).toBeNull();
  });
});
