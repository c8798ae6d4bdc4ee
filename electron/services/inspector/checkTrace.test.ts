import { describe, expect, it } from 'vitest';
import type { TraceCheckResult, TraceInput } from '../../shared/inspection';
import { checkTrace, compareTraces, createTraceChecker, segmentSteps, traceToJson, traceToMarkdown } from './index';

const EN: TraceInput = {
  question: 'In 2023 the company had revenue of 1,400 million and cost of sales of 830 million. What is its gross margin?',
  reasoning: [
    'The question gives revenue of 1,400 million and cost of sales of 830 million.',
    '1. Gross profit = 1,400 - 830 = 580.',
    '2. Gross margin = 580 / 1,400 = 41.43%.',
    'Wait, let me double check: 1,400 - 830 = 570, not 580. So gross margin = 570 / 1,400 = 40.71%.',
    'Therefore, the gross margin is 40.71%.',
  ].join('\n\n'),
  answer: 'The gross margin is \\boxed{40.71\\%}.',
};

const ZH: TraceInput = {
  question: '公司2023年营业收入为1,400万元，营业成本为830万元，净利润为210万元。求毛利率和净利率。',
  reasoning: [
    '根据题目，营业收入为1,400万元，营业成本为830万元。',
    '第一步：毛利 = 1,400 - 830 = 570万元。',
    '第二步：毛利率 = 570 / 1,400 = 40.71%。',
    '第三步：净利率 = 210 / 1,400 = 15%。另有管理费用65万元。',
    '所以毛利率为40.71%，净利率为15%。',
  ].join('\n\n'),
  answer: '毛利率为40.71%，净利率为\\boxed{15\\%}',
};

const kinds = (r: TraceCheckResult) => r.steps.map((s) => s.kind);
const statuses = (r: TraceCheckResult) => r.steps.map((s) => s.checks.map((c) => c.status));

describe('checkTrace', () => {
  it('checks an English trace end to end', () => {
    const r = checkTrace(EN);
    // The self-correction paragraph calculates twice, so it is split: the check, then the corrected margin.
    expect(kinds(r)).toEqual(['lookup', 'calculation', 'calculation', 'check', 'calculation', 'conclusion']);
    expect(statuses(r)).toEqual([[], ['wrong'], ['affected'], ['correct'], ['correct'], []]);
    const [wrong] = r.steps[1]!.checks;
    expect(wrong).toMatchObject({ claimed: expect.stringContaining('580'), expected: '570' });
    expect(r.steps[2]!.checks[0]!.origin).toEqual({ stepIndex: 1, checkIndex: 0 });
    expect(r.steps.map((s) => s.affected)).toEqual([false, false, true, false, false, false]);
    expect(r).toMatchObject({ errors: 1, checked: 4, unsourcedNumbers: 0 });
    expect(r.answer).toMatchObject({ answerValue: '0.4071', consistent: true });
    // Offsets are into the whole reasoning.
    for (const s of r.steps) {
      expect(EN.reasoning.slice(s.start, s.end)).toBe(s.text);
      for (const n of s.numbers) expect(EN.reasoning.slice(n.start, n.end)).toBe(n.raw);
      for (const c of s.checks) expect(EN.reasoning.slice(c.start, c.end)).toContain(c.claimed);
    }
    const [revenue] = r.steps[0]!.numbers.filter((n) => n.role === 'operand');
    expect(revenue!.source).toEqual({ kind: 'question', start: EN.question.indexOf('1,400'), end: EN.question.indexOf('1,400') + revenue!.raw.length });
  });

  it('checks a Chinese trace end to end, with 万 and unsourced numbers', () => {
    const r = checkTrace(ZH);
    expect(kinds(r)).toEqual(['lookup', 'calculation', 'calculation', 'calculation', 'conclusion']);
    expect(statuses(r)).toEqual([[], ['correct'], ['correct'], ['correct'], []]);
    expect(r.errors).toBe(0);
    const unsourced = r.steps.flatMap((s) => s.numbers.filter((n) => n.source?.kind === 'unsourced').map((n) => n.raw));
    expect(unsourced).toEqual(['65万']);
    expect(r.unsourcedNumbers).toBe(1);
    expect(r.answer).toMatchObject({ answerValue: '0.15', consistent: true });
    const years = r.steps.flatMap((s) => s.numbers.filter((n) => n.role !== 'operand'));
    for (const y of years) expect(y.source).toBeNull();
  });

  it('follows a wrong result through a Chinese trace without blank lines', () => {
    const r = checkTrace({
      question: '某公司2023年营业收入为1,400万元，营业成本为830万元，求毛利率。',
      reasoning: '首先，我需要计算毛利率。\n营业收入为1,400万元，营业成本为830万元。\n毛利 = 1,400 - 830 = 580万元\n毛利率 = 580 / 1,400 ≈ 41.43%\n所以毛利率约为41.43%。',
      answer: '\\boxed{41.43\\%}',
    });
    expect(kinds(r)).toEqual(['calculation', 'calculation', 'conclusion']);
    expect(statuses(r)).toEqual([['wrong'], ['affected'], []]);
    expect(r.steps[0]!.checks[0]!.expected).toBe('570万');
    expect(r.steps.map((s) => s.affected)).toEqual([false, true, true]);
    expect(r).toMatchObject({ errors: 1, checked: 2, unsourcedNumbers: 0 });
    // The answer says what the trace computed, but that rests on the error.
    expect(r.answer.consistent).toBe(true);
    expect(r.answer.note).toContain('wrong result of step 1');
  });

  it('takes page numbers from the context', () => {
    const context = '[page 4]\nRevenue 1,400\n【第9页】\n净利润 210';
    const r = checkTrace({ question: 'What is the net margin?', reasoning: 'Net margin = 210 / 1,400 = 15%.', answer: '\\boxed{15\\%}', context });
    expect(r.steps[0]!.numbers.slice(0, 2).map((n) => n.source)).toEqual([
      { kind: 'context', start: context.indexOf('210'), end: context.indexOf('210') + 3, page: 9 },
      { kind: 'context', start: context.indexOf('1,400'), end: context.indexOf('1,400') + 5, page: 4 },
    ]);
  });

  it('flags an answer that disagrees with the trace', () => {
    const r = checkTrace({ ...EN, answer: '\\boxed{41.43\\%}' });
    expect(r.answer.consistent).toBe(false);
    expect(r.answer.lastComputed).toBe('0.4071');
  });

  it('handles an empty trace', () => {
    const r = checkTrace({ question: '', reasoning: '', answer: '' });
    expect(r).toMatchObject({ steps: [], errors: 0, checked: 0, unsourcedNumbers: 0, answer: { consistent: null } });
  });
});

