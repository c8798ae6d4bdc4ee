import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { resources } from '../../i18n';
import { adviceText, detailErrors, noteText, parseNote } from './notes';
import { chartRows } from './series';

async function translator(lng: 'en' | 'zh-CN') {
  const i18n = i18next.createInstance();
  await i18n.init({ resources, lng, fallbackLng: 'en', interpolation: { escapeValue: false } });
  return i18n.t;
}

describe('training notes', () => {
  it('reads the service’s line-numbered notes into a kind, a place and their numbers', () => {
    expect(parseNote('line 3: not JSON')).toMatchObject({ where: 'line', at: '3', kind: 'notJson' });
    expect(parseNote('line 7: 5000 tokens; does not fit a 2048-token context (left out)')).toMatchObject({ kind: 'tooLong', params: { tokens: '5000', limit: '2048' } });
    expect(parseNote('item fq-1: left out, the model\'s answer was not correct')).toMatchObject({ where: 'item', at: 'fq-1', kind: 'notCorrect' });
    expect(parseNote('… and 12 more')).toMatchObject({ kind: 'more', params: { count: '12' } });
    expect(parseNote('line 2: something new')).toMatchObject({ where: 'line', at: '2', kind: null, text: 'something new' });
  });

  it('shows them in the UI language, unknown ones as written', async () => {
    const zh = await translator('zh-CN');
    expect(noteText(zh, 'line 3: not JSON')).toBe('第 3 行：不是 JSON');
    expect(noteText(zh, 'line 7: 5000 tokens; does not fit a 2048-token context (left out)')).toBe('第 7 行：5000 个词元，超出 2048 词元的上下文（已排除）');
    expect(noteText(zh, 'line 2: something new')).toBe('第 2 行：something new');
    const en = await translator('en');
    expect(noteText(en, 'line 4: empty answer ("answer" is missing or empty)')).toBe('Line 4: empty answer ("answer" is missing or empty)');
    expect(noteText(en, '… and 12 more')).toBe('… and 12 more');
  });

  it('translates the estimate’s advice', async () => {
    const zh = await translator('zh-CN');
    expect(adviceText(zh, 'Lower the context length to 512 tokens (longer examples are left out).')).toBe('将上下文长度降到 512 词元（更长的样本将被排除）。');
    expect(adviceText(zh, 'Lower the LoRA rank (64 now) or train fewer modules.')).toBe('降低 LoRA 秩（当前为 64）或减少训练的模块。');
    // GRPO's advice (grpoEstimate.ts).
    expect(adviceText(zh, 'Lower the context length to 256 tokens (a prompt and its answer must still fit).')).toBe('将上下文长度降到 256 词元（提示与回答仍须能容纳）。');
    expect(adviceText(zh, 'Lower the group size to 4 answers per prompt.')).toBe('将组大小降到每个问题 4 个回答。');
    expect(adviceText(zh, 'Lower the prompts per step to 1.')).toBe('将每步问题数降到 1。');
    expect(adviceText(zh, 'Lower the answer length to 512 tokens.')).toBe('将回答长度降到 512 词元。');
    expect(adviceText(zh, 'Something else.')).toBe('Something else.');
  });

  it('takes the line errors from a refusal’s details', () => {
    expect(detailErrors({ errors: ['line 1: not JSON', 3] })).toEqual(['line 1: not JSON']);
    expect(detailErrors(undefined)).toEqual([]);
  });
});

describe('training chart rows', () => {
  it('puts training and validation loss on one row per step', () => {
    const p = (step: number, loss: number) => ({ step, epoch: 0, loss, tokens: 1, tokensPerSecond: 10, peakMemoryBytes: 5, lr: 0, elapsedSeconds: 0 });
    expect(chartRows([p(2, 1.5), p(1, 2)], [{ step: 2, loss: 1.7 }])).toEqual([
      { step: 1, loss: 2, tokensPerSecond: 10, memory: 5 },
      { step: 2, loss: 1.5, tokensPerSecond: 10, memory: 5, validation: 1.7 },
    ]);
  });
});
