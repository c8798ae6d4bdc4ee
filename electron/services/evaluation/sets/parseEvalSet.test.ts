import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { MAX_WARNINGS, parseEvalSet } from './parseEvalSet';

const jsonl = (...rows: unknown[]): string => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');

function invalid(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(AppError.is(error, 'EVAL_SET_INVALID')).toBe(true);
    return error as AppError;
  }
  throw new Error('expected EVAL_SET_INVALID');
}

describe('parseEvalSet: FinQA', () => {
  const finqa = [
    {
      id: 'ADI/2009/page_49.pdf-1',
      pre_text: ['interest rate to a variable interest rate based on the three-month libor plus 2.05% .', '.'],
      post_text: ['the fair value of the swap is recorded in other assets .'],
      table: [
        ['', '2009', '2008'],
        ['interest expense | net', '$ 3.8', '$ 2.1'],
        ['notional amount', '500'],
      ],
      qa: { question: 'what is the interest expense in 2009?', answer: '380', exe_ans: 3.8 },
    },
    { id: 'X/2010/page_2.pdf-3', pre_text: [], post_text: [], table: [], qa: { question: 'what was the change?', answer: '12%', exe_ans: '' } },
  ];

  it('reads the official JSON array: question, exe_ans as the reference, pre_text + Markdown table + post_text as context', () => {
    const set = parseEvalSet(JSON.stringify(finqa), 'finqa_test.json');
    expect(set.format).toBe('finqa');
    expect(set.suggestedName).toBe('finqa_test');
    expect(set.items).toHaveLength(2);
    const [first, second] = set.items;
    expect(first).toMatchObject({ id: 'ADI/2009/page_49.pdf-1', task: 'finqa', question: 'what is the interest expense in 2009?', reference: '3.8' });
    expect(first!.context).toBe(
      [
        'interest rate to a variable interest rate based on the three-month libor plus 2.05% .',
        '',
        '|  | 2009 | 2008 |',
        '| --- | --- | --- |',
        '| interest expense \\| net | $ 3.8 | $ 2.1 |',
        '| notional amount | 500 |  |',
        '',
        'the fair value of the swap is recorded in other assets .',
      ].join('\n'),
    );
    // exe_ans empty: the written answer is the fallback; no context parts, no context.
    expect(second).toEqual({ id: 'X/2010/page_2.pdf-3', task: 'finqa', question: 'what was the change?', reference: '12%' });
    expect(set.warnings).toEqual([]);
  });

  it('reads FinQA-style JSONL whatever the extension, and skips a record without an answer', () => {
    const text = jsonl(finqa[0], { id: 'no-answer', pre_text: ['x'], table: [], post_text: [], qa: { question: 'q?' } });
    const set = parseEvalSet(text, 'finqa_dev.txt');
    expect(set.format).toBe('finqa');
    expect(set.items.map((i) => i.id)).toEqual(['ADI/2009/page_49.pdf-1']);
    expect(set.warnings).toEqual(['Line 2: no answer ("qa.exe_ans" and "qa.answer" are empty)']);
  });
});

