/**
 * Evaluation records: benchmark sets (FinQA, CFLUE, CCC-style and the user's own), runs of a set on a model or an
 * engine, and scored items. Runtime-neutral: imported by the renderer too, so nothing here may touch Node.
 */
import { z } from 'zod';
import { LoraAdapter } from './records';

/**
 * How an item is scored: `finqa` numbers at the written precision, `cflue` option letters as a set, `ccc` a
 * compliance verdict, `open` free text (exact match after normalisation, or the judge).
 */
export const EvalTask = z.enum(['finqa', 'cflue', 'ccc', 'open']);
export type EvalTask = z.infer<typeof EvalTask>;
export const EVAL_TASKS: readonly EvalTask[] = EvalTask.options;

/** Where a set came from (the importer that read it). */
export type EvalSetFormat = 'finqa' | 'cflue' | 'dianjin-r1-data' | 'jsonl' | 'sample';

/** One question of a set, as the runner and the scorer see it. */
export interface EvalItem {
  /** Unique within its set: the file's id when it has one, else its line or index. */
  id: string;
  task: EvalTask;
  question: string;
  /** The reference answer: a number for finqa ("0.0164", "1.64%", "(1,200)"), letters for cflue ("ABD"), a verdict for ccc. */
  reference: string;
  /** Report text, a table, or a dialogue the question is about (FinQA's pre_text + table + post_text, CCC's dialogue). */
  context?: string;
  /** CFLUE's options by letter: { A: "…", B: "…" }. */
  choices?: Record<string, string>;
}

export interface EvalSetSummary {
  id: string;
  name: string;
  format: EvalSetFormat;
  /** The imported file's name (not its path: the set is a copy, the file may move). */
  fileName: string | null;
  itemCount: number;
  /** Items per task. */
  tasks: Partial<Record<EvalTask, number>>;
  createdAt: number;
  /** Line-numbered notes from the import (skipped lines and why); empty when every line was read. */
  warnings: string[];
}

/** The generating side of a run: the local model (with or without an adapter) or a remote OpenAI-compatible engine. */
export const EvalTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), modelPath: z.string().trim().min(1, 'Choose a model file.').max(4096), lora: LoraAdapter.nullable().optional() }).strict(),
  z
    .object({
      kind: z.literal('remote'),
      baseUrl: z.string().trim().min(1, 'The engine address is required.').max(2000).url('The engine address must be an http:// or https:// URL.'),
      model: z.string().trim().min(1, 'The remote model name is required.').max(200),
    })
    .strict(),
]);
export type EvalTarget = z.infer<typeof EvalTarget>;

/** Sampling for a run; DianJin-R1's settings by default (temperature 0.6, top-p 0.95). */
export const EvalSampling = z
  .object({
    temperature: z.number().min(0).max(2),
    topP: z.number().gt(0).max(1),
    topK: z.number().int().min(0).max(1000),
    maxTokens: z.number().int().min(16).max(131072),
    seed: z.number().int().min(0),
  })
  .partial()
  .strict();
export type EvalSampling = z.infer<typeof EvalSampling>;

export const EvalRunInput = z
  .object({
    setId: z.string().min(1).max(100),
    target: EvalTarget,
    sampling: EvalSampling.optional(),
    /** Run the first N items only (in the set's order, after `sample`). */
    limit: z.number().int().min(1).max(1_000_000).optional(),
    /** A seeded random sample of N items instead of the whole set. */
    sample: z.object({ size: z.number().int().min(1).max(1_000_000), seed: z.number().int().min(0).default(0) }).strict().optional(),
    /** Grade free-text answers with this model too (labelled as judged in every result). */
    judge: EvalTarget.nullable().optional(),
    /** The run's name in lists and charts; defaults to the model's name, quantization and adapter. */
    label: z.string().trim().min(1).max(200).optional(),
    /** Context size for a local model; defaults to the load settings'. */
    contextSize: z.number().int().min(512).max(262144).optional(),
  })
  .strict();
export type EvalRunInput = z.infer<typeof EvalRunInput>;

export type EvalRunStatus = 'queued' | 'running' | 'paused' | 'complete' | 'failed';

