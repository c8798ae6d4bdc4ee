import { describe, expect, it } from 'vitest';
import { JUDGE_CONTEXT_CHARS, judgeTurns, parseJudgeVerdict } from './judge';

describe('judgeTurns', () => {
  it('asks for \\boxed{1} or \\boxed{0} with the question, reference and answer', () => {
    const turns = judgeTurns({ question: 'What was the growth rate?', reference: '0.0164', context: 'Revenue: 1,000 → 1,016.4' }, '1.64%');
    expect(turns.map((t) => t.role)).toEqual(['system', 'user']);
    expect(turns[0]!.content).toContain('\\boxed{1}');
    expect(turns[0]!.content).toContain('\\boxed{0}');
    const user = turns[1]!.content;
    expect(user).toContain('What was the growth rate?');
    expect(user).toContain('Reference answer:\n0.0164');
    expect(user).toContain("Model's answer:\n1.64%");
    expect(user).toContain('Revenue: 1,000 → 1,016.4');
  });

  it('leaves out a missing context, cuts a long one, and says when the answer is empty', () => {
    expect(judgeTurns({ question: 'Q', reference: 'R' }, 'A')[1]!.content).not.toContain('Context');
    const long = judgeTurns({ question: 'Q', reference: 'R', context: 'x'.repeat(JUDGE_CONTEXT_CHARS * 2) }, '');
    expect(long[1]!.content.length).toBeLessThan(JUDGE_CONTEXT_CHARS + 500);
    expect(long[1]!.content).toContain('[… context cut]');
    expect(long[1]!.content).toContain("Model's answer:\n(empty)");
  });
});

describe('parseJudgeVerdict', () => {
  it.each([
    ['The values agree. \\boxed{1}', true],
    ['The answer differs. \\boxed{0}', false],
    ['\\boxed{{1}}', true],
    ['boxed{1}', true],
    ['\\boxed{ 0 }', false],
    ['\\boxed{\\text{1}}', true],
    ['First I thought \\boxed{0}, but on reflection \\boxed{1}', true],
    ['<think>maybe \\boxed{1}</think>Not the same value. \\boxed{0}', false],
    ['Correct.', null],
    ['\\boxed{yes}', null],
    ['', null],
  ])('%s → %s', (text, want) => {
    expect(parseJudgeVerdict(text)).toBe(want);
  });
});