describe('parseEvalSet: CFLUE', () => {
  it('reads the knowledge JSON with choices as a Python dict literal string, keeps the type label and the letters', () => {
    const cflue = [
      {
        名称: '证券从业资格',
        task: '多项选择题',
        question: '我国金融市场体系包括（）。',
        choices: "{'A': '货币市场', 'B': '债券市场', 'C': '商品市场', 'D': '金融衍生品市场'}",
        answer: 'ABD',
        analysis: '……',
      },
      {
        task: '单项选择题',
        question: '下列各项风险管理方法中，属于该公司采用的是（ ）。\r\nA.事件树分析法\r\nB.风险评估系图法\r\nC.流程图分析法\r\nD.马尔科夫分析法',
        choices: "{'A': '事件树分析法', 'B': '风险评估系图法', 'C': '流程图分析法', 'D': '马尔科夫分析法'}",
        answer: 'C',
        analysis: null,
      },
      { task: '判断题', question: '所有者凭借所有者权益能够参与企业利润的分配。（&amp;nbsp;）', choices: "{'A': '对', 'B': '错'}", answer: 'A' },
    ];
    const set = parseEvalSet(JSON.stringify(cflue), 'knowledge.json');
    expect(set.format).toBe('cflue');
    expect(set.items).toEqual([
      { id: '1', task: 'cflue', question: '【多项选择题】我国金融市场体系包括（）。', reference: 'ABD', choices: { A: '货币市场', B: '债券市场', C: '商品市场', D: '金融衍生品市场' } },
      {
        id: '2',
        task: 'cflue',
        // The options the question repeats are taken out of it.
        question: '【单项选择题】下列各项风险管理方法中，属于该公司采用的是（ ）。',
        reference: 'C',
        choices: { A: '事件树分析法', B: '风险评估系图法', C: '流程图分析法', D: '马尔科夫分析法' },
      },
      { id: '3', task: 'cflue', question: '【判断题】所有者凭借所有者权益能够参与企业利润的分配。（ ）', reference: 'A', choices: { A: '对', B: '错' } },
    ]);
  });

  it('reads JSONL with choices as an object, an array or "A. …" lines, and answers written with separators', () => {
    const text = jsonl(
      { id: 7, task: '多项选择题', question: '商业银行的收入主要包括（）。', choices: { A: '利息收入', B: '手续费收入', C: '罚没收入' }, answer: 'A, B' },
      { task: '单项选择题', question: '（）是商业银行面临的最主要的风险。', choices: ['市场风险', '操作风险', '信用风险', '法律风险'], answer: 'c' },
      { task: '单项选择题', question: '下列属于货币市场工具的是（）。', choices: 'A. 股票\nB. 同业拆借\nC. 长期国债', answer: 'B' },
      { task: '单项选择题', question: '选项之外的答案', choices: { A: '甲', B: '乙' }, answer: 'E' },
    );
    const set = parseEvalSet(text, 'cflue.jsonl');
    expect(set.format).toBe('cflue');
    expect(set.items.map((i) => [i.id, i.reference, i.choices])).toEqual([
      ['7', 'AB', { A: '利息收入', B: '手续费收入', C: '罚没收入' }],
      ['2', 'C', { A: '市场风险', B: '操作风险', C: '信用风险', D: '法律风险' }],
      ['3', 'B', { A: '股票', B: '同业拆借', C: '长期国债' }],
    ]);
    expect(set.warnings).toEqual(['Line 4: "answer" "E" is not option letters among AB']);
  });
});

