import { describe, expect, it } from 'vitest';
import { normalizeOpenAnswer, scoreOpen } from './openAnswers';

describe('scoreOpen', () => {
  it.each([
    ['Net income', 'net income'],
    ['  Net   income. ', 'Net income'],
    ['The answer is: net income', 'net income'],
    ['ＮＥＴ ＩＮＣＯＭＥ', 'net income'],
    ['营业收入。', '营业收入'],
    ['答案：营业 收入', '营业收入'],
    ['\\text{EBITDA}', 'EBITDA'],
    ['the operating segment', 'Operating segment'],
  ])('%s = %s', (predicted, reference) => {
    expect(scoreOpen(predicted, reference)).toBe(true);
  });

  it('forgives the writing, not the content', () => {
    expect(scoreOpen('net loss', 'net income')).toBe(false);
    expect(scoreOpen('营业成本', '营业收入')).toBe(false);
    expect(scoreOpen('', '')).toBe(false);
    expect(scoreOpen('anything', '...')).toBe(false);
  });

  it('normalises', () => {
    expect(normalizeOpenAnswer('The Answer is: "Cash Flow"!')).toBe('cash flow');
    expect(normalizeOpenAnswer('现金 流量 表')).toBe('现金流量表');
  });
});
