import { describe, expect, it } from 'vitest';
import { isNumericCell } from './tableCells';

describe('isNumericCell', () => {
  it('recognises figures as reports print them', () => {
    for (const cell of ['12,345', '(7,210)', '-3.5%', '¥1,234.56', '1,234,567.89', '（650,300.45）', '1.2亿', '—', '2024', ' 3,124 ', '12.2%', '$1.52']) {
      expect(isNumericCell(cell), cell).toBe(true);
    }
  });

  it('leaves labels alone', () => {
    for (const cell of ['', 'Revenue', '营业收入', 'Net income 2024', 'Q4 2024', 'FY2023']) {
      expect(isNumericCell(cell), cell).toBe(false);
    }
  });
});