describe('parseEvalSet: DianJin-R1-Data', () => {
  const mcq = {
    instruction: '假设你是一位金融行业专家，请回答下列问题。\n注意：题目是单选题。\n\n企业将自有办公楼对外出租交纳的房产税应记入的会计科目是（）。\nA. 管理费用\nB. 其他业务成本\nC. 税金及附加\nD. 营业外支出\n请一步步思考，并把答案选项放到\\boxed{}中。',
    input: '',
    output: '<think>\n出租办公楼的房产税……\n</think>\n<answer>\n房产税记入税金及附加，答案为\\boxed{C}\n</answer>',
  };

  it('reads cflue_mcq.json: options split out of the instruction, the boxed letters as the reference', () => {
    const set = parseEvalSet(JSON.stringify([mcq, { ...mcq, output: '<think>…</think><answer>\\boxed{\\text{A、C}}</answer>' }]), 'cflue_mcq.json');
    expect(set.format).toBe('dianjin-r1-data');
    expect(set.items[0]).toEqual({
      id: '1',
      task: 'cflue',
      question: '假设你是一位金融行业专家，请回答下列问题。\n注意：题目是单选题。\n\n企业将自有办公楼对外出租交纳的房产税应记入的会计科目是（）。',
      reference: 'C',
      choices: { A: '管理费用', B: '其他业务成本', C: '税金及附加', D: '营业外支出' },
    });
    expect(set.items[1]!.reference).toBe('AC');
  });

  it('maps fin_qa.json to finqa, cflue_oe.json to open and a ccc file to ccc, taking the last boxed answer', () => {
    const finqa = parseEvalSet(
      JSON.stringify([{ id: 'fq-1', instruction: 'Table: | revenue | 100 |\nQuestion: what is 10% of revenue?', input: '', output: '<think>\\boxed{1}</think><answer>It is \\boxed{10}.</answer>' }]),
      'fin_qa.json',
    );
    expect(finqa.items).toEqual([{ id: 'fq-1', task: 'finqa', question: 'Table: | revenue | 100 |\nQuestion: what is 10% of revenue?', reference: '10' }]);

    const open = parseEvalSet(JSON.stringify([{ instruction: '什么是久期？', output: '<think>…</think><answer>久期是债券现金流的加权平均到期时间。</answer>' }]), 'cflue_oe.json');
    expect(open.items).toEqual([{ id: '1', task: 'open', question: '什么是久期？', reference: '久期是债券现金流的加权平均到期时间。' }]);

    const ccc = parseEvalSet(
      jsonl({ instruction: '对话：客户经理承诺保本。请判断是否合规。', output: '<think>承诺保本违规</think><answer>\\boxed{违规}</answer>' }, { instruction: '对话：……', output: '<answer>\\boxed{不确定}</answer>' }),
      'ccc_r1_sft.json',
    );
    expect(ccc.items).toEqual([{ id: '1', task: 'ccc', question: '对话：客户经理承诺保本。请判断是否合规。', reference: '违规' }]);
    expect(ccc.warnings).toEqual(['Line 2: the answer "不确定" is not a verdict (合规/违规, compliant/non-compliant, yes/no)']);
  });

  it('infers the task from the content when the file name says nothing, and reads chat-style records', () => {
    const set = parseEvalSet(
      JSON.stringify([
        mcq,
        { messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'What is 2 + 2?' }, { role: 'assistant', content: '<think>…</think><answer>\\boxed{4}</answer>' }] },
        { conversations: [{ from: 'human', value: '什么是资产？' }, { from: 'gpt', value: '<answer>资产是企业拥有或控制的资源。</answer>' }] },
      ]),
      'dianjin_r1_dataset.json',
    );
    expect(set.items.map((i) => [i.task, i.reference])).toEqual([
      ['cflue', 'C'],
      ['finqa', '4'],
      ['open', '资产是企业拥有或控制的资源。'],
    ]);
  });

  it('reads CFLUE application records (Alpaca with sub_task) as open questions of format cflue', () => {
    const set = parseEvalSet(JSON.stringify([{ task: '金融文本分类', sub_task: 'ESG分类', instruction: '请将公告分类。\n分类结果：', input: '', output: '经济绩效', history: [] }]), 'application.json');
    expect(set.format).toBe('cflue');
    expect(set.items).toEqual([{ id: '1', task: 'open', question: '请将公告分类。\n分类结果：', reference: '经济绩效' }]);
  });
});