/** The reasoning in chunks, as a stream would deliver it. */
function* chunks(text: string, size: number): Generator<string> {
  for (let i = size; i < text.length + size; i += size) yield text.slice(0, Math.min(i, text.length));
}

/** A long, realistic trace: repeated blocks of lookups, calculations (some wrong), checks and Chinese steps. */
function longTrace(targetChars: number): TraceInput {
  const parts: string[] = [];
  let i = 0;
  while (parts.join('\n\n').length < targetChars) {
    const a = 1000 + i * 7;
    const b = 300 + i * 3;
    const wrong = i % 5 === 0;
    parts.push(
      `${i + 1}. From the income statement, segment ${i} revenue is ${a.toLocaleString('en-US')} and its cost is ${b}.`,
      `Gross profit = ${a.toLocaleString('en-US')} - ${b} = ${wrong ? a - b + 10 : a - b}. Then the margin = ${wrong ? a - b + 10 : a - b} / ${a.toLocaleString('en-US')} = ${(((wrong ? a - b + 10 : a - b) / a) * 100).toFixed(2)}%.`,
      `第${i + 1}步：该分部费用为${b}万元，占收入比例 = ${b} / ${a} = ${((b / a) * 100).toFixed(2)}%。等等，检查一下：${a} - ${b} = ${a - b}。`,
    );
    i++;
  }
  return { question: 'Segment revenues and costs are in the report.', reasoning: parts.join('\n\n'), answer: '\\boxed{42\\%}' };
}

describe('createTraceChecker', () => {
  it('gives the same result incrementally as in one go', () => {
    for (const input of [EN, ZH, longTrace(6_000)]) {
      const checker = createTraceChecker({ question: input.question, answer: input.answer });
      let last: TraceCheckResult | undefined;
      for (const soFar of chunks(input.reasoning, 37)) last = checker.update(soFar);
      expect(JSON.parse(traceToJson(input, last!))).toEqual(JSON.parse(traceToJson(input, checkTrace(input))));
    }
  });

  it('starts over when the text changes other than by appending', () => {
    const checker = createTraceChecker({ question: EN.question });
    checker.update(EN.reasoning);
    const edited = EN.reasoning.replace('= 580.', '= 570.');
    const r = checker.update(edited, EN.answer);
    expect(r.errors).toBe(0);
    expect(JSON.parse(traceToJson({ ...EN, reasoning: edited }, r))).toEqual(JSON.parse(traceToJson({ ...EN, reasoning: edited }, checkTrace({ ...EN, reasoning: edited }))));
  });

  it('checks a 50 KB trace quickly, and updates while streaming cost less', () => {
    const input = longTrace(50_000);
    expect(input.reasoning.length).toBeGreaterThanOrEqual(50_000);
    checkTrace(input); // warm up
    const t0 = performance.now();
    const full = checkTrace(input);
    const fullMs = performance.now() - t0;
    expect(full.errors).toBeGreaterThan(0);

    const checker = createTraceChecker({ question: input.question });
    const prefix = input.reasoning.slice(0, input.reasoning.length - 400);
    checker.update(prefix);
    const t1 = performance.now();
    const updates = 10;
    for (let k = 1; k <= updates; k++) checker.update(input.reasoning.slice(0, prefix.length + k * 40));
    const updateMs = (performance.now() - t1) / updates;
    console.log(`inspector: ${input.reasoning.length} chars, ${full.steps.length} steps, full check ${fullMs.toFixed(1)} ms, incremental update ${updateMs.toFixed(2)} ms`);
    expect(fullMs).toBeLessThan(1000); // generous for slow CI; the target on a workstation is well under 200 ms
    expect(updateMs).toBeLessThan(fullMs);
  });
});

describe('the public face', () => {
  it('compares two checked traces', () => {
    const right = checkTrace(EN);
    const left = checkTrace({ ...EN, reasoning: EN.reasoning.replace('= 580.', '= 570.').replace('580 / 1,400 = 41.43%', '570 / 1,400 = 40.71%') });
    const c = compareTraces(left, right);
    expect(c.divergesAt).toBe(1);
    expect(c.alignment[0]).toEqual({ left: 0, right: 0, same: true });
  });

  it('exports Markdown and JSON', () => {
    const r = checkTrace(ZH);
    expect(traceToMarkdown(ZH, r, { locale: 'zh-CN' })).toContain('### 2. 计算');
    expect(JSON.parse(traceToJson(ZH, r)).format).toBe('dianjin-trace-check/1');
    expect(segmentSteps(ZH.reasoning)).toHaveLength(5);
  });
});
