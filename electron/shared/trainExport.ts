/**
 * Exporting a training job for a GPU cluster (verl for GRPO, LLaMA-Factory for SFT): the request the API validates
 * and the result it returns. Runtime-neutral: imported by the renderer too.
 */
import { z } from 'zod';

export const TrainExportFormat = z.enum(['verl', 'llamafactory']);
export type TrainExportFormat = z.infer<typeof TrainExportFormat>;

const filePath = z.string().trim().min(1, 'A file path is required.').max(4096);

export const TrainExportRequest = z
  .object({
    format: TrainExportFormat,
    /** GRPO data for verl (question, answer, task), SFT data for LLaMA-Factory (question, reasoning, answer). */
    dataPath: filePath,
    /** The job folder; must be empty unless `force`. */
    outDir: filePath,
    /** Base model on the cluster, a Hugging Face id or folder; defaults to Qwen/Qwen2.5-7B-Instruct. */
    model: z.string().trim().min(1).max(4096).optional(),
    force: z.boolean().default(false),
  })
  .strict();
export type TrainExportRequest = z.infer<typeof TrainExportRequest>;

export interface TrainExportResult {
  format: TrainExportFormat;
  /** The job folder, absolute. */
  out: string;
  /** The files written, relative to `out`, `/`-separated. */
  files: string[];
  /** Items exported (training and validation together). */
  items: number;
  /** Items held out in verl's val.parquet; 0 for LLaMA-Factory. */
  validationItems: number;
  /** Input lines skipped, and why: `line 3: not JSON`. */
  errors: string[];
  /** Notes on lines kept, and on the job. */
  warnings: string[];
}
