import { describe, expect, it } from 'vitest';
import { parseBoxed } from './boxed';

describe('parseBoxed', () => {
  it('returns plain text untouched', () => {
    expect(parseBoxed('no box here')).toEqual([{ kind: 'text', text: 'no box here' }]);
    expect(parseBoxed('')).toEqual([]);
  });

  it('finds boxes with nested braces and drops math delimiters around them', () => {
    expect(parseBoxed('The NPV is $\\boxed{\\text{CNY }1{,}234}$.')).toEqual([
      { kind: 'text', text: 'The NPV is ' },
      { kind: 'boxed', text: 'CNY 1{,}234' },
      { kind: 'text', text: '.' },
    ]);
    expect(parseBoxed('\\[\\boxed{B}\\] and \\boxed{12.5\\%}')).toEqual([
      { kind: 'boxed', text: 'B' },
      { kind: 'text', text: ' and ' },
      { kind: 'boxed', text: '12.5%' },
    ]);
  });

  it('leaves an unclosed box (still streaming) as text', () => {
    expect(parseBoxed('Answer: \\boxed{12')).toEqual([{ kind: 'text', text: 'Answer: \\boxed{12' }]);
  });
});