describe('parseEvalSet: simple JSONL', () => {
  it('reads every task, with a CCC dialogue in context (string or turns) and cflue choices', () => {
    const text = jsonl(
      { id: 'q1', task: 'finqa', question: 'What was the margin?', reference: 0.1234, context: '| a | b |' },
      { id: 'q2', task: 'cflue', question: '选择正确的选项', choices: { A: '甲', B: '乙', C: '丙' }, reference: 'CA' },
      { id: 'q3', task: 'ccc', question: '是否合规？', context: [{ role: '客户', content: '能保本吗？' }, { role: '经理', content: '保本保收益。' }], reference: '违规' },
      { id: 'q4', task: 'CCC', question: 'Is it compliant?', context: 'Agent: returns are guaranteed.', reference: 'non-compliant' },
      { id: 'q5', task: 'open', question: '什么是杠杆？', reference: '借入资金放大投资规模。' },
    );
    const set = parseEvalSet(text, 'my_set.jsonl');
    expect(set.format).toBe('jsonl');
    expect(set.suggestedName).toBe('my_set');
    expect(set.items).toEqual([
      { id: 'q1', task: 'finqa', question: 'What was the margin?', reference: '0.1234', context: '| a | b |' },
      { id: 'q2', task: 'cflue', question: '选择正确的选项', reference: 'AC', choices: { A: '甲', B: '乙', C: '丙' } },
      { id: 'q3', task: 'ccc', question: '是否合规？', reference: '违规', context: '客户: 能保本吗？\n经理: 保本保收益。' },
      { id: 'q4', task: 'ccc', question: 'Is it compliant?', reference: 'non-compliant', context: 'Agent: returns are guaranteed.' },
      { id: 'q5', task: 'open', question: '什么是杠杆？', reference: '借入资金放大投资规模。' },
    ]);
    expect(set.warnings).toEqual([]);
  });

  it('skips malformed lines with line-numbered warnings and keeps the rest', () => {
    const text = jsonl(
      { id: 'a', task: 'finqa', question: 'q1', reference: '1' },
      '',
      '{"id": "b", "task": "finqa", "question": "q2", ',
      '[1, 2]',
      { id: 'c', task: 'finqa', question: 'q3', reference: '' },
      { id: 'd', task: 'bogus', question: 'q4', reference: '4' },
      { id: 'e', question: 'q5', reference: '5' },
      { id: 'f', task: 'cflue', question: 'q6', reference: 'A' },
      { id: 'g', task: 'ccc', question: 'q7', reference: 'maybe' },
      { id: 'h', task: 'open', question: '  ', reference: 'x' },
    );
    const set = parseEvalSet(text, 'mixed.jsonl');
    expect(set.items.map((i) => i.id)).toEqual(['a']);
    expect(set.warnings).toEqual([
      'Line 3: not JSON',
      'Line 4: not a JSON object',
      'Line 5: "reference" is empty',
      'Line 6: "task" "bogus" is not one of finqa, cflue, ccc, open',
      'Line 7: "task" is missing (finqa, cflue, ccc, open)',
      'Line 8: "choices" is missing: a cflue item needs at least two options',
      'Line 9: "reference" "maybe" is not a verdict (合规/违规, compliant/non-compliant, yes/no)',
      'Line 10: "question" is empty',
    ]);
  });

  it('keeps Chinese text through a BOM and CRLF line ends', () => {
    const text = '\uFEFF' + jsonl({ id: '一', task: 'open', question: '什么是“资本充足率”？', reference: '资本与风险加权资产之比。' }, { id: '二', task: 'ccc', question: '是否合规？', context: '客户：……\n经理：……', reference: '合规' }).replace(/\n/g, '\r\n') + '\r\n';
    const set = parseEvalSet(text, '中文评测.jsonl');
    expect(set.suggestedName).toBe('中文评测');
    expect(set.items).toEqual([
      { id: '一', task: 'open', question: '什么是“资本充足率”？', reference: '资本与风险加权资产之比。' },
      { id: '二', task: 'ccc', question: '是否合规？', reference: '合规', context: '客户：……\n经理：……' },
    ]);
  });

  it('renames clashing ids and drops exact repeats, with warnings', () => {
    const text = jsonl(
      { id: 'x', task: 'open', question: 'one', reference: '1' },
      { id: 'x', task: 'open', question: 'two', reference: '2' },
      { id: 'x', task: 'open', question: 'three', reference: '3' },
      { id: 'y', task: 'open', question: 'one', reference: '1' },
    );
    const set = parseEvalSet(text, 'dups.jsonl');
    expect(set.items.map((i) => i.id)).toEqual(['x', 'x#2', 'x#3']);
    expect(set.warnings).toEqual([
      'Line 2: id "x" is already used by line 1; renamed "x#2"',
      'Line 3: id "x" is already used by line 1; renamed "x#3"',
      'Line 4: repeats line 1; skipped',
    ]);
  });

  it('caps the warnings of a file with many bad lines', () => {
    const lines = [JSON.stringify({ id: 'ok', task: 'open', question: 'q', reference: 'r' }), ...Array.from({ length: MAX_WARNINGS + 5 }, () => 'not json')];
    const set = parseEvalSet(lines.join('\n'), 'noisy.jsonl');
    expect(set.items).toHaveLength(1);
    expect(set.warnings).toHaveLength(MAX_WARNINGS + 1);
    expect(set.warnings.at(-1)).toBe('… and 5 more warnings');
  });
});

