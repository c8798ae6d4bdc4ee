/** What a training-job export takes and returns; shared by the verl and LLaMA-Factory exporters, the CLI and the API. */
import type { TrainExportFormat, TrainExportResult } from '../../../shared/trainExport';

export type { TrainExportFormat, TrainExportResult };

/** The training data: a JSONL/JSON file on disk, or its text (from the UI, with the file's name for messages). */
export type TrainExportInput = { path: string } | { text: string; fileName?: string };

export interface TrainExportOptions {
  /**
   * The base model the job starts from: a Hugging Face id or a path on the cluster (the trainers load safetensors,
   * not GGUF). Defaults to `Qwen/Qwen2.5-7B-Instruct`, DianJin-R1-7B's base; a variable in the job, so it can be
   * changed there too.
   */
  model?: string;
  /** Write into a folder that already has files (those the export writes are replaced, others kept). Defaults to false. */
  force?: boolean;
}


/** Defaults to DianJin-R1-7B's base model. */
export const DEFAULT_EXPORT_MODEL = 'Qwen/Qwen2.5-7B-Instruct';
