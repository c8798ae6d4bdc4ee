import { describe, expect, it } from 'vitest';
import { splitSample, startsInReasoning } from './sampleSplit';

describe('splitSample', () => {
  it('splits the DianJin-R1 format', () => {
    expect(splitSample('<think>\n210 / 1400 = 15%\n</think>\n<answer>\\boxed{15%}</answer>')).toEqual({
      reasoning: '210 / 1400 = 15%',
      answer: '\\boxed{15%}',
      hasAnswerTag: true,
      startInReasoning: false,
    });
  });

  it('reads a sample that starts inside reasoning (the template opened <think>)', () => {
    expect(startsInReasoning('0.12 × 250 = 30</think><answer>30</answer>')).toBe(true);
    expect(splitSample('0.12 × 250 = 30</think><answer>30</answer>')).toMatchObject({ reasoning: '0.12 × 250 = 30', answer: '30', startInReasoning: true });
    // Cut off while still thinking, when the caller knows the template opened it.
    expect(splitSample('still thinking', true)).toMatchObject({ reasoning: 'still thinking', answer: '' });
  });

  it('takes the tagged answer over loose text, drops what follows </answer>, honours <answer> while reasoning', () => {
    expect(splitSample('<think>a</think> stray <answer> B </answer> tail')).toMatchObject({ reasoning: 'a', answer: 'B', hasAnswerTag: true });
    expect(splitSample('<think>a<answer>B</answer>')).toMatchObject({ reasoning: 'a', answer: 'B' });
    expect(splitSample('<think>a</think> loose answer')).toMatchObject({ reasoning: 'a', answer: 'loose answer', hasAnswerTag: false });
  });

  it('treats text without tags as the answer, and a later <think> as literal', () => {
    expect(splitSample('Just 42')).toMatchObject({ reasoning: '', answer: 'Just 42' });
    expect(splitSample('A <think>b')).toMatchObject({ reasoning: '', answer: 'A <think>b' });
    expect(splitSample('')).toMatchObject({ reasoning: '', answer: '' });
  });
});
