import { describe, expect, it } from 'vitest';
import { highlightRuns, snippetAround } from './highlights';

describe('highlightRuns', () => {
  it('cuts by offsets, merging overlaps and clamping out-of-range ends', () => {
    expect(highlightRuns('net income rose', [[4, 10], [0, 3], [2, 4], [12, 99]])).toEqual([
      { text: 'net income', marked: true },
      { text: ' r', marked: false },
      { text: 'ose', marked: true },
    ]);
  });

  it('joins words with only spaces between them', () => {
    expect(highlightRuns('Net income | 3,124', [[0, 3], [4, 10]])).toEqual([
      { text: 'Net income', marked: true },
      { text: ' | 3,124', marked: false },
    ]);
  });

  it('treats pattern characters as text', () => {
    expect(highlightRuns('a (1,234) b', [[2, 9]])).toEqual([
      { text: 'a ', marked: false },
      { text: '(1,234)', marked: true },
      { text: ' b', marked: false },
    ]);
  });

  it('works on Chinese text', () => {
    expect(highlightRuns('公司营业收入增长', [[2, 6]]).map((r) => r.text)).toEqual(['公司', '营业收入', '增长']);
  });
});

describe('snippetAround', () => {
  it('keeps short passages whole', () => {
    expect(snippetAround('short', [[0, 5]], 100)).toEqual({ text: 'short', highlights: [[0, 5]], cutStart: false, cutEnd: false });
  });

  it('cuts long passages around the first highlight and moves the offsets', () => {
    const text = `${'x'.repeat(500)}net income${'y'.repeat(500)}`;
    const snippet = snippetAround(text, [[500, 510]], 90);
    expect(snippet.text.length).toBe(90);
    expect(snippet.cutStart && snippet.cutEnd).toBe(true);
    const [[s, e]] = snippet.highlights as [[number, number]];
    expect(snippet.text.slice(s, e)).toBe('net income');
  });
});
