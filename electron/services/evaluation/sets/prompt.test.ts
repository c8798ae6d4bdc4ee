import { describe, expect, it } from 'vitest';
import type { EvalItem } from '../../../shared/evaluation';
import { evalTurns, promptLanguage } from './prompt';
import { loadSampleSet } from './sample';

const user = (item: EvalItem): string => evalTurns(item)[1]!.content;
const system = (item: EvalItem): string => evalTurns(item)[0]!.content;

describe('evalTurns', () => {
  it('asks for <think>, <answer> and \\boxed{} in the system turn, in the item’s language', () => {
    const en: EvalItem = { id: '1', task: 'open', question: 'What is leverage?', reference: 'x' };
    const zh: EvalItem = { id: '2', task: 'open', question: '什么是ROE？', reference: 'x' };
    expect(evalTurns(en).map((t) => t.role)).toEqual(['system', 'user']);
    for (const item of [en, zh]) {
      for (const tag of ['<think>', '</think>', '<answer>', '</answer>', '\\boxed{}']) expect(system(item)).toContain(tag);
    }
    expect(promptLanguage(en)).toBe('en');
    expect(promptLanguage(zh)).toBe('zh');
    expect(system(en)).toMatch(/^You are a financial expert/);
    expect(system(zh)).toMatch(/^你是一位金融领域的专家/);
  });

  it('gives a finqa item its report and asks for only the number in the box', () => {
    const item: EvalItem = { id: 'f', task: 'finqa', question: 'What was the change?', reference: '0.1', context: '| x | 2023 |\n| --- | --- |\n| a | 1 |' };
    const text = user(item);
    expect(text).toContain('Report:\n| x | 2023 |');
    expect(text).toContain('Question: What was the change?');
    expect(text).toMatch(/put only the final number in \\boxed\{\}/);
    expect(text).not.toContain('0.1');
    const zh = user({ ...item, question: '2023年营业收入同比增长了多少？' });
    expect(zh).toContain('资料：');
    expect(zh).toContain('只把最终数值放到\\boxed{}中');
  });

  it('lists cflue options as "A. …" and asks for only the letters, single or multiple by the question’s label', () => {
    const item: EvalItem = { id: 'c', task: 'cflue', question: '【多项选择题】下列属于流动资产的有（）。', reference: 'AB', choices: { A: '货币资金', B: '存货', C: '固定资产' } };
    const text = user(item);
    expect(text).toContain('假设你是一位金融行业专家，请回答下列问题。');
    expect(text).toContain('题目是多选题');
    expect(text).toContain('【多项选择题】下列属于流动资产的有（）。\nA. 货币资金\nB. 存货\nC. 固定资产');
    expect(text).toContain('只把答案选项的字母放到\\boxed{}中');
    expect(text).toContain('\\boxed{ACD}');
    expect(user({ ...item, question: '【单项选择题】下列属于流动资产的是（）。' })).toContain('题目是单选题');
    expect(user({ ...item, question: '下列属于流动资产的有（）。' })).toContain('可能有一个或多个正确的选项');
    const en = user({ ...item, question: 'Which of these are current assets?', choices: { A: 'Cash', B: 'Inventory' } });
    expect(en).toContain('Which of these are current assets?\nA. Cash\nB. Inventory');
    expect(en).toMatch(/put only the letters of the correct options in \\boxed\{\}/);
  });

  it('gives a ccc item its dialogue and asks for 合规/违规, compliant/non-compliant, or yes/no when that is how the set answers', () => {
    const item: EvalItem = { id: 'k', task: 'ccc', question: '请判断该对话是否合规。', reference: '违规', context: '客户：能保本吗？\n经理：保本保收益。' };
    const text = user(item);
    expect(text).toContain('对话：\n客户：能保本吗？');
    expect(text).toContain('\\boxed{合规}或\\boxed{违规}');
    const en = user({ ...item, question: 'Is the agent compliant?', context: 'Agent: guaranteed returns.', reference: 'non-compliant' });
    expect(en).toContain('Conversation:\nAgent: guaranteed returns.');
    expect(en).toContain('\\boxed{compliant} or \\boxed{non-compliant}');
    expect(user({ ...item, question: '该对话是否存在违规？', reference: '是' })).toContain('\\boxed{是}或\\boxed{否}');
  });

  it('never puts the reference in the prompt of a sample item', async () => {
    const { items } = await loadSampleSet();
    for (const item of items) {
      const text = evalTurns(item)
        .map((t) => t.content)
        .join('\n');
      if (item.task === 'finqa' || item.task === 'open') expect(text, item.id).not.toContain(item.reference);
      expect(text, item.id).toContain(item.question);
    }
  });
});
