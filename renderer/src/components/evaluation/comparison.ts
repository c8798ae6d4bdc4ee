/**
 * The comparison chart's data: one group per task (CFLUE, FinQA, CCC, overall), one bar per picked run with its 95%
 * interval as an error bar, and the paper's published figures beside them (no interval: the paper prints none).
 * Values are percents, as the paper prints them.
 */
import type { EvalRunSummary, EvalTaskScore, PublishedResult } from '../../contract';

export type ChartTask = 'cflue' | 'finqa' | 'ccc' | 'overall';
export const chartTasks: readonly ChartTask[] = ['cflue', 'finqa', 'ccc', 'overall'];

export interface ChartSeries {
  /** The data key of its bar ("s0", "s1", …: no dots, which chart libraries read as paths). */
  key: string;
  /** The key of its error bar's [below, above] extents. */
  errorKey: string;
  label: string;
  /** Model, quantization and adapter, for the legend and tooltip. */
  detail: string;
  kind: 'run' | 'published';
  /** Some of its items were graded by a judge model. */
  judged: boolean;
}

export interface ChartCell {
  value: number | null;
  /** [accuracy − low, high − accuracy] in percent. */
  error: [number, number] | null;
  n: number | null;
  judged: number;
}

export interface ChartRow {
  task: ChartTask;
  /** Per series key: the value; per error key: the extents (what the chart reads). */
  [key: string]: number | null | [number, number] | ChartTask;
}

export interface ComparisonData {
  series: ChartSeries[];
  /** Rows per task, with the raw cells for tables and tooltips. */
  rows: ChartRow[];
  cells: Record<ChartTask, Record<string, ChartCell>>;
}

const round2 = (x: number) => Math.round(x * 10000) / 100;

function cellOf(score: EvalTaskScore | undefined): ChartCell {
  if (!score || score.n === 0) return { value: null, error: null, n: score?.n ?? null, judged: 0 };
  const below = Math.max(0, round2(score.accuracy - score.ci[0]));
  const above = Math.max(0, round2(score.ci[1] - score.accuracy));
  return { value: round2(score.accuracy), error: [below, above], n: score.n, judged: score.judged };
}

export function runDetail(run: Pick<EvalRunSummary, 'modelName' | 'quantization' | 'adapterName'>): string {
  return [run.modelName, run.quantization, run.adapterName ? `+ ${run.adapterName}` : null].filter(Boolean).join(' · ');
}

export function comparisonData(runs: readonly EvalRunSummary[], published: readonly PublishedResult[]): ComparisonData {
  const series: ChartSeries[] = [];
  const cells = { cflue: {}, finqa: {}, ccc: {}, overall: {} } as Record<ChartTask, Record<string, ChartCell>>;
  runs.forEach((run) => {
    const key = `s${series.length}`;
    series.push({ key, errorKey: `${key}e`, label: run.label, detail: runDetail(run), kind: 'run', judged: run.stats.overall.judged > 0 });
    for (const task of chartTasks) cells[task][key] = cellOf(task === 'overall' ? run.stats.overall : run.stats.tasks[task]);
  });
  published.forEach((result) => {
    const key = `s${series.length}`;
    series.push({ key, errorKey: `${key}e`, label: result.model, detail: result.source, kind: 'published', judged: false });
    for (const task of chartTasks) {
      const value = task === 'overall' ? undefined : result.scores[task];
      cells[task][key] = { value: value ?? null, error: null, n: null, judged: 0 };
    }
  });
  const rows = chartTasks.map((task) => {
    const row: ChartRow = { task };
    for (const s of series) {
      const cell = cells[task][s.key]!;
      row[s.key] = cell.value;
      row[s.errorKey] = cell.error;
    }
    return row;
  });
  return { series, rows, cells };
}
