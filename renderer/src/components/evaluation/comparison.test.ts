import { describe, expect, it } from 'vitest';
import { PUBLISHED_RESULTS, type EvalRunSummary, type EvalTaskScore } from '../../contract';
import { comparisonData, runDetail } from './comparison';

const score = (n: number, correct: number, ci: [number, number], judged = 0): EvalTaskScore => ({ n, correct, accuracy: correct / n, ci, formatRate: 1, judged });

const run = {
  id: 'r',
  label: 'Q4 run',
  modelName: 'DianJin-R1-7B',
  quantization: 'Q4_K_M',
  adapterName: 'my-lora.gguf',
  stats: {
    tasks: { finqa: score(10, 7, [0.3968, 0.8922], 2), ccc: score(4, 4, [0.5101, 1]) },
    overall: score(14, 11, [0.5241, 0.9243], 2),
    errors: 0,
    meanCompletionTokens: 800,
    meanSecondsPerItem: 12,
    tokensPerSecond: 66,
  },
} as unknown as EvalRunSummary;

describe('comparison chart data', () => {
  it('puts each run per task in percent with its interval as [below, above], and no bar where a task has no items', () => {
    const data = comparisonData([run], []);
    expect(data.series).toEqual([{ key: 's0', errorKey: 's0e', label: 'Q4 run', detail: 'DianJin-R1-7B · Q4_K_M · + my-lora.gguf', kind: 'run', judged: true }]);
    expect(data.rows.map((r) => r.task)).toEqual(['cflue', 'finqa', 'ccc', 'overall']);
    const finqa = data.rows[1]!;
    expect(finqa.s0).toBe(70);
    expect(finqa.s0e).toEqual([30.32, 19.22]);
    expect(data.rows[0]!.s0).toBeNull();
    expect(data.rows[2]!.s0e).toEqual([48.99, 0]);
    expect(data.cells.finqa.s0).toMatchObject({ n: 10, judged: 2 });
  });

  it('adds the published figures after the runs, without an interval or an overall', () => {
    const data = comparisonData([run], PUBLISHED_RESULTS.slice(0, 1));
    expect(data.series[1]).toMatchObject({ key: 's1', label: 'DianJin-R1-7B', kind: 'published' });
    expect(data.rows.map((r) => r.s1)).toEqual([80.32, 77.72, 94.5, null]);
    expect(data.rows.every((r) => r.s1e === null)).toBe(true);
  });

  it('describes a run by model, quantization and adapter', () => {
    expect(runDetail({ modelName: 'm', quantization: null, adapterName: null })).toBe('m');
  });
});
