import { describe, expect, it } from 'vitest';
import { parseScoreFile, scoreFile } from './scoreFile';

const line = (o: unknown): string => JSON.stringify(o);
const ok = (answer: string): string => `<think>x</think><answer>\\boxed{${answer}}</answer>`;

describe('parseScoreFile', () => {
  it('reads items and reports bad lines by number without stopping', () => {
    const text = [
      line({ id: 'a', task: 'finqa', reference: '0.0164', output: ok('1.64\\%') }),
      '',
      'not json at all',
      line({ id: 'b', task: 'mmlu', reference: 'A', output: 'A' }),
      line({ id: 7, task: 'cflue', reference: 'ABD', output: ok('ABD') }),
      line({ task: 'ccc', reference: '合规', output: 'x' }),
      line({ id: 'c', task: 'ccc', output: 'x' }),
      line({ id: 'd', task: 'ccc', reference: '合规', output: 42 }),
      line([1, 2]),
      line({ id: 'e', task: 'finqa', reference: 1200, output: ok('1,200') }),
      line({ id: 'a', task: 'finqa', reference: '1', output: 'again' }),
      '   ',
    ].join('\r\n');
    const { items, errors } = parseScoreFile(`\uFEFF${text}`);
    expect(items.map((i) => [i.id, i.task, i.line])).toEqual([
      ['a', 'finqa', 1],
      ['7', 'cflue', 5],
      ['e', 'finqa', 10],
    ]);
    expect(items[2]!.reference).toBe('1200');
    expect(errors).toEqual([
      'line 3: not JSON',
      'line 4: task must be finqa, cflue, ccc or open',
      'line 6: id is missing (a string or a number)',
      'line 7: reference is missing (a string or a number)',
      'line 8: output must be a string (the raw model text)',
      'line 9: not a JSON object',
      'line 11: id "a" repeats line 1; skipped',
    ]);
  });

  it('an empty file is no items and no errors', () => {
    expect(parseScoreFile('')).toEqual({ items: [], errors: [] });
    expect(parseScoreFile('\n\n')).toEqual({ items: [], errors: [] });
  });
});

describe('scoreFile', () => {
  it('scores each item and sums per task', () => {
    const text = [
      line({ id: '1', task: 'finqa', reference: '0.0164', output: ok('1.64\\%') }),
      line({ id: '2', task: 'finqa', reference: '0.0164', output: ok('2\\%') }),
      line({ id: '3', task: 'cflue', reference: 'ABD', output: ok('A, B, D') }),
      line({ id: '4', task: 'ccc', reference: '不合规', output: 'Conclusion: non-compliant' }),
      '{broken',
    ].join('\n');
    const r = scoreFile(text);
    expect(r.items).toEqual([
      { id: '1', task: 'finqa', correct: true, formatOk: true, predicted: '0.0164' },
      { id: '2', task: 'finqa', correct: false, formatOk: true, predicted: '0.02' },
      { id: '3', task: 'cflue', correct: true, formatOk: true, predicted: 'ABD' },
      { id: '4', task: 'ccc', correct: true, formatOk: false, predicted: 'non-compliant' },
    ]);
    expect(r.summary).toEqual({
      finqa: { n: 2, correct: 1, accuracy: 0.5 },
      cflue: { n: 1, correct: 1, accuracy: 1 },
      ccc: { n: 1, correct: 1, accuracy: 1 },
    });
    expect(r.errors).toEqual(['line 5: not JSON']);
  });
});
