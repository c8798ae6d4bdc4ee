import { describe, expect, it } from 'vitest';
import { citedNumbers, splitCitations } from './citations';

const all = new Set([1, 2, 3]);
const joined = (text: string) =>
  splitCitations(text, all)
    .map((s) => (s.kind === 'cite' ? `<${s.n}>` : s.text))
    .join('');

describe('splitCitations', () => {
  it('links single markers and keeps the brackets as text', () => {
    expect(splitCitations('Revenue rose [1].', all)).toEqual([
      { kind: 'text', text: 'Revenue rose [' },
      { kind: 'cite', n: 1, text: '1' },
      { kind: 'text', text: '].' },
    ]);
  });

  it('handles adjacent markers and lists with any comma', () => {
    expect(joined('Net income [1][2] and margin [1, 3], 营业收入[2，3]、[1、2]')).toBe('Net income [<1>][<2>] and margin [<1>, <3>], 营业收入[<2>，<3>]、[<1>、<2>]');
    expect(joined('见【2】')).toBe('见【<2>】');
  });

  it('leaves other brackets alone', () => {
    const text = 'See [a], [2023], [4], [1, 4], [ ], [1-2], x[1]y and \\boxed{[3]}';
    expect(joined(text)).toBe('See [a], [2023], [4], [1, 4], [ ], [1-2], x[<1>]y and \\boxed{[<3>]}');
    expect(splitCitations('[1] and [2]', new Set())).toEqual([{ kind: 'text', text: '[1] and [2]' }]);
  });

  it('never loses text', () => {
    const text = 'a [1] b [2, 3] c [9] 【1】 end';
    expect(
      splitCitations(text, all)
        .map((s) => s.text)
        .join(''),
    ).toBe(text);
  });

  it('lists the numbers used, in order of first use', () => {
    expect(citedNumbers('x [3] y [1][3] z [2, 1] [7]', all)).toEqual([3, 1, 2]);
  });
});