/** Accuracy of one task (or of all tasks) in a run. */
export interface EvalTaskScore {
  n: number;
  correct: number;
  /** correct / n, 0..1 (0 when n is 0). */
  accuracy: number;
  /** 95% Wilson score interval of the accuracy, 0..1. */
  ci: [number, number];
  /** Share of answers in the `<think>…</think><answer>…\boxed{…}</answer>` format, 0..1. */
  formatRate: number;
  /** Items whose correctness a judge model decided. */
  judged: number;
}

export interface EvalRunSummaryStats {
  tasks: Partial<Record<EvalTask, EvalTaskScore>>;
  overall: EvalTaskScore;
  /** Items that failed to generate (engine error); not counted in accuracy. */
  errors: number;
  meanCompletionTokens: number | null;
  meanSecondsPerItem: number | null;
  tokensPerSecond: number | null;
}

export interface EvalRunSummary {
  id: string;
  setId: string;
  setName: string;
  label: string;
  target: EvalTarget;
  /** The model's name from its GGUF (or the remote model name), its quantization, and the adapter's file name. */
  modelName: string;
  quantization: string | null;
  adapterName: string | null;
  judge: EvalTarget | null;
  sampling: Required<EvalSampling>;
  status: EvalRunStatus;
  /** Items planned for this run (after limit/sample) and items finished (scored or failed). */
  total: number;
  done: number;
  /** Estimated seconds left while running, from the mean time per finished item. */
  etaSeconds: number | null;
  error: { code: string; message: string } | null;
  stats: EvalRunSummaryStats;
  createdAt: number;
  updatedAt: number;
}

/** One scored item in a run (the list view: no full text). */
export interface EvalResultRow {
  itemId: string;
  task: EvalTask;
  /** The question, shortened for the table. */
  questionPreview: string;
  reference: string;
  predicted: string | null;
  correct: boolean | null;
  formatOk: boolean;
  judged: boolean;
  completionTokens: number | null;
  seconds: number | null;
  /** An engine error for this item (it is retried on resume). */
  error: string | null;
}

/** One item in full, for the drill-down into the reasoning inspector. */
export interface EvalResultDetail extends EvalResultRow {
  question: string;
  context: string | null;
  choices: Record<string, string> | null;
  /** The raw model text, tags included. */
  output: string;
  reasoning: string;
  answer: string;
  /** The judge's own words when a judge graded this item. */
  judgeOutput: string | null;
}

export interface EvalRunDetail extends EvalRunSummary {
  rows: EvalResultRow[];
}

export type EvalExportFormat = 'json' | 'csv';

export interface EvalExport {
  fileName: string;
  mimeType: string;
  content: string;
}

/** A published figure, shown beside the user's runs in the comparison chart. */
export interface PublishedResult {
  model: string;
  /** Accuracy in percent, as the paper prints it. */
  scores: Partial<Record<'cflue' | 'finqa' | 'ccc', number>>;
  source: string;
}

/**
 * DianJin-R1's published results (arXiv 2504.15716, table "Model Evaluation" of github.com/aliyun/qwen-dianjin).
 * FinQA there was graded by GPT-4o (judge mode here); CFLUE by exact option letters; CCC by verdict.
 */
export const PUBLISHED_RESULTS: readonly PublishedResult[] = [
  { model: 'DianJin-R1-7B', scores: { cflue: 80.32, finqa: 77.72, ccc: 94.5 }, source: 'DianJin-R1 paper' },
  { model: 'DianJin-R1-32B', scores: { cflue: 86.74, finqa: 80.82, ccc: 96.0 }, source: 'DianJin-R1 paper' },
  { model: 'Qwen2.5-7B-Instruct', scores: { cflue: 69.37, finqa: 66.7, ccc: 55.0 }, source: 'DianJin-R1 paper' },
  { model: 'Qwen2.5-32B-Instruct', scores: { cflue: 77.95, finqa: 79.51, ccc: 56.5 }, source: 'DianJin-R1 paper' },
  { model: 'DeepSeek-R1', scores: { cflue: 86.64, finqa: 79.81, ccc: 67.5 }, source: 'DianJin-R1 paper' },
  { model: 'GPT-4o', scores: { cflue: 71.68, finqa: 79.16, ccc: 50.0 }, source: 'DianJin-R1 paper' },
];

/** Progress of a run, pushed as an app event while it runs. */
export interface EvalProgressEvent {
  type: 'eval.progress';
  run: EvalRunSummary;
  /** The item just finished, when one was. */
  row: EvalResultRow | null;
}
