import { describe, expect, it } from 'vitest';
import { readChoices, scoreChoices } from './choices';

describe('readChoices', () => {
  it.each([
    ['ABD', 'ABD'],
    ['DBA', 'ABD'],
    ['A,B,D', 'ABD'],
    ['A, C', 'AC'],
    ['A、C', 'AC'],
    ['A C', 'AC'],
    ['A/C', 'AC'],
    ['AC', 'AC'],
    ['A and C', 'AC'],
    ['C', 'C'],
    ['\\text{A, C}', 'AC'],
    ['\\text{B}', 'B'],
    ['\\mathrm{D}', 'D'],
    ['Ａ', 'A'],
    ['ＡＢＤ', 'ABD'],
    ['Ａ、Ｃ', 'AC'],
    ['选项A、C', 'AC'],
    ['答案：ABD', 'ABD'],
    ['答案是B和D', 'BD'],
    ['答案为 C', 'C'],
    ['故选B', 'B'],
    ['The answer is B', 'B'],
    ['The answer is B.', 'B'],
    ['Answer: B', 'B'],
    ['The correct options are A and C.', 'AC'],
    ['Options A, C and D', 'ACD'],
    ['Both A and C are correct', 'AC'],
    ['A is correct', 'A'],
    ['I think the answer is B', 'B'],
    ['A reasonable reading gives B', 'B'],
    ['B. Net profit margin', 'B'],
    ['B. 资产负债率', 'B'],
    ['(B)', 'B'],
    ['[A][C]', 'AC'],
    ['b', 'B'],
    ['the answer is b', 'B'],
    ['a and c', 'AC'],
    ['H', 'H'],
    ['A、B、C、D、E、F、G', 'ABCDEFG'],
  ])('%s → %s', (text, letters) => {
    expect(readChoices(text)).toBe(letters);
  });

  it('finds no letters inside words, lowercase prose, acronyms or nothing', () => {
    expect(readChoices('CFLUE')).toBe('');
    expect(readChoices('NO')).toBe('');
    expect(readChoices('a bad idea')).toBe('');
    expect(readChoices('不确定')).toBe('');
    expect(readChoices('')).toBe('');
  });

  it('prefers the announced answer to letters mentioned before it', () => {
    expect(readChoices('A is wrong because the ratio fell, so the answer is C')).toBe('C');
    expect(readChoices('选项A错误，B正确，故选B')).toBe('B');
  });
});

describe('scoreChoices', () => {
  it('compares the sets of letters', () => {
    expect(scoreChoices('DBA', 'ABD')).toBe(true);
    expect(scoreChoices('A, B, D', 'ABD')).toBe(true);
    expect(scoreChoices('AB', 'ABD')).toBe(false);
    expect(scoreChoices('ABCD', 'ABD')).toBe(false);
    expect(scoreChoices('答案是B和D', 'BD')).toBe(true);
    expect(scoreChoices('Ｂ', 'B')).toBe(true);
  });

  it('matches the authors\' scorer on plain box contents', () => {
    // eval.py keeps every capital A–G in the box; on these the two agree.
    for (const [box, ref] of [['ABD', 'ABD'], ['A,B', 'AB'], ['C', 'C'], ['\\text{B}', 'B'], ['BD', 'BD']] as const) {
      expect(scoreChoices(box, ref)).toBe(true);
    }
  });

  it('does better than the authors\' scorer on prose', () => {
    // eval.py would read "AB" from "Answer: B" and "ABC" from "Both A and C".
    expect(scoreChoices('Answer: B', 'B')).toBe(true);
    expect(scoreChoices('Both A and C', 'AC')).toBe(true);
  });

  it('never matches an empty reference or prediction', () => {
    expect(scoreChoices('', 'A')).toBe(false);
    expect(scoreChoices('A', '')).toBe(false);
    expect(scoreChoices('', '')).toBe(false);
  });
});
