import { describe, expect, it } from 'vitest';
import type { CalculationCheck, TraceCheckResult, TraceInput } from '../../shared/inspection';
import { traceToJson, traceToMarkdown } from './exportTrace';
import { buildSteps } from './testSteps';


function fixture(): { input: TraceInput; result: TraceCheckResult } {
  const steps = buildSteps([
    { text: 'Revenue 1,400, cost 830, other 77.', numbers: [['1,400', '1400'], ['830', '830'], ['77', '77']] },
    { text: 'Gross profit = 1,400 - 830 = 580.', numbers: [['1,400', '1400'], ['830', '830'], ['580', '580']], checks: [['1,400 - 830', '580', '570', '570', 'wrong']] },
    { text: 'Margin = 580 / 1,400 = 41.43%.\nDone.', numbers: [['580', '580'], ['1,400', '1400'], ['41.43%', '0.4143', '%']], checks: [['580 / 1,400', '41.43%', '0.41428571428571428571', '0.4143', 'affected']] },
  ]);
  steps[0]!.kind = 'lookup';
  steps[0]!.numbers[0]!.source = { kind: 'question', start: 8, end: 13 };
  steps[0]!.numbers[1]!.source = { kind: 'context', start: 3, end: 6, page: 2 };
  steps[0]!.numbers[2]!.source = { kind: 'unsourced' };
  steps[1]!.kind = 'calculation';
  steps[2]!.kind = 'conclusion';
  steps[2]!.affected = true;
  steps[2]!.checks[0]!.origin = { stepIndex: 1, checkIndex: 0 };
  const input: TraceInput = { question: 'Revenue 1,400; cost 830. Gross margin?', reasoning: steps.map((s) => s.text).join('\n\n'), answer: '\\boxed{41.43\\%}', context: 'p. 830' };
  return {
    input,
    result: {
      steps,
      errors: 1,
      checked: 2,
      unsourcedNumbers: 1,
      answer: { answerValue: '0.4143', answerRaw: '41.43\\%', lastComputed: '0.4143', consistent: true, note: 'The answer matches the last calculation (step 3).' },
    },
  };
}

describe('traceToMarkdown', () => {
  it('writes an English review file', () => {
    const { input, result } = fixture();
    const md = traceToMarkdown(input, result, { title: 'Gross margin, run 2' });
    expect(md).toContain('# Gross margin, run 2');
    expect(md).toContain('## Question\n\n> Revenue 1,400; cost 830. Gross margin?');
    expect(md).toContain('- 2 calculations checked\n- 1 wrong\n- 1 affected by an earlier error\n- 1 unsourced number');
    expect(md).toContain('### 2. Calculation ✗');
    expect(md).toContain('- ✗ `1,400 - 830 = 580` — should be 570');
    expect(md).toContain('### 3. Conclusion ⚠ affected by an earlier error\n\n> Margin = 580 / 1,400 = 41.43%.\n> Done.');
    expect(md).toContain('- ⚠ `580 / 1,400 = 41.43%` — right given the wrong result of step 2');
    expect(md).toContain('- Unsourced: `77`');
    expect(md).toContain('- Answer value: `41.43\\%`');
    expect(md).toContain('✓ consistent with the trace — The answer matches');
    expect(md).toContain('Context: 6 characters');
  });

  it('writes Chinese headings', () => {
    const { input, result } = fixture();
    const md = traceToMarkdown(input, result, { locale: 'zh-CN' });
    expect(md).toContain('# 推理检查');
    expect(md).toContain('## 问题');
    expect(md).toContain('已检查 2 处计算');
    expect(md).toContain('### 1. 查找');
    expect(md).toContain('### 3. 结论 ⚠ 受前面错误影响');
    expect(md).toContain('— 应为 570');
    expect(md).toContain('按第 2 步的错误结果计算无误');
    expect(md).toContain('- 无来源: `77`');
    expect(md).toContain('## 答案');
  });

  it('shows the exact value when it differs from the rounded one, and survives backticks', () => {
    const { input, result } = fixture();
    const check = result.steps[1]!.checks[0]!;
    check.expected = '0.41';
    check.computed = '0.40714';
    check.expression = 'a`b';
    expect(traceToMarkdown(input, result)).toContain('- ✗ ``a`b = 580`` — should be 0.41 (exactly 0.40714)');
  });

  it('handles an empty trace', () => {
    const md = traceToMarkdown({ question: '', reasoning: '', answer: '' }, { steps: [], errors: 0, checked: 0, unsourcedNumbers: 0, answer: { answerValue: null, answerRaw: null, lastComputed: null, consistent: null } });
    expect(md).toContain('No reasoning.');
    expect(md).toContain('— nothing to compare');
  });
});

describe('traceToJson', () => {
  it('is a stable, versioned document', () => {
    const { input, result } = fixture();
    const json = traceToJson(input, result);
    const doc = JSON.parse(json);
    expect(doc.format).toBe('dianjin-trace-check/1');
    expect(Object.keys(doc)).toEqual(['format', 'input', 'result']);
    expect(Object.keys(doc.result)).toEqual(['errors', 'checked', 'unsourcedNumbers', 'answer', 'steps']);
    expect(doc.result.steps[0].numbers[1].source).toEqual({ kind: 'context', start: 3, end: 6, page: 2 });
    expect(doc.input.context).toBe('p. 830');
    // Same content in any key order gives the same text.
    const shuffled = { ...result, answer: { ...result.answer }, steps: result.steps.map((s) => ({ ...s, checks: s.checks.map((c) => Object.fromEntries(Object.entries(c).reverse()) as unknown as CalculationCheck) })) };
    expect(traceToJson(input, shuffled)).toBe(json);
  });

  it('keeps the answer’s correct value and source in a fixed order', () => {
    const { input, result } = fixture();
    const answer = { note: 'n', source: { checkIndex: 0, stepIndex: 1 }, correctValue: '0.4071', consistent: true, lastComputed: '0.45', answerRaw: '45\\%', answerValue: '0.45' };
    const doc = JSON.parse(traceToJson(input, { ...result, answer }));
    expect(Object.keys(doc.result.answer)).toEqual(['answerValue', 'answerRaw', 'lastComputed', 'consistent', 'correctValue', 'source', 'note']);
    expect(Object.keys(doc.result.answer.source)).toEqual(['stepIndex', 'checkIndex']);
  });
});
