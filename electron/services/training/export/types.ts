/** What a training-job export takes and returns; shared by the verl and LLaMA-Factory exporters, the CLI and the API. */

export type TrainExportFormat = 'verl' | 'llamafactory';

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

export interface TrainExportResult {
  format: TrainExportFormat;
  /** The job folder, absolute. */
  out: string;
  /** The files written, relative to `out`, `/`-separated. */
  files: string[];
  /** Items exported (training and validation together). */
  items: number;
  /** Items in the validation split (verl's val.parquet); 0 for LLaMA-Factory. */
  validationItems: number;
  /** Input lines skipped, and why: `line 3: not JSON`. */
  errors: string[];
  /** Notes on lines kept, and on the job. */
  warnings: string[];
}

/** Defaults to DianJin-R1-7B's base model. */
export const DEFAULT_EXPORT_MODEL = 'Qwen/Qwen2.5-7B-Instruct';
