import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { tempDir } from '../../../testing/fixtures';
import { boxedAnswer, formatSftResponse, parseSftJsonl, readSftFile, sftTurns } from './sftData';
import { sftItemsFromEvalRun, sftItemsFromMessages } from './sources';

describe('SFT data', () => {
  it('writes the response in DianJin-R1 format, adding \\boxed{} only when absent', () => {
    expect(formatSftResponse({ reasoning: ' 210/1400=0.15 ', answer: '15%' })).toBe('<think>\n210/1400=0.15\n</think>\n<answer>\n\\boxed{15%}\n</answer>');
    expect(boxedAnswer('营业利润率为\\boxed{15\\%}')).toBe('营业利润率为\\boxed{15\\%}');
    expect(boxedAnswer(' 30 ')).toBe('\\boxed{30}');
  });

  it('reads JSONL with line-numbered errors and warnings, never throwing on a bad line', () => {
    const text = [
      JSON.stringify({ question: 'Q1', reasoning: 'R1', answer: 'A1' }),
      '{not json',
      '',
      JSON.stringify({ question: 'Q2', reasoning: 'R2', answer: '' }),
      JSON.stringify({ reasoning: 'R3', answer: 'A3' }),
      JSON.stringify({ question: 'Q4', answer: 42, context: 'ctx' }),
      JSON.stringify(['array']),
    ].join('\n');
    const parsed = parseSftJsonl(text);
    expect(parsed.items.map((i) => [i.line, i.item.question, i.item.answer])).toEqual([
      [1, 'Q1', 'A1'],
      [6, 'Q4', '42'],
    ]);
    expect(parsed.items[1]!.item.context).toBe('ctx');
    expect(parsed.errors).toEqual([
      'line 2: not JSON',
      'line 4: empty answer ("answer" is missing or empty)',
      'line 5: no question ("question" is missing or empty)',
      'line 7: not a JSON object',
    ]);
    expect(parsed.warnings).toEqual(['line 6: no reasoning: the model learns to answer without thinking']);
  });

  it('refuses a file with nothing usable (TRAIN_DATA_INVALID), naming the lines', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'bad.jsonl');
      writeFileSync(file, 'nope\n{"question":"q"}\n');
      const error = await readSftFile(file).catch((e: unknown) => e);
      expect(AppError.is(error, 'TRAIN_DATA_INVALID')).toBe(true);
      expect((error as AppError).message).toMatch(/line 1: not JSON; line 2: empty answer/);
      const missing = await readSftFile(path.join(dir, 'missing.jsonl')).catch((e: unknown) => e);
      expect(AppError.is(missing, 'TRAIN_DATA_INVALID')).toBe(true);
      expect((missing as AppError).message).toMatch(/No training data at/);
    } finally {
      cleanup();
    }
  });

  it('asks the question as evaluation does (dianjin) or bare (chat)', () => {
    const item = { question: 'What is 12% of 250?', reasoning: '', answer: '30', context: 'Table' };
    const dianjin = sftTurns(item, 'dianjin');
    expect(dianjin[0]).toMatchObject({ role: 'system' });
    expect(dianjin[0]!.content).toMatch(/\\boxed\{\}/);
    expect(dianjin[1]!.content).toMatch(/Context:\nTable[\s\S]*What is 12% of 250\?/);
    expect(sftTurns(item, 'chat')).toEqual([{ role: 'user', content: 'Table\n\nWhat is 12% of 250?' }]);
  });

  it('collects examples from an evaluation run (reference as answer) and from answers in conversations', () => {
    const rows = [
      { itemId: 'a', correct: true, error: null },
      { itemId: 'b', correct: false, error: null },
    ] as never;
    const detail = (runId: string, itemId: string) =>
      ({ itemId, task: 'finqa', question: `q-${itemId}`, reference: `r-${itemId}`, reasoning: `why-${itemId}`, context: null, choices: null }) as never;
    const fromRun = sftItemsFromEvalRun({ evalRows: () => rows, evalResult: detail }, 'run');
    expect(fromRun.items.map((i) => i.item)).toEqual([{ question: 'q-a', reasoning: 'why-a', answer: 'r-a', task: 'finqa' }]);
    expect(fromRun.errors[0]).toMatch(/item b: left out/);
    const all = sftItemsFromEvalRun({ evalRows: () => rows, evalResult: detail }, 'run', false);
    expect(all.items[1]!.item).toMatchObject({ question: 'q-b', reasoning: '', answer: 'r-b' });

    const messages = [
      { id: 'u1', role: 'user', content: 'How much?', conversationId: 'c' },
      { id: 'a1', role: 'assistant', content: '', reasoning: 'think', answer: 'wrong', conversationId: 'c' },
    ];
    const deps = { message: (id: string) => messages.find((m) => m.id === id) as never, conversation: () => ({ messages }) as never };
    const fromChat = sftItemsFromMessages(deps, [{ messageId: 'a1', answer: '\\boxed{7}' }, { messageId: 'u1' }]);
    expect(fromChat.items.map((i) => i.item)).toEqual([{ question: 'How much?', reasoning: 'think', answer: '\\boxed{7}' }]);
    expect(fromChat.errors).toEqual(['answer 2: message u1 is a question, not an answer']);
  });
});
