import { describe, expect, it } from 'vitest';
import { extractAnswer, formatReward } from './answerFormat';

const good = '<think>\nRevenue rose from 100 to 120, so growth is 20%.\n</think>\n<answer>\nGrowth was 20%, so the answer is \\boxed{20\\%}.\n</answer>';

describe('extractAnswer: the DianJin-R1 format', () => {
  it('reads the last box inside the answer block', () => {
    const r = extractAnswer(good);
    expect(r).toEqual({
      formatOk: true,
      answerText: 'Growth was 20%, so the answer is \\boxed{20\\%}.',
      boxed: '20\\%',
      reasoning: 'Revenue rose from 100 to 120, so growth is 20%.',
    });
    expect(formatReward(good)).toBe(1);
  });

  it('tolerates whitespace and newlines around and inside tags, and no whitespace at all', () => {
    expect(extractAnswer('  \n<think>a</think><answer>\\boxed{B}</answer>\n\n').formatOk).toBe(true);
    expect(extractAnswer('<think>a</think>\n\n  <answer>\n\\boxed{B}\n</answer>').formatOk).toBe(true);
    expect(extractAnswer('< think >a</ think >< answer >\\boxed{B}< /answer >').formatOk).toBe(true);
  });

  it('ignores end-of-turn tokens after the answer', () => {
    expect(formatReward('<think>a</think><answer>\\boxed{1}</answer><|im_end|>')).toBe(1);
    expect(formatReward('<think>a</think><answer>\\boxed{1}</answer>\n<｜end▁of▁sentence｜>')).toBe(1);
  });

  it('takes the last complete box, with nested braces and LaTeX inside', () => {
    const r = extractAnswer('<think>x</think><answer>First \\boxed{1} then \\boxed{\\frac{1}{4}} and \\boxed{\\text{A, C}}</answer>');
    expect(r.boxed).toBe('\\text{A, C}');
    expect(extractAnswer('<think>x</think><answer>\\boxed{\\frac{1}{4}}</answer>').boxed).toBe('\\frac{1}{4}');
  });

  it('counts a think block opened by the chat template (no <think> in the output)', () => {
    const opened = 'Revenue grew 20%.\n</think>\n<answer>\\boxed{0.2}</answer>';
    expect(extractAnswer(opened)).toMatchObject({ formatOk: true, boxed: '0.2', reasoning: 'Revenue grew 20%.' });
    expect(extractAnswer(opened, { startInReasoning: true }).formatOk).toBe(true);
    // Told explicitly that the template opened it, an explicit <think> is a second block.
    expect(extractAnswer(good, { startInReasoning: true }).formatOk).toBe(false);
    expect(extractAnswer(opened, { startInReasoning: false }).formatOk).toBe(false);
  });

  it('reads the Chinese answers the model gives', () => {
    const zh = '<think>\n营业收入从1,400万元增至1,680万元，增长率为280/1400=20%。\n</think>\n<answer>\n增长率为\\boxed{20\\%}\n</answer>';
    expect(extractAnswer(zh)).toMatchObject({ formatOk: true, boxed: '20\\%', answerText: '增长率为\\boxed{20\\%}' });
  });
});

describe('extractAnswer: broken formats fall back and say so', () => {
  it('missing </answer> (truncated after the box)', () => {
    const r = extractAnswer('<think>a</think>\n<answer>The answer is \\boxed{42}');
    expect(r).toMatchObject({ formatOk: false, boxed: '42', answerText: 'The answer is \\boxed{42}' });
  });

  it('two think blocks', () => {
    const r = extractAnswer('<think>a</think><think>b</think><answer>\\boxed{7}</answer>');
    expect(r).toMatchObject({ formatOk: false, boxed: '7', reasoning: 'ab' });
  });

  it('two answer blocks: the last one is read', () => {
    const r = extractAnswer('<think>a</think><answer>\\boxed{1}</answer><answer>\\boxed{2}</answer>');
    expect(r).toMatchObject({ formatOk: false, boxed: '2' });
  });

  it('box outside the answer block', () => {
    const r = extractAnswer('<think>a</think><answer>It is 5.</answer> \\boxed{5}');
    expect(r).toMatchObject({ formatOk: false, boxed: '5', answerText: 'It is 5.' });
  });

  it('no box: the answer text is the answer', () => {
    const r = extractAnswer('<think>a</think><answer>The answer is B.</answer>');
    expect(r).toMatchObject({ formatOk: false, boxed: null, answerText: 'The answer is B.' });
  });

  it('an empty box does not satisfy the format', () => {
    expect(extractAnswer('<think>a</think><answer>\\boxed{}</answer>').formatOk).toBe(false);
  });

  it('no answer tags: the text after </think>', () => {
    const r = extractAnswer('<think>a</think>\nSo the margin is 12.5%.');
    expect(r).toMatchObject({ formatOk: false, boxed: null, answerText: 'So the margin is 12.5%.' });
  });

  it('text between </think> and <answer>, or after </answer>, breaks the format', () => {
    expect(formatReward('<think>a</think> Summary. <answer>\\boxed{1}</answer>')).toBe(0);
    expect(formatReward('<think>a</think><answer>\\boxed{1}</answer> Hope this helps!')).toBe(0);
    expect(formatReward('Sure! <think>a</think><answer>\\boxed{1}</answer>')).toBe(0);
  });

  it('no tags at all: the last box anywhere, else the last line', () => {
    expect(extractAnswer('Growth is 20%.\nThus \\boxed{0.2}.')).toMatchObject({ formatOk: false, boxed: '0.2', reasoning: '' });
    expect(extractAnswer('Growth is 20%.\n\nThe answer is 0.2\n')).toMatchObject({ boxed: null, answerText: 'The answer is 0.2' });
  });

  it('truncated inside the reasoning: an unclosed box is no box', () => {
    const r = extractAnswer('<think>Let me compute \\boxed{12', { startInReasoning: false });
    expect(r).toMatchObject({ formatOk: false, boxed: null, reasoning: 'Let me compute \\boxed{12' });
    const opened = extractAnswer('Still thinking about 1,200 and', { startInReasoning: true });
    expect(opened).toMatchObject({ formatOk: false, reasoning: 'Still thinking about 1,200 and', answerText: 'Still thinking about 1,200 and' });
  });

  it('an earlier complete box is used when the last one was cut off', () => {
    expect(extractAnswer('<think>a</think><answer>\\boxed{3} or \\boxed{4').boxed).toBe('3');
  });

  it('empty output', () => {
    expect(extractAnswer('')).toEqual({ formatOk: false, answerText: '', boxed: null, reasoning: '' });
    expect(formatReward('')).toBe(0);
    expect(formatReward('   ')).toBe(0);
  });

  it('answer before think, and a missing <answer> opening', () => {
    expect(formatReward('<answer>\\boxed{1}</answer><think>a</think>')).toBe(0);
    const r = extractAnswer('<think>a</think>\\boxed{9}</answer>');
    expect(r).toMatchObject({ formatOk: false, boxed: '9' });
  });
});