describe('parseEvalSet: files that are not sets', () => {
  it('rejects an empty file, an empty array and whitespace', () => {
    expect(invalid(() => parseEvalSet('', 'empty.jsonl')).message).toBe('empty.jsonl is empty.');
    expect(invalid(() => parseEvalSet(' \r\n\uFEFF', 'blank.json')).message).toBe('blank.json is empty.');
    expect(invalid(() => parseEvalSet('[]', 'none.json')).message).toMatch(/empty JSON array/);
  });

  it('names the line of broken JSON', () => {
    const error = invalid(() => parseEvalSet('[\n  {"id": 1,\n   "task": }\n]', 'finqa_test.json'));
    expect(error.message).toMatch(/^finqa_test\.json is not valid JSON/);
  });

  it('rejects a file where no line is usable, naming the first bad line in details', () => {
    const error = invalid(() => parseEvalSet(jsonl({ id: 'a', task: 'finqa', question: 'q', reference: '' }, { id: 'b', task: 'finqa', question: '', reference: '1' }), 'bad.jsonl'));
    expect(error.message).toBe('Nothing in bad.jsonl is usable as an evaluation item (Line 1: "reference" is empty).');
    expect(error.details).toMatchObject({ fileName: 'bad.jsonl', line: 1, lines: [1, 2] });
  });

  it('rejects text that is not JSON at all, and JSON records of another kind', () => {
    expect(invalid(() => parseEvalSet('hello\nworld', 'notes.txt')).details).toMatchObject({ line: 1 });
    const error = invalid(() => parseEvalSet(jsonl({ name: 'a', value: 1 }), 'other.jsonl'));
    expect(error.message).toMatch(/not an evaluation set this app reads/);
    expect(error.details).toMatchObject({ fields: ['name', 'value'] });
  });

  it('rejects a file that is mostly copies of the same questions', () => {
    const row = { task: 'open', question: 'same', reference: 'r' };
    const error = invalid(() => parseEvalSet(jsonl({ id: 1, ...row }, { id: 2, ...row }, { id: 3, ...row }, { id: 4, ...row }, { id: 5, task: 'open', question: 'other', reference: 'r' }), 'copies.jsonl'));
    expect(error.message).toBe('Most of copies.jsonl repeats itself: 3 of 5 questions are copies of others. Check the file was exported once.');
  });

  it('reads records wrapped in an object ({ "data": [ … ] }) and a single pretty-printed record', () => {
    const row = { id: 'w', task: 'open', question: 'q', reference: 'r' };
    expect(parseEvalSet(JSON.stringify({ version: 1, data: [row] }, null, 2), 'wrapped.json').items).toEqual([row]);
    const chat = { messages: [{ role: 'user', content: 'What is 1 + 1?' }, { role: 'assistant', content: '<answer>\\boxed{2}</answer>' }] };
    expect(parseEvalSet(JSON.stringify(chat, null, 2), 'one.json').items).toEqual([{ id: '1', task: 'finqa', question: 'What is 1 + 1?', reference: '2' }]);
  });

  it('reads a damaged one-object-a-line array line by line', () => {
    const text = ['[', JSON.stringify({ id: 'a', task: 'open', question: 'q', reference: 'r' }) + ',', '{"id": "b", "task": "open",', ']'].join('\n');
    const set = parseEvalSet(text, 'broken.json');
    expect(set.items.map((i) => i.id)).toEqual(['a']);
    expect(set.warnings).toEqual(['Line 3: not JSON']);
  });
});
